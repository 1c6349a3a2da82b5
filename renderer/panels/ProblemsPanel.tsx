/**
 * Problems panel, fed live by the rule checker. Clicking a problem selects and highlights the items
 * it refers to, brings them into view and shows the fix.
 */
import { useDeferredValue, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Id, Topology } from '../../shared/model/types.ts';
import type { Problem } from '../store/diagnostics.ts';
import { quickFixFor } from '../store/diagnostics.ts';
import { useApp } from '../store/index.ts';
import { selectDiagnostics } from '../store/selectors.ts';
import { ImportRemarks } from '../import/ImportRemarks.tsx';

type Filter = 'all' | 'error' | 'warning' | 'info';

/** Selects what a problem refers to: canvas nodes, links, or a service / real server. */
export function revealProblem(p: Problem): void {
  const s = useApp.getState();
  const t: Topology = s.design.topology;
  const nodes = new Set<Id>();
  const edges = new Set<Id>();
  let service: { service: Id; realServer: Id | null } | null = null;
  for (const ref of p.refs) {
    if (t.hosts.some((h) => h.id === ref) || t.segments.some((x) => x.id === ref)) nodes.add(ref);
    const owner = t.hosts.find((h) => h.interfaces.some((f) => f.id === ref));
    if (owner) {
      nodes.add(owner.id);
      if (owner.interfaces.some((f) => f.id === ref && f.segment !== null)) edges.add(ref);
    }
    const svc = t.services.find((v) => v.id === ref);
    if (svc && !service) service = { service: svc.id, realServer: null };
    for (const v of t.services) {
      const rs = v.realServers.find((r) => r.id === ref);
      if (rs) {
        nodes.add(rs.host);
        if (!service || service.service === v.id) service = { service: v.id, realServer: rs.id };
      }
    }
  }
  // Select the one item the problem is about (its first ref that is on the canvas, plus that host's
  // own link, which opens the inspector at the interface); the other refs are only highlighted.
  const main = [...nodes][0];
  const own = main === undefined ? [] : [...edges].filter((e) => t.hosts.find((h) => h.id === main)?.interfaces.some((f) => f.id === e));
  if (main !== undefined) {
    s.select([main], own);
    s.setRightTab('inspector');
  } else if (service) {
    s.selectService(service.service, service.realServer);
    s.setRightTab('inspector');
  }
  useApp.getState().highlight([...p.refs, ...nodes]);
  if (main !== undefined) s.focusOn([main]);
}

/** How many listed problems get a quick-fix button computed (each may index the design once). */
const QUICK_FIX_LIMIT = 100;

/** Applies a problem's quick-fix to the current design as one undo step, then shows what it fixed. */
function applyQuickFix(p: Problem): void {
  const s = useApp.getState();
  const fix = quickFixFor(s.design.topology, p);
  if (!fix) return;
  s.apply((d) => ({ ...d, topology: fix.apply(d.topology) }));
}

export function ProblemsPanel() {
  const { t, i18n } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const live = useApp(selectDiagnostics);
  // Typing stays fluid on huge designs: the list may lag a frame behind the canvas badges.
  const diag = useDeferredValue(live);
  const open = useApp((s) => s.problemsOpen);
  const checker = useApp((s) => s.checker);
  const toggle = useApp((s) => s.toggleProblems);
  const [filter, setFilter] = useState<Filter>('all');
  const [active, setActive] = useState<string | null>(null);
  const infos = diag.problems.length - diag.errors - diag.warnings;
  const shown = diag.problems.filter((p) => filter === 'all' || p.severity === filter);
  const keyOf = (p: Problem, i: number) => `${p.rule}:${p.refs.join(',')}:${i}`;
  const fixes = useMemo(() => new Map(shown.slice(0, QUICK_FIX_LIMIT).map((p) => [p, quickFixFor(topology, p)] as const)), [shown, topology]);
  const zh = i18n.language.toLowerCase().startsWith('zh');
  return (
    <section className={`problems${open ? '' : ' collapsed'}`} data-testid="problems-panel" aria-label={t('problems.title')}>
      <header className="problems-header">
        <button type="button" className="problems-toggle" onClick={() => toggle()} aria-expanded={open} data-testid="problems-toggle">
          <span className="chevron">{open ? '▾' : '▸'}</span> {t('problems.title')}
        </button>
        {/* No counts before the checker has looked: "0 errors" would claim what nobody checked. */}
        {!diag.pending && (
          <div className="problems-filters" role="group">
            {(['all', 'error', 'warning', 'info'] as const).map((f) => (
              <button
                key={f}
                type="button"
                className={`chip chip-${f}${filter === f ? ' is-active' : ''}`}
                onClick={() => setFilter(f)}
                data-testid={`problems-filter-${f}`}
              >
                {f === 'all'
                  ? t('problems.all', { count: diag.problems.length })
                  : f === 'error'
                    ? t('problems.errors', { count: diag.errors })
                    : f === 'warning'
                      ? t('problems.warnings', { count: diag.warnings })
                      : t('problems.infos', { count: infos })}
              </button>
            ))}
          </div>
        )}
      </header>
      {open && (
        <div className="problems-list" role="list">
          <ImportRemarks />
          {diag.pending ? (
            <div className={checker === 'failed' ? 'problems-empty problems-checker-failed' : 'problems-empty'} role="status" data-testid="problems-checking">
              {checker === 'failed' ? t('problems.checkerFailed') : t('problems.checking')}
            </div>
          ) : (
            shown.length === 0 && (
              <div className="problems-empty" data-testid="problems-empty">
                {diag.problems.length === 0 ? t('problems.none') : t('problems.noneOfKind')}
              </div>
            )
          )}
          {shown.map((p, i) => {
            const k = keyOf(p, i);
            const isActive = active === k;
            return (
              <div
                key={k}
                role="listitem"
                className={`problem sev-${p.severity}${isActive ? ' is-active' : ''}`}
                data-testid="problem"
                data-rule={p.rule}
                data-refs={p.refs.join(' ')}
              >
                <button
                  type="button"
                  className="problem-main"
                  onClick={() => {
                    setActive(k);
                    revealProblem(p);
                  }}
                >
                  <span className={`sev-icon sev-${p.severity}`} aria-label={t(`severity.${p.severity}`)}>
                    {p.severity === 'error' ? '●' : p.severity === 'warning' ? '▲' : 'i'}
                  </span>
                  <span className="problem-message">{zh ? p.zh.message : p.message}</span>
                  <span className="problem-rule">{p.rule}</span>
                </button>
                {fixes.get(p) && (
                  <button type="button" className="quickfix" data-testid="quickfix" title={t('problems.quickFixHint')} onClick={() => applyQuickFix(p)}>
                    ⚡ {zh ? fixes.get(p)!.labelZh : fixes.get(p)!.label}
                  </button>
                )}
                {isActive && p.fix && (
                  <div className="problem-fix" data-testid="problem-fix">
                    <strong>{t('problems.fix')}</strong> {zh ? p.zh.fix : p.fix}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
