/**
 * "Real packets": captures one request in the running built-in lab (`capture:run`), plays the
 * captured walk with the packet walk's own controls, header strip and step list, shows the paired
 * simulated step beside it and lists every difference the comparison found (docs/live.md).
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Lang, Trace } from '../../shared/simulator/index.ts';
import type { CaptureView } from '../../shared/ipc/capture.ts';
import type { WalkDifference } from '../../shared/capture/compare.ts';
import { bridge, settle } from '../bridge/index.ts';
import { useApp } from '../store/index.ts';
import { effectiveCursor, langOf, resolveFlow, visibleSteps } from './derive.ts';
import { Controls, FlowPicker, STEP_MS, StepList, usePlayback } from './TraceView.tsx';
import { HeaderStrip } from './PacketPanel.tsx';

type Availability = { state: 'checking' } | { state: 'none' } | { state: 'ready' };

function differenceLine(t: TFunction, lang: Lang, d: WalkDifference): string {
  // step numbers from 1, as in the step lists
  if (d.kind === 'missing') return t('classroom.real.missing', { n: d.simulated + 1, what: d.what[lang] });
  if (d.kind === 'extra') return t('classroom.real.extra', { n: d.captured + 1, what: d.what[lang] });
  return t('classroom.real.field', { sim: d.simulated + 1, cap: d.captured + 1, field: d.field, expected: d.expected, actual: d.actual });
}

function Differences({ view }: { view: CaptureView }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const diffs = view.comparison.differences;
  if (diffs.length === 0) {
    return (
      <p className="cls-real-same" data-testid="cls-real-none">
        {t('classroom.real.none')}
      </p>
    );
  }
  return (
    <div className="cls-real-diffs" data-testid="cls-real-diffs">
      <h3>{t('classroom.real.differences', { count: diffs.length })}</h3>
      <ul>
        {diffs.map((d, i) => (
          <li key={i} className={`diff-${d.kind}`} data-testid="cls-real-diff">
            {differenceLine(t, lang, d)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Playback({ view }: { view: CaptureView }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const sim = useApp((s) => s.simulation);
  // The captured steps have the simulator's step shape; played as a trace of their own.
  const captured: Trace = useMemo(() => ({ ...view.trace, steps: view.walk.steps }), [view]);
  const visible = useMemo(() => visibleSteps(captured, sim.showArp), [captured, sim.showArp]);
  const cursor = effectiveCursor(captured, sim.cursor, visible);
  const step = captured.steps[cursor];
  const simIndex = view.comparison.pairs.find(([, c]) => c === cursor)?.[0];
  const simStep = simIndex === undefined ? undefined : view.trace.steps[simIndex];
  const durationMs = STEP_MS / sim.speed;

  usePlayback(captured, visible, cursor, durationMs);

  if (captured.steps.length === 0) return <p className="cls-real-msg">{t('classroom.real.noSteps')}</p>;
  return (
    <>
      <Controls trace={captured} visible={visible} cursor={cursor} blocked={false} />
      <div className="cls-real-side">
        <section className="cls-real-col" data-testid="cls-real-captured">
          <h3>
            {t('classroom.real.captured')} · #{visible.indexOf(cursor) + 1}
          </h3>
          {step && <HeaderStrip step={step} />}
          {step && <p className="cls-real-narr">{step.narration[lang]}</p>}
        </section>
        <section className="cls-real-col" data-testid="cls-real-simulated">
          <h3>
            {t('classroom.real.simulated')}
            {simStep ? ` · ${simStep.index + 1}` : ''}
          </h3>
          {simStep ? <HeaderStrip step={simStep} /> : <p className="cls-real-msg">{t('classroom.real.noPair')}</p>}
          {simStep && <p className="cls-real-narr">{simStep.narration[lang]}</p>}
        </section>
      </div>
      <StepList trace={captured} visible={visible} cursor={cursor} lang={lang} waiting={false} />
    </>
  );
}

export function RealPackets() {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const sim = useApp((s) => s.simulation);
  const [avail, setAvail] = useState<Availability>({ state: 'checking' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<CaptureView | null>(null);

  useEffect(() => {
    let live = true;
    void settle(bridge().capture.available()).then((r) => {
      if (!live) return;
      if (r.ok && r.value.available) setAvail({ state: 'ready' });
      // why not (no qemu, no lab VM) is the Deploy tab's lab section's to say; here: what to do
      else setAvail({ state: 'none' });
    });
    return () => {
      live = false;
    };
  }, []);

  if (avail.state === 'checking') return <p className="cls-real-msg">{t('classroom.real.checking')}</p>;
  if (avail.state === 'none') {
    return (
      <div className="cls-empty cls-real-nolab" data-testid="cls-real-nolab">
        <p>{t('classroom.real.noLab')}</p>
      </div>
    );
  }

  const f = resolveFlow(topology, sim);
  const run = async (): Promise<void> => {
    if (!f.client || !f.service) return;
    setBusy(true);
    setError(null);
    const r = await settle(bridge().capture.run(topology, { client: f.client.id, service: f.service.id }));
    setBusy(false);
    if (!r.ok) setError(r.error);
    else if (!r.value.ok) setError(r.value.error);
    else {
      setView(r.value.value);
      const s = useApp.getState();
      s.setSimPlaying(false);
      s.setSimCursor(0);
    }
  };
  const req = view?.request;
  return (
    <div className="cls-real" data-testid="cls-real">
      <FlowPicker />
      <div className="cls-real-bar">
        <button type="button" className="primary" disabled={busy || !f.client || !f.service} onClick={() => void run()} data-testid="cls-real-capture">
          {view ? t('classroom.real.again') : t('classroom.real.capture')}
        </button>
        <span className="cls-real-status" data-testid="cls-real-status">
          {busy
            ? t('classroom.real.capturing')
            : req
              ? t('classroom.real.request', { result: req.code === 0 ? t('classroom.real.answered') : t('classroom.real.notAnswered', { code: req.code }) })
              : t('classroom.real.intro')}
        </span>
      </div>
      {error && (
        <p className="cls-real-error" role="alert" data-testid="cls-real-error">
          {t('classroom.real.failed', { error })}
        </p>
      )}
      {view && (
        <>
          <Differences view={view} />
          <Playback view={view} />
          {view.walk.problems.length + view.problems.length > 0 && (
            <details className="cls-real-problems">
              <summary>{t('classroom.real.problems')}</summary>
              <ul>
                {[...view.problems, ...view.walk.problems].map((p, i) => (
                  <li key={i} className="mono">
                    {p}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </div>
  );
}
