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
          <button
            type="button"
            onClick={() => go(index - 1)}
            disabled={index === 0}
            title={t('ha.stepBack')}
            aria-label={t('ha.stepBack')}
            data-testid="ha-caption-back"
          >
            ‹
          </button>
          <button
            type="button"
            onClick={() => go(index + 1)}
            disabled={index === count - 1}
            title={t('ha.stepNext')}
            aria-label={t('ha.stepNext')}
            data-testid="ha-caption-next"
          >
            ›
          </button>
          <button
            type="button"
            onClick={() => setPlayback(null)}
            title={t('ha.closePlayback')}
            aria-label={t('ha.closePlayback')}
            data-testid="ha-caption-close"
          >
            ×
          </button>
        </span>
      </div>
      <p data-testid="ha-caption-text">{i18n.language.startsWith('zh') ? step.text.zh : step.text.en}</p>
    </Panel>
  );
}
