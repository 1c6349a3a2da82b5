import { describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/main.ts';
import type { CliIO } from '../../electron/cli/io.ts';
import { EXIT } from '../../electron/cli/io.ts';
import { intOption, parseCommandLine } from '../../electron/cli/options.ts';

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => void (out += t), stderr: (t) => void (err += t), out: () => out, err: () => err };
}

const spec = {
  command: 'demo',
  usage: 'usage: lvsd demo FILE [--count N]\n',
  options: { count: { type: 'string' }, json: { type: 'boolean', default: false } },
} as const;

describe('the shared option parser (electron/cli/options.ts)', () => {
  it('returns typed values and positionals', () => {
    const io = capture();
    const parsed = parseCommandLine(spec, ['a.json', '--count', '3'], io);
    if (typeof parsed === 'number') throw new Error('expected a command line');
    expect(parsed.values.count).toBe('3');
    expect(parsed.values.json).toBe(false);
    expect(parsed.positionals).toEqual(['a.json']);
    expect(io.out() + io.err()).toBe('');
  });

  it.each([['--help'], ['-h']])('%s prints the usage to stdout and ends with 0', (flag) => {
    const io = capture();
    expect(parseCommandLine(spec, [flag], io)).toBe(EXIT.ok);
    expect(io.out()).toBe(spec.usage);
    expect(io.err()).toBe('');
  });

  it('an unknown option is "lvsd CMD: message" plus the usage on stderr, exit 2', () => {
    const io = capture();
    expect(parseCommandLine(spec, ['--nope'], io)).toBe(EXIT.unusable);
    expect(io.err()).toMatch(/^lvsd demo: Unknown option '--nope'.*\nusage: lvsd demo FILE/s);
    expect(io.out()).toBe('');
  });

  it('refuses positionals when the command takes none', () => {
    const io = capture();
    expect(parseCommandLine({ ...spec, positionals: false }, ['x'], io)).toBe(EXIT.unusable);
    expect(io.err()).toContain("lvsd demo: Unexpected argument 'x'");
  });

  it('usageError prints in the same shape', () => {
    const io = capture();
    const parsed = parseCommandLine(spec, [], io);
    if (typeof parsed === 'number') throw new Error('expected a command line');
    expect(parsed.usageError('missing FILE')).toBe(EXIT.unusable);
    expect(io.err()).toBe(`lvsd demo: missing FILE\n${spec.usage}`);
  });

  it('intOption: absent, in range, malformed, out of range', () => {
    expect(intOption(undefined, 1, 9)).toBeUndefined();
    expect(intOption('5', 1, 9)).toBe(5);
    expect(intOption('5x', 1, 9)).toBeNaN();
    expect(intOption('10', 1, 9)).toBeNaN();
  });

  it.each(['validate', 'render', 'import', 'simulate', 'schedule', 'serve', 'deploy', 'rollback', 'lab'])(
    'lvsd %s --help and an unknown option go through it',
    async (command) => {
      const help = capture();
      expect(await main([command, '--help'], help)).toBe(EXIT.ok);
      expect(help.out()).toMatch(new RegExp(`^usage: lvsd ${command}`));
      const bad = capture();
      expect(await main([command, '--no-such-option'], bad)).toBe(EXIT.unusable);
      expect(bad.err()).toMatch(new RegExp(`^lvsd ${command}: Unknown option '--no-such-option'`));
    },
  );
});
