/**
 * Registers the classroom mode: the toolbar mode entry (its main area replaces the canvas), the
 * packet inspector tab of the right panel, and the strings in English and Simplified Chinese.
 */
import '../styles/classroom.css';
import { registerMode, registerRightPanelTab, registerTranslations } from '../app/extensions.ts';
import { ClassroomMain } from './ClassroomMain.tsx';
import { PacketPanel } from './PacketPanel.tsx';
import { classroomEn, classroomZh } from './strings.ts';

// loadPlugins' eager glob makes this module a static import of extensions.ts, evaluated before that
// module's own state exists (a cycle): register once the module graph has finished evaluating.
queueMicrotask(() => {
  registerTranslations('en', { classroom: classroomEn });
  registerTranslations('zh-CN', { classroom: classroomZh });
  registerRightPanelTab({ id: 'packet', titleKey: 'classroom.tabPacket', order: 40, component: PacketPanel });
  registerMode({ id: 'classroom', titleKey: 'classroom.mode', order: 50, main: ClassroomMain, rightTabs: ['packet', 'inspector', 'services'] });
});
