/**
 * Registers the Assignment tab (instructor mode, docs/instructor.md): the student's view of an
 * assignment with live goals and the submission, and the teacher's authoring from the open design.
 */
import { lazy } from 'react';
import '../styles/assignment.css';
import { registerRightPanelTab, registerTranslations } from '../app/extensions.ts';
import { assignmentEn, assignmentZh } from './strings.ts';
import i18n from '../i18n/index.ts';
import { useApp } from '../store/index.ts';
import { useAssignment } from './state.ts';

const AssignmentPanel = lazy(() => import('./AssignmentPanel.tsx').then((m) => ({ default: m.AssignmentPanel })));

registerTranslations('en', { assignment: assignmentEn });
registerTranslations('zh-CN', { assignment: assignmentZh });
registerRightPanelTab({ id: 'assignment', titleKey: 'assignment.tab', order: 60, component: AssignmentPanel });

/**
 * The student side of an open assignment (with a plan made) locks its `locked` elements in the
 * editor: edits and drags that touch them are refused with a notice, the nodes show a lock.
 */
function syncLocks(): void {
  const a = useAssignment.getState();
  const ids = a.role === 'student' && a.assignment && a.activeSeed ? a.assignment.locked : [];
  const cur = useApp.getState().locks;
  if (ids.length === cur.length && ids.every((x, i) => x === cur[i])) return;
  useApp.getState().setLocks(ids, ids.length > 0 ? (hit) => i18n.t('assignment.lockRefused', { ids: hit.join(', ') }) : null);
}
useAssignment.subscribe(syncLocks);
syncLocks();
