/**
 * The packet walk's failure controls: which real servers of the played service are down, how they
 * died (host gone / service stopped), how long ago (presets from keepalived's detection timing, or a
 * slider), and the director's expire_nodest_conn. The walk re-runs with the scenario (derive.ts).
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { compileNetwork, failurePresets } from '../../shared/simulator/index.ts';
import { withVrrpHolders } from '../../shared/model/ha.ts';
import type { Topology } from '../../shared/model/types.ts';
import { useApp } from '../store/index.ts';
import { resolveFlow } from './derive.ts';

/** Host ids of the real servers marked down in the walk (for the stage's greyed nodes). */
export function downHostIds(t: Topology, sim: Parameters<typeof resolveFlow>[1]): Set<string> {
  const f = resolveFlow(t, sim);
  const out = new Set<string>();
  for (const id of f.failure?.down ?? []) {
    const rs = f.service?.realServers.find((r) => r.id === id);
    if (rs) out.add(rs.host);
  }
  return out;
}

/** True when real servers of the played service are marked down. */
export function hasDownServers(t: Topology, service: string | null, down: readonly string[]): boolean {
  const svc = t.services.find((v) => v.id === service) ?? t.services[0];
  return down.some((id) => svc?.realServers.some((r) => r.id === id));
}

/** The picker row's button that unfolds the failure row. */
export function FailureToggle({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className={`cls-failure-toggle${open ? ' is-on' : ''}`}
      aria-expanded={open}
      title={t('classroom.failure.hint')}
      data-testid="cls-failure-toggle"
      onClick={onToggle}
    >
      {t('classroom.failure.label')} {open ? '▴' : '▾'}
    </button>
  );
}

export function FailurePanel() {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const sim = useApp((s) => s.simulation);
  const setFailure = useApp((s) => s.setSimFailure);
  const f = resolveFlow(topology, sim);
  const service = f.service;
  const down = f.failure?.down ?? [];
  const presets = useMemo(
    () => (service && down.length > 0 ? failurePresets(compileNetwork(withVrrpHolders(topology)), service, down, sim.failMode) : null),
    [topology, service, down.join(','), sim.failMode],
  );
  if (!service || service.realServers.length === 0) return null;
  const name = (host: string) => topology.hosts.find((h) => h.id === host)?.name ?? host;
  const max = Math.max(60, (presets?.afterDetection ?? 0) * 2);
  const toggle = (id: string, on: boolean) => setFailure({ down: on ? [...new Set([...sim.down, id])] : sim.down.filter((x) => x !== id) });
  return (
    <div className="cls-failure cls-edit-chrome" data-testid="cls-failure" title={t('classroom.failure.hint')}>
      {service.realServers.map((r) => (
        <label key={r.id} className="cls-failure-rs">
          <input type="checkbox" data-testid={`cls-down-${r.id}`} checked={down.includes(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />
          {name(r.host)} {t('classroom.failure.down')}
        </label>
      ))}
      {down.length > 0 && (
        <>
          <label>
            {t('classroom.failure.how')}
            <select
              data-testid="cls-fail-mode"
              value={sim.failMode}
              onChange={(e) => setFailure({ failMode: e.target.value === 'refused' ? 'refused' : 'silent' })}
            >
              <option value="silent">{t('classroom.failure.silent')}</option>
              <option value="refused">{t('classroom.failure.refused')}</option>
            </select>
          </label>
          <span className="cls-failure-presets" role="group" aria-label={t('classroom.failure.since')}>
            {presets &&
              (
                [
                  ['justFailed', presets.justFailed],
                  ['inWindow', presets.inWindow],
                  ['afterDetection', presets.afterDetection],
                ] as const
              ).map(([k, v]) => (
                <button
                  key={k}
                  type="button"
                  className={sim.failSince === v ? 'is-on' : ''}
                  aria-pressed={sim.failSince === v}
                  data-testid={`cls-fail-${k}`}
                  onClick={() => setFailure({ failSince: v })}
                >
                  {t(`classroom.failure.${k}`)}
                </button>
              ))}
          </span>
          <label className="cls-failure-since" title={t('classroom.failure.since')}>
            <input
              aria-label={t('classroom.failure.since')}
              type="range"
              min={0}
              max={max}
              step={1}
              value={Math.min(sim.failSince, max)}
              data-testid="cls-fail-since"
              onChange={(e) => setFailure({ failSince: Number(e.target.value) })}
            />
            <output data-testid="cls-fail-since-value">{t('classroom.failure.seconds', { s: sim.failSince })}</output>
          </label>
          <span className="cls-failure-detect small" data-testid="cls-fail-detect">
            {presets?.detectedAfter != null ? t('classroom.failure.detectedAt', { s: presets.detectedAfter }) : t('classroom.failure.noChecker')}
          </span>
          <label>
            <input
              type="checkbox"
              data-testid="cls-fail-expire"
              checked={sim.expireNodestConn}
              onChange={(e) => setFailure({ expireNodestConn: e.target.checked })}
            />
            <code>{t('classroom.failure.expireNodest')}</code>
          </label>
        </>
      )}
    </div>
  );
}
