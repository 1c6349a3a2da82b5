/**
 * Registers the HA view: the HA tab of the right panel (loaded when first opened), the group marks
 * on director cards, the frame around each group's cards, the caption of a failover timeline played
 * on the canvas, and the strings in English and Simplified Chinese.
 */
import { lazy } from 'react';
import '../styles/ha.css';
import { registerCanvasLayer, registerNodeDecoration, registerRightPanelTab, registerTranslations } from '../app/extensions.ts';
import { GroupFrames } from './GroupFrames.tsx';
import { HaNodeBadge } from './NodeBadge.tsx';
import { HaPlaybackCaption } from './PlaybackCaption.tsx';
import { haEn, haZh } from './strings.ts';

const HaPanel = lazy(() => import('./HaPanel.tsx').then((m) => ({ default: m.HaPanel })));

registerTranslations('en', { ha: haEn });
registerTranslations('zh-CN', { ha: haZh });
registerRightPanelTab({ id: 'ha', titleKey: 'ha.tab', order: 40, component: HaPanel });
registerNodeDecoration({ id: 'ha', component: HaNodeBadge });
registerCanvasLayer({ id: 'ha', component: GroupFrames });
registerCanvasLayer({ id: 'ha-playback', component: HaPlaybackCaption });
