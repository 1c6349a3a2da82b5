/**
 * The classroom mode's main area: the sub-view switch (packet walk, NAT/DR/TUN compare, scheduler
 * playground, real packets) and the presenter view, which hides the editing chrome and enlarges everything.
 */
import { useEffect, useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../store/index.ts';
import type { ClassroomView } from './simulationSlice.ts';
import { TraceView } from './TraceView.tsx';
import { CompareView } from './Compare.tsx';
import { Playground } from './Playground.tsx';
import { RealPackets } from './RealPackets.tsx';

const VIEWS: readonly ClassroomView[] = ['trace', 'compare', 'scheduler', 'real'];
const PRESENTER_CLASS = 'lvs-presenter';

export function ClassroomMain() {
  const { t } = useTranslation();
  const view = useApp((s) => s.simulation.view);
  const presenter = useApp((s) => s.simulation.presenter);
  const setView = useApp((s) => s.setSimView);

  useEffect(() => {
    const root = document.documentElement;
    root.classList.toggle(PRESENTER_CLASS, presenter);
    if (presenter && !document.fullscreenElement && root.requestFullscreen) {
      // Full screen needs a user gesture; when refused the presenter layout still applies.
      root.requestFullscreen().catch(() => undefined);
    } else if (!presenter && document.fullscreenElement) {
      void document.exitFullscreen().catch(() => undefined);
    }
  }, [presenter]);

  // A layout effect: the panel folds and the tab changes before the browser lays out the first
  // classroom frame, so the stage is not laid out (and its nodes measured) once at the wrong width.
  useLayoutEffect(() => {
    // Entering the classroom shows the packet inspector beside the stage; leaving gives the
    // designer its inspector back.
    useApp.getState().setRightTab('packet');
    // A projector-sized window gives the stage the whole width; the packet panel is one click away.
    const folded = window.innerWidth < 1280 && !useApp.getState().rightCollapsed;
    if (folded) useApp.getState().setRightCollapsed(true);
    // A selection left over from the designer is invisible here; Delete must not remove it.
    useApp.getState().clearSelection();
    return () => {
      if (useApp.getState().rightTab === 'packet') useApp.getState().setRightTab('inspector');
      if (folded) useApp.getState().setRightCollapsed(false);
    };
  }, []);

  useEffect(() => {
    // Leaving full screen with the browser's own Esc also leaves the presenter view.
    const onFs = () => {
      if (!document.fullscreenElement && useApp.getState().simulation.presenter) useApp.getState().setSimPresenter(false);
    };
    document.addEventListener('fullscreenchange', onFs);
    return () => {
      document.removeEventListener('fullscreenchange', onFs);
      document.documentElement.classList.remove(PRESENTER_CLASS);
      const s = useApp.getState();
      if (s.simulation.presenter) s.setSimPresenter(false);
      if (s.simulation.playing) s.setSimPlaying(false);
    };
  }, []);

  return (
    <div className={`cls-root view-${view}${presenter ? ' is-presenter' : ''}`} data-testid="classroom">
      <nav className="cls-views cls-edit-chrome" role="tablist" aria-label={t('classroom.mode')}>
        {VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            className={view === v ? 'is-active' : undefined}
            onClick={() => setView(v)}
            data-testid={`cls-view-${v}`}
          >
            {t(`classroom.views.${v}`)}
          </button>
        ))}
      </nav>
      <div className="cls-body">
        {view === 'trace' ? <TraceView /> : view === 'compare' ? <CompareView /> : view === 'real' ? <RealPackets /> : <Playground />}
      </div>
    </div>
  );
}
