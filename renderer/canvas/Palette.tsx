/**
 * The palette: items dragged onto the canvas (HTML5 drag and drop, with the dragged kind kept in a
 * module variable because custom dataTransfer types are unreliable on some platforms). Clicking an
 * item (or Enter on it) drops it in the middle of the view instead.
 */
import { useReactFlow } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import type { HostRole } from '../../shared/model/types.ts';
import { RoleIcon } from './icons.tsx';
import { placeItem } from '../app/actions.ts';

export const PALETTE_MIME = 'application/x-lvs-palette';

let dragged: string | null = null;
/** The palette item being dragged, if any. */
export const draggedPaletteItem = (): string | null => dragged;

const ITEMS: readonly (HostRole | 'segment')[] = ['client', 'director', 'real-server', 'router', 'segment'];

export function Palette() {
  const { t } = useTranslation();
  const flow = useReactFlow();
  const dropAtCentre = (kind: string) => {
    const el = document.querySelector('.canvas');
    const r = el?.getBoundingClientRect();
    const p = flow.screenToFlowPosition({ x: r ? r.left + r.width / 2 : 400, y: r ? r.top + r.height / 2 : 300 });
    placeItem(kind, { x: Math.round(p.x - 100 + Math.random() * 40), y: Math.round(p.y - 40 + Math.random() * 40) });
  };
  return (
    <aside className="palette" aria-label={t('palette.title')}>
      <div className="panel-title">{t('palette.title')}</div>
      {ITEMS.map((kind) => (
        <div
          key={kind}
          className={`palette-item palette-${kind}`}
          data-testid={`palette-${kind}`}
          draggable
          role="button"
          tabIndex={0}
          title={t(`palette.hint.${kind}`)}
          onDragStart={(e) => {
            dragged = kind;
            e.dataTransfer.setData(PALETTE_MIME, kind);
            e.dataTransfer.setData('text/plain', kind);
            e.dataTransfer.effectAllowed = 'move';
          }}
          onDragEnd={() => {
            dragged = null;
          }}
          onDoubleClick={() => dropAtCentre(kind)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              dropAtCentre(kind);
            }
          }}
        >
          <RoleIcon role={kind} size={20} />
          <span>{kind === 'segment' ? t('palette.segment') : t(`role.${kind}`)}</span>
        </div>
      ))}
      <p className="palette-help">{t('palette.help')}</p>
    </aside>
  );
}
