/**
 * `lvsd deploy FILE`: plan and push a design to its hosts over SSH (same engine as the app).
 * `lvsd rollback FILE` (./rollback.ts) shares the option handling below.
 *
 * On a terminal, unknown host keys, passwords and the "apply?" question are asked with readline
 * (passwords without echo). Without a terminal nothing is asked: an unknown host key fails unless
 * `--yes` (trust on first use), a needed password fails with a clear message.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadDesign } from '../loadDesign.ts';
import { renderHost } from '../../../shared/generators/index.ts';
import type { DeployEvent, DeployPlan, DeployResult } from '../../../shared/ipc/deploy.ts';
import type { DeployDeps, DeployMode, SecretKind } from '../../services/deploy/engine.ts';
import { DEFAULT_CONFIRM_SECONDS, newDeployId, startDeploy } from '../../services/deploy/engine.ts';
import { deployGate } from '../../services/deploy/gate.ts';
import { formatEvent, formatPlan } from '../../services/deploy/log.ts';
import { KnownHosts } from '../../services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../services/secrets/store.ts';
import type { CliCommand, CliIO } from '../io.ts';
import { EXIT } from '../io.ts';
import { parseCommandLine } from '../options.ts';
import type { HostId } from '../../../shared/model/ids.ts';
import { hostId } from '../../../shared/model/ids.ts';

/** Talking to a person: injectable so tests can answer. `null` when there is no terminal. */
export interface Prompter {
  question(text: string): Promise<string>;
  secret(text: string): Promise<string>;
}

function terminalPrompter(): Prompter | null {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  const ask = (text: string, hidden: boolean) =>
    new Promise<string>((resolveAnswer) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      process.stderr.write(text);
      if (hidden) {
        // readline echoes through _writeToOutput; muting it hides what is typed.
        (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
      }
      rl.question('', (answer) => {
        rl.close();
        if (hidden) process.stderr.write('\n');
        resolveAnswer(answer);
      });
    });
  return { question: (t) => ask(t, false), secret: (t) => ask(t, true) };
}

const USAGE_DEPLOY =
  'usage: lvsd deploy FILE [--dry-run] [--host ID ...] [--yes] [--known-hosts FILE] [--identity FILE] [--no-rollback] [--json] [--log FILE] [--state-dir DIR] [--e2e N] [--force] [--confirm-timeout S] [--allow-session-cut] [--install-keepalived]\n';
export const USAGE_ROLLBACK =
  'usage: lvsd rollback FILE [--host ID ...] [--yes] [--known-hosts FILE] [--identity FILE] [--json] [--log FILE] [--state-dir DIR]\n';

/** The app's own known_hosts for the CLI: `$XDG_CONFIG_HOME/lvs-designer/known_hosts`. */
export function defaultKnownHosts(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'lvs-designer', 'known_hosts');
}

interface Options {
  file: string;
  dryRun: boolean;
  hosts: HostId[];
  yes: boolean;
  knownHosts: string;
  identity?: string;
  noRollback: boolean;
  json: boolean;
  log?: string;
  stateDir?: string;
  e2e: number;
  force: boolean;
  confirmTimeout: number;
  allowSessionCut: boolean;
  /** Lets apply.sh install keepalived on a keepalived-owned director that lacks it (else the host is refused). */
  installKeepalived: boolean;
}

