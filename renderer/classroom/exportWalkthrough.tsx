/**
 * Walkthrough export: the step list with headers and narration as a Markdown or printable HTML
 * handout, and the animation frames as one PNG per step (html-to-image) bundled in a zip.
 */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toPng } from 'html-to-image';
import type { Trace } from '../../shared/simulator/index.ts';
import { useApp } from '../store/index.ts';
import type { HandoutText } from './derive.ts';
import { handoutHtml, handoutMarkdown, hostName, langOf } from './derive.ts';
import { dataUrlBytes, zipStore } from './zip.ts';
import { useDismissOnOutsideClick } from '../app/useDismiss.ts';
import { download } from '../app/download.ts';

const safe = (s: string) => s.replace(/[^A-Za-z0-9 _.()-]+/g, '-').trim() || 'walkthrough';
const frame = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

export function ExportMenu({ trace, visible }: { trace: Trace; visible: readonly number[] }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useDismissOnOutsideClick(ref, open, () => setOpen(false));

  const texts = (): { base: string; text: HandoutText } => {
    const s = useApp.getState();
    const topology = s.design.topology;
    const name = s.displayName?.replace(/\.lvs\.json$/, '') ?? topology.name;
    const svc = trace.service;
    const rs = trace.conn ? `${trace.conn.dest.address}:${trace.conn.dest.port}` : (trace.realServer ?? '—');
    return {
      base: safe(`${name}-walkthrough`),
      text: {
        title: t('classroom.handout.title', { name }),
        flowLine: t('classroom.handout.flow', {
          client: hostName(topology, trace.flow.client),
          vip: svc?.vip ?? '?',
          port: svc?.port ?? '?',
          scheduler: svc?.scheduler ?? '?',
          rs,
          seed: trace.seed,
        }),
        columns: [
          '#',
          t('classroom.list.art'),
          t('classroom.list.time'),
          t('classroom.list.place'),
          t('classroom.list.event'),
          t('classroom.list.headers'),
          t('classroom.list.change'),
          t('classroom.list.narration'),
        ],
        outcome: trace.outcome.narration[langOf(i18n.language)],
      },
    };
  };

  const exportText = (kind: 'md' | 'html') => {
    setOpen(false);
    const { base, text } = texts();
    const topology = useApp.getState().design.topology;
    const lang = langOf(i18n.language);
    const name = `${base}.${kind}`;
    if (kind === 'md') download(name, handoutMarkdown(topology, trace, visible, lang, text), 'text/markdown;charset=utf-8');
    else download(name, handoutHtml(topology, trace, visible, lang, text), 'text/html;charset=utf-8');
    useApp.getState().notify('info', t('classroom.controls.exported', { name }));
  };

  const exportFrames = async () => {
    setOpen(false);
    const s = useApp.getState();
    const el = document.querySelector<HTMLElement>('[data-testid="cls-stage-frame"]');
    if (!el) return;
    const { base, text } = texts();
    const before = s.simulation.cursor;
    s.setSimPlaying(false);
    const entries: { name: string; data: Uint8Array }[] = [];
    try {
      for (let k = 0; k < visible.length; k++) {
        const i = visible[k]!;
        setBusy(t('classroom.controls.exporting', { n: k + 1, total: visible.length }));
        useApp.getState().setSimCursor(i);
        await frame();
        const url = await toPng(el, {
          backgroundColor: '#ffffff',
          pixelRatio: 1,
          filter: (n: HTMLElement) => !(n.classList?.contains('react-flow__handle') || n.classList?.contains('react-flow__controls')),
        });
        entries.push({ name: `${base}/step-${String(i).padStart(3, '0')}.png`, data: dataUrlBytes(url) });
      }
      const md = handoutMarkdown(s.design.topology, trace, visible, langOf(i18n.language), text);
      entries.push({ name: `${base}/walkthrough.md`, data: new TextEncoder().encode(md) });
      download(`${base}-frames.zip`, zipStore(entries), 'application/zip');
      useApp.getState().notify('info', t('classroom.controls.exported', { name: `${base}-frames.zip` }));
    } catch (e) {
      useApp.getState().notify('error', `${t('classroom.controls.exportFailed')}: ${(e as Error).message}`);
    } finally {
      setBusy(null);
      useApp.getState().setSimCursor(before);
    }
  };

  return (
    <div className="menu cls-edit-chrome" ref={ref}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="cls-export" disabled={busy !== null}>
        {busy ?? t('classroom.controls.export')} <span className="caret">▾</span>
      </button>
      {open && (
        <div className="menu-pop" role="menu">
          <button type="button" role="menuitem" data-testid="cls-export-md" onClick={() => exportText('md')}>
            {t('classroom.controls.exportMd')}
          </button>
          <button type="button" role="menuitem" data-testid="cls-export-html" onClick={() => exportText('html')}>
            {t('classroom.controls.exportHtml')}
          </button>
          <button type="button" role="menuitem" data-testid="cls-export-frames" onClick={() => void exportFrames()}>
            {t('classroom.controls.exportFrames')}
          </button>
        </div>
      )}
    </div>
  );
}
