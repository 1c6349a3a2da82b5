/**
 * A dashed frame around the cards of each director group, labelled with the group's name and
 * vrid, drawn in flow coordinates through React Flow's ViewportPortal (registered as a canvas
 * layer). It follows the cards as they are dragged and lets every click through.
 */
import { ViewportPortal } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../store/index.ts';
import { GROUP_COLORS } from './derive.ts';

/** Room (px) between the member cards and the frame. */
const PAD = 12;

export function GroupFrames() {
  const { t } = useTranslation();
  const groups = useApp((s) => s.design.topology.directorGroups);
  const positions = useApp((s) => s.design.layout.positions);
  const measured = useApp((s) => s.measured);
  if (!groups || groups.length === 0) return null;
  return (
    <ViewportPortal>
      {groups.map((g, i) => {
        const boxes = g.members.flatMap((m) => {
          const p = positions[m.host];
          const size = measured[m.host];
          return p && size ? [{ x: p.x, y: p.y, w: size.width, h: size.height }] : [];
        });
        if (boxes.length === 0) return null;
        const left = Math.min(...boxes.map((b) => b.x)) - PAD;
        const top = Math.min(...boxes.map((b) => b.y)) - PAD;
        const right = Math.max(...boxes.map((b) => b.x + b.w)) + PAD;
        const bottom = Math.max(...boxes.map((b) => b.y + b.h)) + PAD;
        return (
          <div
            key={g.id}
            className="ha-frame"
            data-testid={`ha-frame-${g.id}`}
            style={{
              transform: `translate(${left}px, ${top}px)`,
              width: right - left,
              height: bottom - top,
              ['--ha-color' as string]: GROUP_COLORS[i % GROUP_COLORS.length],
            }}
          >
            <span className="ha-frame-label">{t('ha.frame', { name: g.name, vrid: g.vrid })}</span>
          </div>
        );
      })}
    </ViewportPortal>
  );
}
