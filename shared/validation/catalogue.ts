/**
 * Renders the rule catalogue (docs/rules.md) from the rule data, so the documentation cannot
 * drift from what the checker does. A unit test compares the committed file with this output.
 */
import type { Problem, Rule } from './rule.ts';
import { RULES } from './rules/index.ts';

const AREAS: readonly { readonly prefix: string; readonly title: string; readonly intro: string }[] = [
  { prefix: 'addr', title: 'Addressing', intro: 'Addresses, prefixes, gateways and segments — the layer every forwarding method stands on.' },
  { prefix: 'service', title: 'Virtual services', intro: 'What `ipvsadm -A`/`-a` would accept, and what makes a service able to schedule connections.' },
  { prefix: 'nat', title: 'NAT (masquerading, `-m`)', intro: 'The director rewrites addresses both ways, so every reply must come back through it.' },
  {
    prefix: 'dr',
    title: 'DR (direct routing, `-g`)',
    intro: 'The director only rewrites the destination MAC; real servers own the VIP silently and answer clients directly.',
  },
  {
    prefix: 'tun',
    title: 'TUN (IP-in-IP tunnelling, `-i`)',
    intro: 'The director wraps requests in an IPIP header; real servers anywhere unwrap them and answer clients directly.',
  },
  { prefix: 'health', title: 'Health checks (keepalived)', intro: 'What keepalived checks on each real server, and what the service does when servers fail.' },
  { prefix: 'route', title: 'Return routing', intro: 'Replies that do not go back through the director need their own way to the clients.' },
  { prefix: 'general', title: 'General', intro: 'Design-level sanity checks.' },
  {
    prefix: 'ha',
    title: 'HA director pairs (keepalived VRRP)',
    intro:
      'Two or more directors share the VIPs through a VRRP instance; these rules catch split brain, failovers that never happen and connections lost at failover (see docs/ha.md).',
  },
];

const SEVERITY_TEXT: Readonly<Record<Rule['severity'], string>> = {
  error: 'error — the design will not work as drawn',
  warning: 'warning — it works badly, or only under conditions the design does not show',
  info: 'info — worth knowing, nothing is broken',
};

/**
 * The Markdown of docs/rules.md. `samples` maps a rule id to a problem the rule reported on its
 * example design, quoted as "LVS Designer says".
 */
export function renderRuleCatalogue(rules: readonly Rule[] = RULES, samples: ReadonlyMap<string, Problem> = new Map()): string {
  const out: string[] = [];
  out.push('# Rule catalogue');
  out.push('');
  out.push('<!-- Generated from shared/validation/rules/<area>/<slug>.ts by shared/validation/catalogue.ts. Do not edit by hand: change the rule, then run');
  out.push('     UPDATE_RULES_DOC=1 npx vitest run tests/unit/validation/catalogue.test.ts -->');
  out.push('');
  out.push(
    "LVS Designer checks every design against the rules below — live in the designer's problem list, and on the command line with `lvsd validate FILE [--json]` " +
      '(exit 0: no errors, 1: errors, 2: the file could not be read). Each problem names the rule id, a message that says what is wrong with which hosts and addresses, ' +
      'a concrete fix, and the ids of the hosts, interfaces, segments, services or real servers concerned.',
  );
  out.push('');
  out.push('Rule ids are stable: they never change meaning once published, so they can be searched for and referred to. `lvsd validate --rules` lists them.');
  out.push('Severities:');
  out.push('');
  for (const s of ['error', 'warning', 'info'] as const) out.push(`- **${SEVERITY_TEXT[s].split(' — ')[0]}** — ${SEVERITY_TEXT[s].split(' — ')[1]}`);
  out.push('');
  out.push("Some rules report a milder case of the same mistake with a lower severity; the rule's text says when.");
  out.push('');
  out.push('## Index');
  out.push('');
  out.push('| id | severity | what |');
  out.push('|---|---|---|');
  for (const r of rules) out.push(`| [\`${r.id}\`](#${anchor(r.id)}) | ${r.severity} | ${r.title} |`);
  out.push('');
  for (const area of AREAS) {
    const group = rules.filter((r) => r.id.startsWith(`${area.prefix}/`));
    if (group.length === 0) continue;
    out.push(`## ${area.title}`);
    out.push('');
    out.push(area.intro);
    out.push('');
    for (const r of group) {
      out.push(`### ${r.id}`);
      out.push('');
      out.push(`**${r.title}.** Severity: ${SEVERITY_TEXT[r.severity]}.`);
      out.push('');
      out.push(r.description);
      out.push('');
      out.push(`- *Fails:* ${r.example.bad}`);
      out.push(`- *Fix:* ${r.example.fix}`);
      const sample = samples.get(r.id);
      if (sample) {
        out.push('');
        out.push(`  LVS Designer says (${sample.severity}):`);
        out.push('');
        out.push(`  > ${sample.message}`);
        out.push(`  >`);
        out.push(`  > **Fix:** ${sample.fix}`);
      }
      out.push('');
    }
  }
  const known = new Set(AREAS.map((a) => a.prefix));
  const other = rules.filter((r) => !known.has(r.id.split('/')[0]!));
  if (other.length > 0) throw new Error(`renderRuleCatalogue: no area for ${other.map((r) => r.id).join(', ')}`);
  return `${out.join('\n').trimEnd()}\n`;
}

/** GitHub-style heading anchor of a rule id heading (`addr/malformed` → `addrmalformed`). */
function anchor(id: string): string {
  return id
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}
