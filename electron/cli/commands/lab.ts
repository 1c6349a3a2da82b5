/**
 * `lvsd lab up FILE [--out PATH|-] [--no-write] [--json]`: boot (or reuse) the built-in qemu IPVS lab,
 * create one network-namespace host per design host, each with its own SSH server on a 127.0.0.1
 * port, and record those endpoints as each host's `ssh` settings — in FILE itself (atomically, the
 * previous version kept as FILE.bak), in PATH with --out, or nowhere with --no-write.
 * `lvsd lab down` stops the lab; `lvsd lab status` shows it.
 */
import { resolve } from 'node:path';
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { parseCommandLine } from '../options.ts';
import { serializeDesignFile } from '../../../shared/model/file.ts';
import { loadDesign } from '../loadDesign.ts';
import { writeFileAtomic } from '../../services/files/atomic.ts';
import { LabError, labUnavailableReason } from '../../services/lab/vm.ts';
import { deadLabEndpoints, labDown, labSshCommand, labStatus, labUp, withLabEndpoints } from '../../services/lab/up.ts';

const USAGE = `usage: lvsd lab up FILE [--out PATH|-] [--no-write] [--json]
       lvsd lab down
       lvsd lab status

  up      boot the qemu IPVS lab (or reuse the running one), create the design's hosts in it and
          start an SSH server per host on 127.0.0.1; the endpoints are written into FILE as each
          host's ssh settings (FILE.bak keeps the previous version), or into PATH with --out
          (- prints the updated design), or nowhere with --no-write
  down    stop the lab VM
  status  show the running lab and its hosts
`;

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(
    { command: 'lab', usage: USAGE, options: { out: { type: 'string' }, 'no-write': { type: 'boolean' }, json: { type: 'boolean' } } },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [sub, file, ...extra] = positionals;
  if (sub === 'down' || sub === 'status') {
    if (file !== undefined) {
      io.stderr(`lvsd lab ${sub}: takes no FILE\n${USAGE}`);
      return EXIT.unusable;
    }
    if (sub === 'down') {
      try {
        const was = await labDown();
        io.stdout(was ? 'lab stopped\n' : 'no lab is running\n');
        return EXIT.ok;
      } catch (e) {
        io.stderr(`lvsd lab down: ${(e as Error).message}\n`);
        return EXIT.problems;
      }
    }
    const st = labStatus();
    if (!st) {
      io.stdout(values.json ? '{"running":false}\n' : 'no lab is running\n');
      return EXIT.ok;
    }
    if (values.json) io.stdout(JSON.stringify({ running: true, pid: st.vm.pid, sshPort: st.vm.sshPort, keyPath: st.vm.keyPath, ...st.state }, null, 2) + '\n');
    else {
      io.stdout(`lab running: qemu pid ${st.vm.pid}, VM root ssh -p ${st.vm.sshPort} root@127.0.0.1, design "${st.state?.design ?? '?'}"\n`);
      for (const e of st.state?.endpoints ?? []) io.stdout(`  ${e.host.padEnd(16)} ${labSshCommand(st.vm, e)}\n`);
    }
    return EXIT.ok;
  }
  if (sub !== 'up' || file === undefined || extra.length > 0) {
    io.stderr(
      `lvsd lab: ${sub === undefined ? 'missing subcommand' : sub !== 'up' ? `unknown subcommand "${sub}"` : extra.length ? 'too many arguments' : 'missing FILE'}\n${USAGE}`,
    );
    return EXIT.unusable;
  }
  if (values.out !== undefined && values['no-write']) {
    io.stderr('lvsd lab up: --out and --no-write exclude each other\n');
    return EXIT.unusable;
  }
  const unavailable = labUnavailableReason();
  if (unavailable) {
    io.stderr(`lvsd lab: cannot run the lab here: ${unavailable}\n`);
    return EXIT.unusable;
  }
  const loaded = await loadDesign('lab up', file, io);
  if (!loaded) return EXIT.unusable;
  const design = loaded;
  if (design.topology.hosts.length === 0) {
    io.stderr(`lvsd lab up: ${file} has no hosts\n`);
    return EXIT.problems;
  }
  const progress = (line: string): void => {
    if (!values.json && values.out !== '-') io.stderr(`${line}\n`);
  };
  try {
    progress('starting the lab (the first run downloads ~80 MB of Debian packages)…');
    const { vm, endpoints, reused } = await labUp(design.topology, { log: progress });
    if (reused) progress(`reused the running lab VM (pid ${vm.pid})`);
    // One real login per host proves each endpoint before anything is written.
    const dead = await deadLabEndpoints(vm, endpoints);
    if (dead.length > 0) {
      io.stderr(`lvsd lab up: SSH to ${dead.map((d) => d.host).join(', ')} does not work: ${dead[0]!.error}\n`);
      return EXIT.problems;
    }
    const updated = withLabEndpoints(design, vm, endpoints);
    let wrote = '';
    if (values.out === '-') io.stdout(serializeDesignFile(updated));
    else if (!values['no-write']) {
      const target = resolve(values.out ?? file);
      await writeFileAtomic(target, serializeDesignFile(updated), { backup: values.out === undefined });
      wrote = target;
    }
    if (values.json) {
      io.stdout(JSON.stringify({ pid: vm.pid, sshPort: vm.sshPort, keyPath: vm.keyPath, written: wrote || null, endpoints }, null, 2) + '\n');
    } else if (values.out !== '-') {
      io.stdout(`lab up: ${endpoints.length} host(s) of "${design.topology.name}"; VIPs, routes and IPVS rules are not set yet (deploy the design)\n`);
      for (const e of endpoints) io.stdout(`  ${e.host.padEnd(16)} ${labSshCommand(vm, e)}\n`);
      io.stdout(
        wrote
          ? `ssh endpoints written to ${wrote}${values.out === undefined ? ' (previous version: .bak)' : ''}\n`
          : 'design file left unchanged (--no-write)\n',
      );
      io.stdout('stop it with: lvsd lab down\n');
    }
    return EXIT.ok;
  } catch (e) {
    io.stderr(`lvsd lab up: ${e instanceof LabError ? e.message : ((e as Error).stack ?? String(e))}\n`);
    return EXIT.problems;
  }
};
