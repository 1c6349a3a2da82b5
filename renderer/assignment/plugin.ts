/**
 * Registers the Assignment tab (instructor mode, docs/instructor.md): the student's view of an
 * assignment with live goals and the submission, and the teacher's authoring from the open design.
 */
import { lazy } from 'react';
import '../styles/assignment.css';
import { registerRightPanelTab, registerTranslations } from '../app/extensions.ts';
import { assignmentEn, assignmentZh } from './strings.ts';

const AssignmentPanel = lazy(() => import('./AssignmentPanel.tsx').then((m) => ({ default: m.AssignmentPanel })));

registerTranslations('en', { assignment: assignmentEn });
registerTranslations('zh-CN', { assignment: assignmentZh });
registerRightPanelTab({ id: 'assignment', titleKey: 'assignment.tab', order: 60, component: AssignmentPanel });
