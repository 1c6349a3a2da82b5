/**
 * Generator fuzz (issue 11's audit, re-measured in the suite): randomly damaged seed labs with a
 * hostile canary planted in a random string field. Every render either refuses with the design field
 * named, or writes files in which the canary is inert: only inside single quotes or a comment of a
 * shell script, and never at the start of a line of keepalived.conf or ipvsadm.rules. Bounded
 * (LVSD_FUZZ_RENDERS, default 400) so it stays a few seconds; a larger run is the same test with a
 * larger number.
 */
import { describe, expect, it } from 'vitest';
import { renderAll } from '../../../shared/generators/index.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { damage, drLab, natLab, tunLab } from '../validation/builders.ts';

const CANARY = 'LVSDCANARY';
const HOSTILE = [`$(touch /tmp/${CANARY})`, `\`${CANARY}\``, `'; ${CANARY} #`, `"\n${CANARY}\n"`, `x;${CANARY}`, `a b ${CANARY}`, `\${${CANARY}}`];

/** Where a shell line holds the canary outside single quotes and outside a comment (null = inert). */
function liveCanary(line: string): number | null {
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote === null && c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return null;
    if (c === "'" && quote === null) quote = "'";
    else if (c === '"') quote = quote === '"' ? null : '"';
    else if (line.startsWith(CANARY, i)) return i;
  }
  return null;
}

/** Puts a hostile value into one random string field of the design (names, addresses, paths, ids). */
function plant(t: Topology, seed: number): Topology {
  const copy = JSON.parse(JSON.stringify(t)) as Record<string, unknown>;
  const slots: { obj: Record<string, unknown>; key: string }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string') slots.push({ obj: v as Record<string, unknown>, key: k });
        else walk(x);
      }
    }
  };
  walk(copy);
  const slot = slots[seed % slots.length]!;
  slot.obj[slot.key] = `${String(slot.obj[slot.key])}${HOSTILE[seed % HOSTILE.length]!}`;
  return copy as unknown as Topology;
}

describe('generator fuzz: hostile values never reach a command line', () => {
  it('renders or refuses every damaged design; a rendered canary is always inert', () => {
    const n = Number(process.env.LVSD_FUZZ_RENDERS ?? 400);
    let rendered = 0;
    let refused = 0;
    const live: string[] = [];
    for (let seed = 1; seed <= n; seed++) {
      const base = [natLab, drLab, tunLab][seed % 3]!();
      const t = plant(damage(base, seed), seed * 7919);
      const r = renderAll(t);
      if (!r.ok) {
        refused++;
        // A refusal names what it refused (a field path or the host), never a stack trace.
        expect(r.error.length, `seed ${seed}`).toBeGreaterThan(5);
        continue;
      }
      rendered++;
      for (const [host, files] of Object.entries(r.value)) {
        for (const f of files) {
          const lines = f.content.split('\n');
          for (const line of lines) {
            if (!line.includes(CANARY)) continue;
            if (f.path.endsWith('.sh')) {
              if (liveCanary(line) !== null) live.push(`seed ${seed} ${host}/${f.path}: ${line.trim().slice(0, 160)}`);
            } else if (f.path.endsWith('.service') && line.startsWith('Description=')) {
              // Free text in a unit file is inert on its own line (a newline would start a new directive).
              continue;
            } else if (!line.trimStart().startsWith('#') && !line.trimStart().startsWith('!')) {
              live.push(`seed ${seed} ${host}/${f.path}: ${line.trim().slice(0, 160)}`);
            }
          }
        }
      }
    }
    expect(live).toEqual([]);
    // Both paths are exercised: the fuzz is not all refusals or all clean designs.
    expect(rendered).toBeGreaterThan(n / 10);
    expect(refused).toBeGreaterThan(n / 10);
  });

  it('the inertness check can fail', () => {
    expect(liveCanary(`ip addr add 1.2.3.4 $(touch /tmp/${CANARY})`)).not.toBeNull();
    expect(liveCanary(`echo "${CANARY}"`)).not.toBeNull();
    expect(liveCanary(`echo '${CANARY}'`)).toBeNull();
    expect(liveCanary(`true # ${CANARY}`)).toBeNull();
  });
});
