/**
 * The live view's marks on a host card: unreachable, drift, VRRP master/backup, and for a real
 * server its ActiveConn/InActConn and conn/s (greyed when its weight is 0 or its check fails).
 */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/index.ts';
import type { AppState } from '../store/index.ts';
import type { LiveDest } from '../../shared/live/view.ts';
import type { HostId } from '../../shared/model/ids.ts';

/** The live rows of every service that has this host as a real server. */
function destsOf(s: AppState, hostId: string): LiveDest[] {
  return (s.live.view?.services ?? []).flatMap((x) => x.dests.filter((d) => d.hostId === hostId));
}

export function LiveNodeBadge({ hostId }: { hostId: HostId }) {
  const { t } = useTranslation();
  const running = useApp((s) => s.live.sessionId !== null);
  const host = useApp((s) => s.live.view?.hosts.find((h) => h.hostId === hostId));
  const drift = useApp((s) => s.live.view?.drift.some((d) => d.hostId === hostId) ?? false);
  const vrrp = useApp(useShallow((s) => s.live.view?.vrrp.filter((v) => v.hostId === hostId) ?? []));
  const dests = useApp(useShallow((s) => destsOf(s, hostId)));
  if (!running || !host) return null;
  const active = dests.reduce((a, d) => a + d.activeConns, 0);
  const inactive = dests.reduce((a, d) => a + d.inactiveConns, 0);
  const cps = dests.reduce((a, d) => a + (d.rate?.conns ?? 0), 0);
  const state = dests.length === 0 ? undefined : dests.every((d) => d.state === 'down') ? 'down' : dests.every((d) => d.state !== 'up') ? 'weight0' : 'up';
  const master = vrrp.some((v) => v.state === 'MASTER');
  const backup = vrrp.some((v) => v.state === 'BACKUP');
  return (
    <>
      {host.status !== 'ok' && (
        <span className="live-badge tone-bad" data-testid={`live-unreachable-${hostId}`} title={`${t('live.badgeUnreachable')}: ${host.error ?? ''}`}>
          ⚠
        </span>
      )}
      {drift && (
        <span className="live-badge tone-warn" data-testid={`live-drift-${hostId}`} title={t('live.badgeDrift')}>
          Δ
        </span>
      )}
      {master && (
        <span className="live-badge tone-good" data-testid={`live-master-${hostId}`} title={t('live.badgeMaster')}>
          M
        </span>
      )}
      {!master && backup && (
        <span className="live-badge" data-testid={`live-backup-${hostId}`} title={t('live.badgeBackup')}>
          B
        </span>
      )}
      {state && (
        <span
          className={`live-badge live-conns state-${state}`}
          data-testid={`live-conns-${hostId}`}
          data-live-state={state}
          title={`${t('live.badgeConns')} · ${t(`live.state.${state}`)}`}
        >
          {active}/{inactive} · {cps}/s
        </span>
      )}
    </>
  );
}
