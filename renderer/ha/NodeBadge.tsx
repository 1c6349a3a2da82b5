/**
 * The HA mark on a director card (registered as a node decoration): the role
 * the member has when everything works — MASTER or BACKUP — with its priority (the group's name is
 * in the title and on the frame around the group). Members of one
 * group share the group's colour, so the pair reads as one unit on the canvas. While the HA tab
 * plays a failover timeline on the canvas, the mark shows the member's role at that step instead:
 * MASTER, BACKUP, DOWN (crashed) or STOPPED (keepalived stopped).
 */
import { useTranslation } from 'react-i18next';
import { useApp } from '../store/index.ts';
import { groupMarks, playbackRole } from './derive.ts';
import type { HostId } from '../../shared/model/ids.ts';
import type { MemberRole } from '../../shared/ha/timeline.ts';

export function HaNodeBadge({ hostId }: { hostId: HostId }) {
  const { t } = useTranslation();
  // A string, so the card re-renders only when its own mark changes.
  const marks = useApp((s) => groupMarks(s.design.topology, hostId));
  const playing = useApp((s) => playbackRole(s.design.topology, s.haPlayback, hostId));
  if (!marks) return null;
  const [playGroup, playRole] = playing ? (playing.split('\t') as [string, MemberRole]) : [null, null];
  return (
    <>
      {marks.split('\n').map((line) => {
        const [group, name, role, priority, color] = line.split('\t') as [string, string, 'MASTER' | 'BACKUP', string, string];
        const roleText = t(role === 'MASTER' ? 'ha.master' : 'ha.backup');
        if (group === playGroup && playRole) {
          const now = t(`ha.roles.${playRole}`);
          return (
            <span
              key={group}
              className={`ha-badge ha-${playRole} is-playback`}
              style={{ ['--ha-color' as string]: color }}
              data-testid={`ha-badge-${hostId}-${group}`}
              data-role={playRole.toUpperCase()}
              title={t('ha.playbackBadgeTitle', { name, role: now })}
            >
              {now}
            </span>
          );
        }
        return (
          <span
            key={group}
            className={`ha-badge ha-${role.toLowerCase()}`}
            style={{ ['--ha-color' as string]: color }}
            data-testid={`ha-badge-${hostId}-${group}`}
            data-role={role}
            title={t('ha.badgeTitle', { name, role: roleText, priority })}
          >
            {roleText} {priority}
          </span>
        );
      })}
    </>
  );
}
