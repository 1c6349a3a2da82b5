/**
 * The one option parser of every `lvsd` command: Node's `util.parseArgs` plus what each command
 * needs around it — `--help`/`-h` printing the usage, a parse error (unknown option, missing value)
 * reported as `lvsd CMD: message` followed by the usage with exit code 2, and `usageError` for the
 * command's own checks in the same shape.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { CliIO } from './io.ts';
import { EXIT } from './io.ts';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** What {@link parseCommandLine} needs to know about a command. */
export interface CommandSpec<O extends ParseArgsOptionsConfig> {
  /** As printed before messages: `validate`, `lab`, `rollback`. */
  readonly command: string;
  /** Printed for `--help` (to stdout) and after every usage error (to stderr). */
  readonly usage: string;
  /** The command's options (`--help`/`-h` is added). */
  readonly options: O;
  /** Whether the command takes positional arguments (FILE …); true by default. */
  readonly positionals?: boolean;
}

type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP; allowPositionals: boolean; strict: true }>
>;

/** A parsed command line, with the command's way of refusing it. */
export interface CommandLine<O extends ParseArgsOptionsConfig> {
  readonly values: Parsed<O>['values'];
  readonly positionals: string[];
  /** Prints `lvsd CMD: message` and the usage to stderr; returns the exit code for bad usage. */
  usageError(message: string): number;
}

/**
 * Parses `argv` for one command. Returns the exit code to end with instead when there is nothing
 * more to do: 0 after printing the usage for `--help`, 2 after a parse error.
 */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(spec: CommandSpec<O>, argv: readonly string[], io: CliIO): CommandLine<O> | number {
  const usageError = (message: string): number => {
    io.stderr(`lvsd ${spec.command}: ${message}\n${spec.usage}`);
    return EXIT.unusable;
  };
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...spec.options, ...HELP }, allowPositionals: spec.positionals ?? true, strict: true });
  } catch (e) {
    return usageError((e as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout(spec.usage);
    return EXIT.ok;
  }
  return { values: parsed.values, positionals: parsed.positionals, usageError };
}

/** Parses a non-negative integer option; undefined when absent, NaN when malformed or out of range. */
export function intOption(v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,10}$/.test(v)) return Number.NaN;
  const n = Number(v);
  return n < min || n > max ? Number.NaN : n;
}
