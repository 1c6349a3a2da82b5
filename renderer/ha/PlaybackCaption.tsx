/**
 * The narration of the failover-timeline step shown on the canvas, captioned at the bottom of the
 * canvas (registered as a canvas layer) with step back / next and a close button, large enough for
 * a projector. The HA tab starts the playback; the members' marks show their roles at the step.
 */
import { Panel } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../store/index.ts';
import { playbackStep } from './derive.ts';

export function HaPlaybackCaption() {
  const { t, i18n } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const playback = useApp((s) => s.haPlayback);
  const setPlayback = useApp((s) => s.setHaPlayback);
  const shown = playbackStep(topology, playback);
  if (!playback || !shown) return null;
  const { step, index, count } = shown;
  const go = (to: number) => setPlayback({ ...playback, step: Math.max(0, Math.min(count - 1, to)) });
  const group = (topology.directorGroups ?? []).find((g) => g.id === playback.group);
  return (
    <Panel position="bottom-center" className="ha-caption" data-testid="ha-caption" aria-live="polite" aria-label={t('ha.captionLabel')}>
      <div className="ha-caption-head">
        <span>
          {t('ha.captionTitle', { name: group?.name ?? playback.group, event: t(`ha.events.${playback.event}`) })} · {index + 1}/{count} ·{' '}
          {step.at >= 0 ? '+' : ''}
          {step.at.toFixed(3)} s
        </span>
        <span className="ha-caption-buttons">
          <CaptionButton label={t('ha.stepBack')} glyph="‹" disabled={index === 0} onClick={() => go(index - 1)} testId="ha-caption-back" />
          <CaptionButton label={t('ha.stepNext')} glyph="›" disabled={index === count - 1} onClick={() => go(index + 1)} testId="ha-caption-next" />
          <CaptionButton label={t('ha.closePlayback')} glyph="×" onClick={() => setPlayback(null)} testId="ha-caption-close" />
        </span>
      </div>
      <p data-testid="ha-caption-text">{i18n.language.startsWith('zh') ? step.text.zh : step.text.en}</p>
    </Panel>
  );
}

/** A one-glyph caption button, named for screen readers and in its tooltip. */
function CaptionButton(p: { label: string; glyph: string; onClick: () => void; testId: string; disabled?: boolean }) {
  return (
    <button type="button" onClick={p.onClick} disabled={p.disabled} title={p.label} aria-label={p.label} data-testid={p.testId}>
      {p.glyph}
    </button>
  );
}
