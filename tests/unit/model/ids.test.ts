import { describe, expect, it } from 'vitest';
import { ID_PATTERN } from '../../../shared/model/schema.ts';
import { parseDesignFile, makeDesignFile, serializeDesignFile } from '../../../shared/model/file.ts';

describe('ids', () => {
  it.each(['rs1', 'web-rs1', 'a.b', '...', 'A_9'])('accepts %s', (id) => expect(ID_PATTERN.test(id)).toBe(true));
  it.each(['.', '..', '__proto__', 'constructor', '', 'a b', 'a/b', 'x'.repeat(65)])('refuses %j', (id) => expect(ID_PATTERN.test(id)).toBe(false));

  it('a host id of ".." is a load error naming the field', () => {
    const text = serializeDesignFile(
      makeDesignFile({ name: 't', segments: [], services: [], hosts: [{ id: '..', name: 'x', role: 'client', interfaces: [] }] }),
    );
    const r = parseDesignFile(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^topology\.hosts\[0\]\.id:/);
  });
});
