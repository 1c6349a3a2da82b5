/**
 * The main window: toolbar on top, palette left, canvas with the problems panel below it, the
 * tabbed right panel, the status bar. The built-in right-panel tabs are registered here; other
 * features add theirs through ./extensions.ts.
 */
import { Suspense, lazy, useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { Canvas } from '../canvas/Canvas.tsx';
import { Palette } from '../canvas/Palette.tsx';
import { Inspector } from '../panels/Inspector.tsx';
import { ServicesPanel } from '../panels/ServicesPanel.tsx';
import { ProblemsPanel } from '../panels/ProblemsPanel.tsx';
import { useApp } from '../store/index.ts';
import { loadChecker } from '../store/diagnostics.ts';
import { Toolbar } from './Toolbar.tsx';
import { StatusBar } from './StatusBar.tsx';
import { Dialogs, Notices } from './Dialogs.tsx';
import { registerRightPanelTab, useModes, useRightPanelTabs } from './extensions.ts';
import './plugins.ts';
import { useShortcuts } from './shortcuts.ts';
import { bridge } from '../bridge/index.ts';
import { checkRecovery, confirmDiscard, openDesign, openRecent, save, saveAs, startAutosave } from './files.ts';

registerRightPanelTab({ id: 'inspector', titleKey: 'tabs.inspector', order: 10, component: Inspector });
registerRightPanelTab({ id: 'services', titleKey: 'tabs.services', order: 20, component: ServicesPanel });
// The generators load with the Config tab, not with the first paint.
const ConfigView = lazy(() => import('../panels/ConfigView.tsx').then((m) => ({ default: m.ConfigView })));
registerRightPanelTab({ id: 'config', titleKey: 'tabs.config', order: 30, component: ConfigView });

/** Shown for the moment a tab or mode loaded on demand takes to arrive. */
function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted" data-testid="loading">
      {t('tabs.loading')}
    </p>
  );
}

function RightPanel() {
  const { t } = useTranslation();
  const tabs = useRightPanelTabs();
  const modes = useModes();
  const mode = useApp((s) => s.mode);
  const current = useApp((s) => s.rightTab);
  const setTab = useApp((s) => s.setRightTab);
  const allowed = modes.find((m) => m.id === mode)?.rightTabs;
  const visible = allowed ? tabs.filter((x) => allowed.includes(x.id)) : tabs;
  const active = visible.find((x) => x.id === current) ?? visible[0];
  const collapsed = useApp((s) => s.rightCollapsed);
  const setCollapsed = useApp((s) => s.setRightCollapsed);
  if (!active) return null;
  if (collapsed) {
    return (
      <aside className="right-panel is-collapsed" aria-label={t('tabs.label')}>
        <button
          type="button"
          className="panel-toggle"
          onClick={() => setCollapsed(false)}
          title={t('tabs.expand')}
          aria-label={t('tabs.expand')}
          aria-expanded={false}
          data-testid="right-expand"
        >
          ‹
        </button>
        {visible.map((x) => (
          <button
            key={x.id}
            type="button"
            className="strip-tab"
            onClick={() => (setTab(x.id), setCollapsed(false))}
            title={t(x.titleKey as 'tabs.inspector')}
            data-testid={`strip-tab-${x.id}`}
          >
            {t(x.titleKey as 'tabs.inspector')}
          </button>
        ))}
      </aside>
    );
  }
  const Body = active.component;
  return (
    <aside className="right-panel" aria-label={t('tabs.label')}>
      <div className="tabs" role="tablist">
        <button
          type="button"
          className="panel-toggle"
          onClick={() => setCollapsed(true)}
          title={t('tabs.collapse')}
          aria-label={t('tabs.collapse')}
          aria-expanded={true}
          data-testid="right-collapse"
        >
          ›
        </button>
        {visible.map((x) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            aria-selected={x === active}
            className={`tab${x === active ? ' is-active' : ''}`}
            onClick={() => setTab(x.id)}
            data-testid={`tab-${x.id}`}
          >
            {t(x.titleKey as 'tabs.inspector')}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        <Suspense fallback={<Loading />}>
          <Body />
        </Suspense>
      </div>
    </aside>
  );
}

function SidePalette() {
  const { t } = useTranslation();
  const collapsed = useApp((s) => s.paletteCollapsed);
  const setCollapsed = useApp((s) => s.setPaletteCollapsed);
  return (
    <div className={`palette-wrap${collapsed ? ' is-collapsed' : ''}`}>
      <button
        type="button"
        className="panel-toggle"
        onClick={() => setCollapsed(!collapsed)}
        title={collapsed ? t('palette.expand') : t('palette.collapse')}
        aria-label={collapsed ? t('palette.expand') : t('palette.collapse')}
        aria-expanded={!collapsed}
        data-testid="palette-toggle"
      >
        {collapsed ? '›' : '‹'}
      </button>
      {!collapsed && <Palette />}
    </div>
  );
}

function Workspace() {
  useShortcuts();
  const modes = useModes();
  const mode = useApp((s) => s.mode);
  const Main = modes.find((m) => m.id === mode)?.main;
  useEffect(() => {
    const stop = startAutosave();
    // The recovery offer is decided before the app says it is ready (tests and users see a stable UI).
    void checkRecovery().finally(() => {
      document.documentElement.dataset.lvsReady = 'true';
      // Then the checker loads; until it is there the Problems panel and the status bar say "checking".
      void loadChecker().then(
        () => useApp.getState().setChecker('ready'),
        () => useApp.getState().setChecker('failed'),
      );
    });
    const off = bridge().events.on('menu:command', (c) => {
      if (c.command === 'save') void save();
      else if (c.command === 'saveAs') void saveAs();
      else if (c.command === 'open') void openDesign();
      else if (c.command === 'new') {
        if (confirmDiscard()) useApp.getState().openDialog('templates');
      } else if (c.command === 'openRecent' && confirmDiscard()) void openRecent(c.handle);
    });
    const beforeUnload = (e: BeforeUnloadEvent) => {
      const s = useApp.getState();
      if (s.revision !== s.savedRevision) e.preventDefault();
    };
    // Electron closes through its own unsaved-changes handling; a browser tab gets the native prompt.
    if (bridge().kind === 'browser') window.addEventListener('beforeunload', beforeUnload);
    return () => {
      stop();
      off();
      window.removeEventListener('beforeunload', beforeUnload);
    };
  }, []);
  const paletteCollapsed = useApp((s) => s.paletteCollapsed);
  const rightCollapsed = useApp((s) => s.rightCollapsed);
  return (
    <div className="app">
      <Toolbar />
      <div className={`workspace${Main ? ' has-main' : ''}${paletteCollapsed ? ' no-palette' : ''}${rightCollapsed ? ' no-right' : ''}`}>
        {Main ? (
          <main className="main-area">
            <Suspense fallback={<Loading />}>
              <Main />
            </Suspense>
          </main>
        ) : (
          <>
            <SidePalette />
            <main className="main-area">
              <Canvas />
              <ProblemsPanel />
            </main>
          </>
        )}
        <RightPanel />
      </div>
      <StatusBar />
      <Dialogs />
      <Notices />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Workspace />
    </ReactFlowProvider>
  );
}