/** The options of `lvsd deploy` / `lvsd rollback`, or the exit code when there is nothing to run. */
function parse(argv: readonly string[], mode: 'deploy' | 'rollback', io: CliIO): Options | number {
  const deploy = mode !== 'rollback';
  const parsed = parseCommandLine(
    {
      command: mode,
      usage: deploy ? USAGE_DEPLOY : USAGE_ROLLBACK,
      options: {
        'dry-run': { type: 'boolean', default: false },
        host: { type: 'string', multiple: true, default: [] },
        yes: { type: 'boolean', short: 'y', default: false },
        'known-hosts': { type: 'string' },
        identity: { type: 'string', short: 'i' },
        'no-rollback': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        log: { type: 'string' },
        'state-dir': { type: 'string' },
        e2e: { type: 'string' },
        force: { type: 'boolean', default: false },
        'confirm-timeout': { type: 'string' },
        'allow-session-cut': { type: 'boolean', default: false },
        'install-keepalived': { type: 'boolean', default: false },
      },
    },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  if (parsed.positionals.length !== 1) return parsed.usageError('expected exactly one design FILE');
  if (
    !deploy &&
    (v['dry-run'] ||
      v['no-rollback'] ||
      v.e2e !== undefined ||
      v.force ||
      v['confirm-timeout'] !== undefined ||
      v['allow-session-cut'] ||
      v['install-keepalived'])
  ) {
    return parsed.usageError('--dry-run, --no-rollback, --e2e, --force, --confirm-timeout, --allow-session-cut and --install-keepalived belong to lvsd deploy');
  }
  const confirmTimeout = v['confirm-timeout'] === undefined ? DEFAULT_CONFIRM_SECONDS : Number(v['confirm-timeout']);
  if (!Number.isInteger(confirmTimeout) || (confirmTimeout !== 0 && (confirmTimeout < 5 || confirmTimeout > 3600)))
    return parsed.usageError('--confirm-timeout takes seconds 5..3600, or 0 for off');
  const e2e = v.e2e === undefined ? 20 : Number(v.e2e);
  if (!Number.isInteger(e2e) || e2e < 0 || e2e > 10000) return parsed.usageError('--e2e takes a number of requests 0..10000');
  const stateDir = v['state-dir'];
  if (stateDir !== undefined && (!stateDir.startsWith('/') || !/^[A-Za-z0-9_./-]+$/.test(stateDir) || stateDir.split('/').includes('..'))) {
    return parsed.usageError('--state-dir must be an absolute path of A-Z a-z 0-9 _ . - /');
  }
  const hosts = (v.host ?? [])
    .flatMap((h) => h.split(','))
    .filter((h) => h !== '')
    .map(hostId);
  return {
    file: parsed.positionals[0]!,
    dryRun: v['dry-run'] ?? false,
    hosts,
    yes: v.yes ?? false,
    knownHosts: resolve(v['known-hosts'] ?? defaultKnownHosts()),
    ...(v.identity ? { identity: resolve(v.identity) } : {}),
    noRollback: v['no-rollback'] ?? false,
    json: v.json ?? false,
    ...(v.log ? { log: resolve(v.log) } : {}),
    ...(stateDir ? { stateDir } : {}),
    e2e,
    force: v.force ?? false,
    confirmTimeout,
    allowSessionCut: v['allow-session-cut'] ?? false,
    installKeepalived: v['install-keepalived'] ?? false,
  };
}

/** Lets the event loop print pending progress events before a question or message appears. */
const drain = () => new Promise((r) => setImmediate(r));

const SECRET_WORD: Record<SecretKind, string> = { password: 'password', passphrase: 'key passphrase', sudo: 'sudo password' };

/** Runs a deploy/dry-run/rollback from the command line. `prompter` is the terminal unless a test passes one. */
export async function runDeployCommand(
  argv: readonly string[],
  io: CliIO,
  mode: 'deploy' | 'rollback',
  prompter: Prompter | null = terminalPrompter(),
): Promise<number> {
  const opts = parse(argv, mode, io);
  if (typeof opts === 'number') return opts;
  const topology = (await loadDesign(mode === 'rollback' ? 'rollback' : 'deploy', opts.file, io))?.topology ?? null;
  if (!topology) return EXIT.unusable;
  const engineMode: DeployMode = mode === 'rollback' ? 'rollback' : opts.dryRun ? 'dry-run' : 'apply';

  // The engine's deploy gate (the same for the app and the CLI); asked here first for the exit code.
  const gate = deployGate(topology, engineMode, opts.force);
  if (gate.blocked) {
    io.stderr(`lvsd ${mode}: ${gate.blocked}\n`);
    return EXIT.problems;
  }
  if (gate.overridden && !opts.json) io.stderr(`warning: ${gate.overridden}\n`);

  const human = !opts.json;
  const deps: DeployDeps = {
    render: renderHost,
    knownHosts: new KnownHosts(opts.knownHosts, [join(homedir(), '.ssh', 'known_hosts')]),
    secrets: new MemorySecretStore(),
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.stateDir ? { remoteEnv: () => ({ LVSD_STATE_DIR: opts.stateDir! }) } : {}),
    confirmHostKey: async (host, fingerprint, keyType, knownTypes) => {
      await drain();
      if (knownTypes.length) {
        // Like OpenSSH: a host known by another key type is not "first use"; --yes never trusts it.
        const warning =
          `WARNING: ${host.endpoint} (${host.hostId}) is known by its ${knownTypes.join(', ')} key but offered a ${keyType} key (${fingerprint}).\n` +
          `         The host may have been reinstalled, or someone may be intercepting the connection.\n`;
        if (!prompter) {
          io.stderr(
            `${warning}lvsd: not trusted${opts.yes ? ' (--yes does not trust a new key type of a known host)' : ''}; check the fingerprint on the host and add the key to ${opts.knownHosts} by hand.\n`,
          );
          return false;
        }
        const answer = await prompter.question(`${warning}Trust this ${keyType} key and continue connecting (yes/no)? `);
        return /^yes$/i.test(answer.trim());
      }
      if (opts.yes) {
        io.stderr(`Trusting ${host.endpoint} (${host.hostId}) on first use: ${keyType} ${fingerprint} (--yes)\n`);
        return true;
      }
      if (!prompter) {
        io.stderr(
          `lvsd: ${host.hostId}: unknown host key for ${host.endpoint}: ${keyType} ${fingerprint}\n` +
            `      not on a terminal, so it cannot be confirmed; check the fingerprint and pass --yes to trust it on first use.\n`,
        );
        return false;
      }
      const answer = await prompter.question(
        `The authenticity of host ${host.endpoint} (${host.hostId}) can't be established.\n${keyType} key fingerprint is ${fingerprint}.\nTrust it and continue connecting (yes/no)? `,
      );
      return /^y(es)?$/i.test(answer.trim());
    },
    askSecret: async (r) => {
      await drain();
      if (!prompter) {
        io.stderr(
          `lvsd: ${r.hostId}: a ${SECRET_WORD[r.kind]} is needed (${r.text}) but there is no terminal to ask on; use an SSH agent or a key without passphrase, or run on a terminal.\n`,
        );
        return null;
      }
      const answer = await prompter.secret(`${r.text}: `);
      return answer === '' ? null : answer;
    },
    ...(engineMode === 'apply' && !opts.yes && prompter
      ? {
          confirmApply: async (_plan: DeployPlan) => {
            // The plan (a `plan` event) is printed before the question.
            await drain();
            const answer = await prompter.question('Apply these changes (yes/no)? ');
            return /^y(es)?$/i.test(answer.trim());
          },
        }
      : {}),
  };

  const run = startDeploy(
    engineMode,
    {
      deployId: newDeployId(),
      topology,
      hosts: opts.hosts,
      noRollback: opts.noRollback,
      e2eRequests: opts.e2e,
      overrideErrors: opts.force,
      confirmSeconds: opts.confirmTimeout,
      allowSessionCut: opts.allowSessionCut,
      installKeepalived: opts.installKeepalived,
    },
    deps,
  );
  let interrupted = 0;
  const onSigint = () => {
    interrupted++;
    if (interrupted === 1) {
      io.stderr('\ninterrupt: cancelling (hosts already changed are rolled back); press Ctrl-C again to quit at once\n');
      run.cancel();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  let result: DeployResult;
  try {
    for await (const e of run.events()) if (human) printEvent(e, io, engineMode);
    result = await run.result;
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (opts.log) {
    try {
      await run.log.save(opts.log);
      if (human) io.stderr(`log saved to ${opts.log}\n`);
    } catch (e) {
      io.stderr(`lvsd: cannot save the log to ${opts.log}: ${(e as Error).message}\n`);
    }
  }
  if (opts.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  return result.outcome === 'success' || result.outcome === 'no-changes' ? EXIT.ok : EXIT.problems;
}

function printEvent(e: DeployEvent, io: CliIO, mode: DeployMode): void {
  if (e.type === 'plan') {
    io.stdout(`${formatPlan(e.plan)}\n`);
    return;
  }
  if (e.type === 'done') {
    const r = e.result;
    const words: Record<DeployResult['outcome'], string> = {
      success: mode === 'dry-run' ? 'dry run done: the plan above would be applied' : mode === 'rollback' ? 'rolled back' : 'deployed and verified',
      'no-changes': mode === 'rollback' ? 'nothing to roll back' : 'no changes: every host is already as designed',
      failed: 'FAILED',
      'rolled-back': 'FAILED: changed hosts were rolled back to their snapshot',
      cancelled: 'cancelled',
    };
    io.stdout(`${formatEvent(e).split('\n').slice(1).join('\n')}\n${words[r.outcome]}\n`);
    return;
  }
  if (e.type === 'e2e') {
    io.stdout(`${formatEvent(e)}\n`);
    return;
  }
  io.stderr(`${formatEvent(e)}\n`);
}

export const run: CliCommand = (argv, io) => runDeployCommand(argv, io, 'deploy');
