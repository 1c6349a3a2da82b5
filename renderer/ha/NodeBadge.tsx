/**
 * The HA mark on a director card (registered as a node decoration): the role
 * the member has when everything works — MASTER or BACKUP — with its priority (the group's name is
 * in the title and on the frame around the group). Members of one
 * group share the group's colour, so the pair reads as one unit on the canvas.
 */
import { useTranslation } from 'react-i18next';
import { useApp } from '../store/index.ts';
import { groupMarks } from './derive.ts';
import type { HostId } from '../../shared/model/ids.ts';

export function HaNodeBadge({ hostId }: { hostId: HostId }) {
  const { t } = useTranslation();
  // A string, so the card re-renders only when its own mark changes.
  const marks = useApp((s) => groupMarks(s.design.topology, hostId));
  if (!marks) return null;
  return (
    <>
      {marks.split('\n').map((line) => {
        const [group, name, role, priority, color] = line.split('\t') as [string, string, 'MASTER' | 'BACKUP', string, string];
        const roleText = t(role === 'MASTER' ? 'ha.master' : 'ha.backup');
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
