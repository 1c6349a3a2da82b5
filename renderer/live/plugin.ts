/**
 * Registers the live view: the Live tab of the right panel, the marks on host cards, the rates on
 * host–segment links, and the strings in English and Simplified Chinese.
 */
import { lazy } from 'react';
import '../styles/live.css';
import { registerEdgeDecoration, registerNodeDecoration, registerRightPanelTab, registerTranslations } from '../app/extensions.ts';
import { LiveEdgeLabel } from './EdgeLabel.tsx';
import { LiveNodeBadge } from './NodeBadge.tsx';
import { liveEn, liveZh } from './strings.ts';

// The panel loads with its tab; the marks and rates on the canvas stay (they show a running cluster).
const LivePanel = lazy(() => import('./LivePanel.tsx').then((m) => ({ default: m.LivePanel })));

registerTranslations('en', { live: liveEn });
registerTranslations('zh-CN', { live: liveZh });
registerRightPanelTab({ id: 'live', titleKey: 'live.tab', order: 50, component: LivePanel });
registerNodeDecoration({ id: 'live', component: LiveNodeBadge });
registerEdgeDecoration({ id: 'live', component: LiveEdgeLabel });
