// Diagram and report exports: complete, escaped, deterministic.
import { describe, expect, it } from 'vitest';
import { toDrawio, toMermaid } from '../../../shared/export/diagram.ts';
import { designReportHtml } from '../../../shared/export/report.ts';
import type { Design } from '../../../shared/model/commands.ts';
import { WIZARD_DEFAULTS, wizardDesign } from '../../../shared/model/wizard.ts';

const dr = (): Design => wizardDesign(WIZARD_DEFAULTS.dr, 'DR lab');
const hostile = (): Design => {
  const d = dr();
  return {
    ...d,
    topology: {
      ...d.topology,
      name: '<script>alert(1)</script> "x" & y',
      hosts: d.topology.hosts.map((h) => (h.id === 'rs1' ? { ...h, name: 'rs1<img src=x onerror=alert(1)>' } : h)),
    },
  };
};

describe('draw.io', () => {
  it('one vertex per host and segment, one edge per plugged interface, at the canvas positions', () => {
    const d = dr();
    const x = toDrawio(d);
    expect(x.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<mxfile')).toBe(true);
    expect(x.match(/vertex="1"/g)).toHaveLength(d.topology.hosts.length + d.topology.segments.length);
    const plugged = d.topology.hosts.flatMap((h) => h.interfaces.filter((f) => f.segment !== null)).length;
    expect(x.match(/edge="1"/g)).toHaveLength(plugged);
    expect(x).toContain(`<mxGeometry x="${d.layout.positions.rs1!.x}" y="${d.layout.positions.rs1!.y}"`);
    expect(x).toContain('eth0 192.168.163.102/24');
    expect(toDrawio(d)).toBe(x);
  });
  it('escapes every value', () => {
    const x = toDrawio(hostile());
    expect(x).not.toContain('<script>');
    expect(x).not.toContain('<img');
    expect(x).toContain('&lt;script&gt;');
  });
});

describe('Mermaid', () => {
  it('a flowchart with the hosts, segments and links', () => {
    const d = dr();
    const m = toMermaid(d);
    expect(m.split('\n')[0]).toBe('flowchart LR');
    expect(m).toContain('{{"real-server network<br/>192.168.163.0/24"}}');
    expect(m).toContain('rs1 (real-server)<br/>lo 172.17.253.100/32<br/>eth0 192.168.163.102/24');
    const plugged = d.topology.hosts.flatMap((h) => h.interfaces.filter((f) => f.segment !== null)).length;
    expect(m.match(/ ---\|/g)).toHaveLength(plugged);
    expect(m.match(/linkStyle/g)).toHaveLength(plugged);
  });
  it('quotes and angle brackets cannot break out of a label', () => {
    const m = toMermaid(hostile());
    expect(m).not.toMatch(/<img|<script/);
    expect(m).toContain('#quot;x#quot;');
  });
});

describe('design report', () => {
  it('has the verdict, topology, address plan, services and generated config', () => {
    const html = designReportHtml(dr(), 'en', '2026-12-02');
    for (const s of [
      'Checker verdict',
      'No problems: the design is consistent.',
      '<svg',
      'Address plan',
      '192.168.163.102/24',
      'Services',
      'TCP 172.17.253.100:80',
      'rs1 192.168.163.102:80 DR w1',
      'Generated configuration',
      'apply.sh',
      'ipvsadm',
    ])
      expect(html).toContain(s);
  });
  it('lists problems with their fix; Chinese headings in zh-CN; escapes the design’s text', () => {
    const d = hostile();
    const broken: Design = {
      ...d,
      topology: { ...d.topology, hosts: d.topology.hosts.map((h) => (h.id === 'rs2' ? { ...h, gateway: '192.168.163.101' } : h)) },
    };
    const html = designReportHtml(broken, 'zh-CN');
    expect(html).toContain('检查结果');
    expect(html).toContain('dr/reply-via-director');
    expect(html).toContain('真实服务器');
    expect(html).not.toMatch(/<script>|<img/);
  });
});
