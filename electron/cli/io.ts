/** Output streams of a CLI command, injectable so tests run commands in-process. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** A subcommand: takes its own arguments (after the subcommand name), returns the exit code. */
export type CliCommand = (argv: readonly string[], io: CliIO) => Promise<number>;

/** Exit codes shared by every subcommand. */
export const EXIT = {
  /** Success, and for checks: no errors found. */
  ok: 0,
  /** The design or the operation has errors. */
  problems: 1,
  /** Bad usage, or the input could not be read or parsed. */
  unusable: 2,
} as const;

export const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};
