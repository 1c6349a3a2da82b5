/**
 * Registers the classroom mode: the toolbar mode entry (its main area replaces the canvas), the
 * packet inspector tab of the right panel, and the strings in English and Simplified Chinese.
 */
import { lazy } from 'react';
import '../styles/classroom.css';
import { registerMode, registerRightPanelTab, registerTranslations } from '../app/extensions.ts';
import { classroomEn, classroomZh } from './strings.ts';

// The simulator, the scheduler playground and the exports load when the mode or tab is first opened.
const ClassroomMain = lazy(() => import('./ClassroomMain.tsx').then((m) => ({ default: m.ClassroomMain })));
const PacketPanel = lazy(() => import('./PacketPanel.tsx').then((m) => ({ default: m.PacketPanel })));

registerTranslations('en', { classroom: classroomEn });
registerTranslations('zh-CN', { classroom: classroomZh });
registerRightPanelTab({ id: 'packet', titleKey: 'classroom.tabPacket', order: 40, component: PacketPanel });
registerMode({ id: 'classroom', titleKey: 'classroom.mode', order: 50, main: ClassroomMain, rightTabs: ['packet', 'inspector', 'services'] });
