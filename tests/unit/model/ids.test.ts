import { describe, expect, it } from 'vitest';
import { ID_PATTERN } from '../../../shared/model/schema.ts';
import { parseDesignFile, makeDesignFile, serializeDesignFile } from '../../../shared/model/file.ts';
import { directorGroupId, directorRef, hostId, interfaceId, refAsHostId, segmentId } from '../../../shared/model/ids.ts';
import type { DirectorRef, HostId } from '../../../shared/model/ids.ts';
import type { Interface } from '../../../shared/model/types.ts';
import { natLab } from '../../../shared/model/labs.ts';

describe('ids', () => {
  it.each(['rs1', 'web-rs1', 'a.b', '...', 'A_9'])('accepts %s', (id) => expect(ID_PATTERN.test(id)).toBe(true));
  it.each(['.', '..', '__proto__', 'constructor', '', 'a b', 'a/b', 'x'.repeat(65)])('refuses %j', (id) => expect(ID_PATTERN.test(id)).toBe(false));

  it('a host id of ".." is a load error naming the field', () => {
    const text = serializeDesignFile(
      makeDesignFile({ name: 't', segments: [], services: [], hosts: [{ id: hostId('..'), name: 'x', role: 'client', interfaces: [] }] }),
    );
    const r = parseDesignFile(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^topology\.hosts\[0\]\.id:/);
  });
});

describe('branded ids (checked by `npm run typecheck`, which covers tests/)', () => {
  const takesHost = (h: HostId): string => h;
  const host = hostId('rs1');
  const iface = interfaceId('rs1-eth0');

  it('an id of one kind is not accepted where another kind is expected', () => {
    // @ts-expect-error an InterfaceId is not a HostId
    takesHost(iface);
    // @ts-expect-error a plain string is not a HostId either: ids come from the schema or a constructor
    takesHost('rs1');
    // @ts-expect-error a SegmentId cannot stand for an InterfaceId in the model
    const f: Interface = { id: segmentId('lan'), name: 'eth0', kind: 'ethernet', segment: null, addresses: [] };
    // @ts-expect-error a map keyed by host id refuses a segment id
    new Map<HostId, number>([[host, 1]]).get(segmentId('lan'));
    // @ts-expect-error a director group id is not a host id (a service's director may be either: DirectorRef)
    takesHost(directorGroupId('pair'));
    const ref: DirectorRef = directorGroupId('pair');
    expect([takesHost(host), f.id, ref]).toEqual(['rs1', 'lan', 'pair']);
  });

  it('the brands cost nothing at run time: constructors and parsing return the very strings', () => {
    expect(hostId('rs1')).toBe('rs1');
    expect(refAsHostId(directorRef('director'))).toBe('director');
    const r = parseDesignFile(serializeDesignFile(makeDesignFile(natLab())));
    if (!r.ok) throw new Error(r.error.message);
    const id: HostId = r.value.topology.hosts[0]!.id;
    expect(typeof id).toBe('string');
    expect(id).toBe(natLab().hosts[0]!.id);
  });
});
