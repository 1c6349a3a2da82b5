/**
 * Registers the Deploy panel: the right-panel tab, the badges on host cards, and the strings in
 * English and Simplified Chinese. The panel itself loads when its tab is first opened.
 */
import { lazy } from 'react';
import '../styles/deploy.css';
import { registerNodeDecoration, registerRightPanelTab, registerTranslations } from '../app/extensions.ts';
import { DeployNodeBadge } from './NodeBadge.tsx';
import { deployEn, deployZh } from './strings.ts';

const DeployPanel = lazy(() => import('./DeployPanel.tsx').then((m) => ({ default: m.DeployPanel })));

registerTranslations('en', { deploy: deployEn });
registerTranslations('zh-CN', { deploy: deployZh });
registerRightPanelTab({ id: 'deploy', titleKey: 'deploy.tab', order: 45, component: DeployPanel });
registerNodeDecoration({ id: 'deploy', component: DeployNodeBadge });
