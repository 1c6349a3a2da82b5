/**
 * Diagram exports for people who document designs: draw.io (mxGraph XML, opens in diagrams.net
 * with the canvas' positions) and Mermaid (a `flowchart LR` for Markdown). Hosts are boxes with
 * their addresses, segments are bars (draw.io) or hexagons (Mermaid), links are the interfaces.
 * Pure and deterministic: the same design gives the same text.
 */
import type { Design } from '../model/commands.ts';
import type { Host, Topology } from '../model/types.ts';

/** Segment colours, in the canvas' order. */
export const EXPORT_SEGMENT_COLORS = ['#2f6fde', '#d9480f', '#2b8a3e', '#9c36b5', '#c2255c', '#0c8599', '#e67700', '#5f3dc4', '#5c940d', '#862e9c'];

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');

/** The lines a host box shows: name and role, each address with its interface, the VIPs it directs. */
export function hostLines(t: Topology, h: Host): string[] {
  const lines = [`${h.name} (${h.role})`];
  for (const f of h.interfaces) for (const a of f.addresses) lines.push(`${f.name} ${a}`);
  const vips = t.services.filter((v) => v.director === h.id).map((v) => (v.protocol === 'fwmark' ? `fwmark ${v.fwmark}` : `${v.vip}:${v.port}`));
  if (vips.length) lines.push(`VIP ${[...new Set(vips)].join(' ')}`);
  return lines;
}

/** The design as a draw.io file (mxGraph XML, one page), positioned like the canvas. */
export function toDrawio(d: Design): string {
  const t = d.topology;
  const pos = (id: string) => d.layout.positions[id] ?? { x: 0, y: 0 };
  const cells: string[] = ['<mxCell id="0"/>', '<mxCell id="1" parent="0"/>'];
  const colorOf = new Map(t.segments.map((s, i) => [s.id, EXPORT_SEGMENT_COLORS[i % EXPORT_SEGMENT_COLORS.length]!]));
  const heightOf = new Map<string, number>();
  for (const h of t.hosts) heightOf.set(h.id, 24 + 16 * hostLines(t, h).length);
  for (const s of t.segments) {
    const p = pos(s.id);
    const centres = t.hosts.filter((h) => h.interfaces.some((f) => f.segment === s.id)).map((h) => pos(h.id).y + heightOf.get(h.id)! / 2);
    const height = Math.max(160, ...centres.map((c) => c - p.y + 40));
    cells.push(
      `<mxCell id="s-${xml(s.id)}" value="${xml(`${s.name}\n${s.cidr}`)}" style="rounded=0;whiteSpace=wrap;html=0;fillColor=${colorOf.get(s.id)};strokeColor=none;fontColor=${colorOf.get(s.id)};labelPosition=center;verticalLabelPosition=top;align=center;verticalAlign=bottom;" vertex="1" parent="1"><mxGeometry x="${p.x}" y="${p.y}" width="12" height="${height}" as="geometry"/></mxCell>`,
    );
  }
  for (const h of t.hosts) {
    const p = pos(h.id);
    const fill = h.role === 'director' ? '#e6efff' : h.role === 'real-server' ? '#ebfbee' : h.role === 'router' ? '#fff4e6' : '#f8f9fa';
    cells.push(
      `<mxCell id="h-${xml(h.id)}" value="${xml(hostLines(t, h).join('\n'))}" style="rounded=1;whiteSpace=wrap;html=0;align=left;spacingLeft=8;fontFamily=monospace;fontSize=11;fillColor=${fill};strokeColor=#c5cad3;" vertex="1" parent="1"><mxGeometry x="${p.x}" y="${p.y}" width="210" height="${heightOf.get(h.id)}" as="geometry"/></mxCell>`,
    );
    for (const f of h.interfaces) {
      if (f.segment === null || !colorOf.has(f.segment)) continue;
      cells.push(
        `<mxCell id="l-${xml(f.id)}" value="${xml(f.name)}" style="endArrow=none;html=0;strokeColor=${colorOf.get(f.segment)};strokeWidth=2;fontSize=10;" edge="1" parent="1" source="h-${xml(h.id)}" target="s-${xml(f.segment)}"><mxGeometry relative="1" as="geometry"/></mxCell>`,
      );
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<mxfile host="LVS Designer">\n<diagram id="lvs-design" name="${xml(t.name)}">\n<mxGraphModel dx="1200" dy="800" grid="1" gridSize="10" guides="1" page="0"><root>\n${cells.join('\n')}\n</root></mxGraphModel>\n</diagram>\n</mxfile>\n`;
}

/** Mermaid's quoted label text: quotes and markup-breaking characters as entities. */
const mm = (s: string): string => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

/** The design as a Mermaid `flowchart LR` (hosts as boxes, segments as hexagons, one link per interface). */
export function toMermaid(d: Design): string {
  const t = d.topology;
  const ids = new Map<string, string>();
  const nid = (id: string) => {
    let n = ids.get(id);
    if (n === undefined) ids.set(id, (n = `n${ids.size}`));
    return n;
  };
  const out = ['flowchart LR', `  %% ${mm(t.name)} — exported by LVS Designer`];
  for (const s of t.segments) out.push(`  ${nid(s.id)}{{"${mm(s.name)}<br/>${mm(s.cidr)}"}}`);
  for (const h of t.hosts) out.push(`  ${nid(h.id)}["${hostLines(t, h).map(mm).join('<br/>')}"]`);
  let link = 0;
  const styles: string[] = [];
  t.segments.forEach((s, i) => styles.push(`  style ${nid(s.id)} fill:${EXPORT_SEGMENT_COLORS[i % EXPORT_SEGMENT_COLORS.length]},color:#fff`));
  const segIndex = new Map(t.segments.map((s, i) => [s.id, i]));
  for (const h of t.hosts) {
    for (const f of h.interfaces) {
      if (f.segment === null || !segIndex.has(f.segment)) continue;
      out.push(`  ${nid(h.id)} ---|${mm(f.name)}| ${nid(f.segment)}`);
      styles.push(`  linkStyle ${link++} stroke:${EXPORT_SEGMENT_COLORS[segIndex.get(f.segment)! % EXPORT_SEGMENT_COLORS.length]},stroke-width:2px`);
    }
  }
  return `${[...out, ...styles].join('\n')}\n`;
}
