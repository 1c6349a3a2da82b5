import { describe, expect, it } from 'vitest';
import { drLab, natLab, tunLab } from '../../../shared/model/labs.ts';
import { validate } from '../../../shared/validation/index.ts';
import { loadExample } from '../generators/helpers.ts';

describe('seed labs (shared/model/labs.ts)', () => {
  it.each([
    ['nat-lab', natLab],
    ['dr-lab', drLab],
    ['tun-lab', tunLab],
  ] as const)('the example edition is exactly examples/%s.lvs.json', (name, lab) => {
    expect(lab('example')).toEqual(loadExample(name));
  });

  it.each([natLab, drLab, tunLab])('both editions of %# pass the checker without errors', (lab) => {
    for (const edition of ['minimal', 'example'] as const) {
      expect(validate(lab(edition)).filter((p) => p.severity === 'error')).toEqual([]);
    }
  });
});
