/**
 * `lvsd` — the LVS Designer command line. Each subcommand lives in `commands/<name>.ts` and exports
 * `run: CliCommand`; they are loaded lazily so `lvsd validate` does not pay for the SSH stack.
 */
import type { CliCommand, CliIO } from './io.ts';
import { EXIT, processIO } from './io.ts';

const COMMANDS: Record<string, { summary: string }> = {
  validate: { summary: 'check a design: lvsd validate FILE [--json] | lvsd validate --rules [--json]' },
  render: { summary: 'generate configuration: lvsd render FILE [--host ID | --all] [--target ipvsadm|script|keepalived] [--out DIR]' },
  import: { summary: 'import existing config: lvsd import ipvsadm|ipvsadm-list|commands|keepalived FILE, or keepalived-pair FILE1 FILE2' },
  simulate: { summary: 'trace a packet: lvsd simulate FILE --service VIP:PORT [--client ID] [--json]' },
  schedule: { summary: 'simulate a scheduler: lvsd schedule FILE --service VIP:PORT --connections N [--json]' },
  serve: { summary: 'run the designer in a browser: lvsd serve [--port N] [--token T] [--data-dir DIR] [--open]' },
  deploy: { summary: 'deploy over SSH: lvsd deploy FILE [--dry-run] [--host ID ...] [--yes]' },
  rollback: { summary: 'undo the last deploy: lvsd rollback FILE' },
  lab: { summary: 'built-in qemu lab: lvsd lab up FILE | lvsd lab down' },
  assignment: { summary: 'instructor mode: lvsd assignment new|preview|export|submit …' },
  grade: { summary: 'grade submissions: lvsd grade ASSIGNMENT SUBMISSIONS/ [--lab] [--out report.xlsx|csv|html]' },
  status: { summary: 'live state of a running cluster: lvsd status FILE [--watch] [--json] [--interval S]' },
  capture: { summary: 'real packets of one request in the qemu lab vs the simulation: lvsd capture FILE --service VIP:PORT [--json]' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: lvsd <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

/** Runs the CLI with the given arguments and returns the process exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT.unusable : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`lvsd: unknown command "${name}"\n${usage()}`);
    return EXIT.unusable;
  }
  let mod: { run: CliCommand };
  try {
    mod = (await import(`./commands/${name}.ts`)) as { run: CliCommand };
  } catch (e) {
    io.stderr(`lvsd: command "${name}" is not available in this build (${(e as Error).message})\n`);
    return EXIT.unusable;
  }
  return mod.run(rest, io);
}
