/**
 * Registers the classroom mode: the toolbar mode entry (its main area replaces the canvas), the
 * packet inspector tab of the right panel, and the strings in English and Simplified Chinese.
 */
import '../styles/classroom.css';
import { registerMode, registerRightPanelTab, registerTranslations } from '../app/extensions.ts';
import { ClassroomMain } from './ClassroomMain.tsx';
import { PacketPanel } from './PacketPanel.tsx';
import { classroomEn, classroomZh } from './strings.ts';

registerTranslations('en', { classroom: classroomEn });
registerTranslations('zh-CN', { classroom: classroomZh });
registerRightPanelTab({ id: 'packet', titleKey: 'classroom.tabPacket', order: 40, component: PacketPanel });
registerMode({ id: 'classroom', titleKey: 'classroom.mode', order: 50, main: ClassroomMain, rightTabs: ['packet', 'inspector', 'services'] });
