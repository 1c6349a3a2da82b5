/**
 * The shell text the engine sends to a host. Every script is fed to `sh -s` on stdin (so nothing but
 * fixed words appear on the remote command line) and every value in it is checked and quoted.
 */

/** Quotes a value for POSIX sh. */
export function sq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A file the generators produced for one host (structurally the generators' `GeneratedFile`). */
export interface DeployFile {
  /** Relative path inside the deploy directory, e.g. `apply.sh`, `sysctl.d/90-lvs-designer.conf`. */
  readonly path: string;
  readonly content: string;
  /** Unix mode, e.g. 0o755 for scripts. */
  readonly mode: number;
}

const FILE_PATH = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,127}){0,3}$/;
const ENV_NAME = /^LVSD_[A-Z0-9_]{1,40}$/;
/** Values passed to remote scripts: absolute paths or plain words, nothing a shell could misread. */
const ENV_VALUE = /^[A-Za-z0-9_./:@%+=,-]{1,512}$/;
export const DEPLOY_DIR_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Default state directory on the hosts (the generators' `LVSD_STATE_DIR` default). */
export const DEFAULT_STATE_DIR = '/var/lib/lvs-designer';

/** Checks a generated file path: relative, no `..`, a small safe alphabet. */
export function checkFilePath(path: string): string | null {
  if (!FILE_PATH.test(path)) return `unsafe file name ${JSON.stringify(path)}`;
  return null;
}

/** Validates the environment passed to remote scripts (`LVSD_STATE_DIR`, `LVSD_IPVSADM`, …). */
export function checkEnv(env: Readonly<Record<string, string>>): string | null {
  for (const [k, v] of Object.entries(env)) {
    if (!ENV_NAME.test(k)) return `environment name ${JSON.stringify(k)} is not LVSD_*`;
    if (!ENV_VALUE.test(v)) return `environment value of ${k} has characters not allowed (${JSON.stringify(v)})`;
  }
  const dir = env.LVSD_STATE_DIR;
  if (dir !== undefined && (!dir.startsWith('/') || dir.split('/').includes('..'))) return 'LVSD_STATE_DIR must be an absolute path without ..';
  return null;
}

export function envPrelude(env: Readonly<Record<string, string>>): string {
  const lines = ['export LC_ALL=C', 'PATH="$PATH:/usr/sbin:/sbin"; export PATH'];
  for (const [k, v] of Object.entries(env)) lines.push(`${k}=${sq(v)}; export ${k}`);
  lines.push(`: "\${LVSD_STATE_DIR:=${DEFAULT_STATE_DIR}}"; export LVSD_STATE_DIR`);
  lines.push('S="$LVSD_STATE_DIR"');
  return lines.join('\n');
}

import type { SessionPin } from './session-guard.ts';
import { SESSION_PROBE, pinScript } from './session-guard.ts';

/** A heredoc delimiter that no line of `content` equals. */
function delimiter(content: string, salt: number): string {
  const lines = new Set(content.split('\n'));
  let n = salt;
  for (;;) {
    const d = `LVSD_EOF_${n.toString(36)}`;
    if (!lines.has(d)) return d;
    n += 7919;
  }
}

/**
 * Reads what the plan compares against. Sections start with `@@ name`; only reading commands, so a
 * dry run changes nothing on the host.
 */
export function stateScript(env: Readonly<Record<string, string>>): string {
  return `${envPrelude(env)}
echo '@@ uid'; id -u
echo '@@ kernel'; uname -sr
echo '@@ addr'; ip -o -4 addr show 2>&1 </dev/null
echo '@@ route'; ip -4 route show table main 2>&1 </dev/null
echo '@@ sysctl'
for f in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/arp_ignore /proc/sys/net/ipv4/conf/*/arp_announce /proc/sys/net/ipv4/conf/*/rp_filter; do
  [ -r "$f" ] && printf '%s=%s\\n' "$f" "$(cat "$f")"
done
echo '@@ ipvsadm'
I="\${LVSD_IPVSADM:-ipvsadm}"
if command -v "$I" >/dev/null 2>&1; then "$I" -S -n 2>&1 </dev/null || echo "@error $?"; else echo '@absent'; fi
echo '@@ files'
if [ -d "$S/current" ]; then (cd "$S/current" && find . -path ./.lvsd -prune -o -type f -exec sha256sum {} + 2>/dev/null </dev/null); fi
echo '@@ tools'
for t in curl wget sha256sum; do command -v "$t" 2>/dev/null; done
if command -v "\${LVSD_KEEPALIVED:-keepalived}" >/dev/null 2>&1; then echo keepalived; fi
echo '@@ end'
`;
}

/**
 * The first command on a host: the SSH session's path (as the login user: sudo resets
 * `$SSH_CONNECTION`); then, when it is root, the state read-out at once (one SSH command
 * less); otherwise `@@ notroot` and whether `sudo -n` may run sh.
 */
export function probeScript(env: Readonly<Record<string, string>>): string {
  return `${SESSION_PROBE}if [ "$(id -u)" = 0 ]; then
${stateScript(env)}
else
echo '@@ notroot'
if sudo -n sh -c : </dev/null >/dev/null 2>&1; then echo '@sudo-n'; fi
fi
`;
}

/** Line apply-capable scripts print just before apply.sh starts (the host may change from here on). */
export const APPLY_MARKER = '@@ applying';

/**
 * Uploads the files into `$S/deploy/<id>/` (mode 0700 directory); with `thenApply`, runs apply.sh in
 * the same SSH command after printing {@link APPLY_MARKER} (one command instead of two: each SSH
 * command costs a login-shell start on the host).
 */
export function uploadScript(
  env: Readonly<Record<string, string>>,
  deployId: string,
  files: readonly DeployFile[],
  thenApply = false,
  safety: { confirmSeconds?: number; pin?: SessionPin } = {},
): string {
  if (!DEPLOY_DIR_ID.test(deployId)) throw new Error(`bad deploy id ${JSON.stringify(deployId)}`);
  const parts = [
    envPrelude(env),
    `LVSD_DEPLOY_ID=${sq(deployId)}; export LVSD_DEPLOY_ID`,
    'set -e',
    'umask 077',
    `D="$S/deploy/${deployId}"`,
    'rm -rf "$D"',
    'mkdir -p "$D"',
  ];
  files.forEach((f, i) => {
    const bad = checkFilePath(f.path);
    if (bad) throw new Error(bad);
    const target = `"$D/${f.path}"`;
    if (f.path.includes('/')) parts.push(`mkdir -p "$(dirname ${target})"`);
    const d = delimiter(f.content, 1000 + i);
    if (f.content.endsWith('\n') || f.content === '') {
      // A heredoc body ends with a newline; an empty file is written with `: >`.
      if (f.content === '') parts.push(`: > ${target}`);
      else parts.push(`cat > ${target} <<'${d}'\n${f.content}${d}`);
    } else {
      // Command substitution drops the one newline the heredoc adds, restoring the exact bytes.
      parts.push(`printf '%s' "$(cat <<'${d}'\n${f.content}\n${d}\n)" > ${target}`);
    }
    parts.push(`chmod ${(f.mode & 0o777).toString(8)} ${target}`);
  });
  parts.push('mkdir -p "$D/.lvsd"', `cat > "$D/${UNDO_FILE}" <<'LVSD_UNDO'\n${undoFileText(deployId)}LVSD_UNDO`);
  parts.push('echo uploaded');
  if (thenApply) {
    const n = Math.floor(safety.confirmSeconds ?? 0);
    if (n > 0) parts.push(armTimer(n));
    if (safety.pin) parts.push(pinScript(safety.pin));
    // exec: apply.sh takes this shell's place, so a cancel (TERM to the command) reaches it directly.
    parts.push(`echo '${APPLY_MARKER}'`, 'cd "$D"', 'exec sh ./apply.sh </dev/null');
  }
  return `${parts.join('\n')}\n`;
}

/** Runs one script of the deploy directory (`apply.sh`, `verify.sh`, `rollback.sh`). */
export function runScript(env: Readonly<Record<string, string>>, dir: { deployId: string } | 'current', script: string): string {
  if (checkFilePath(script)) throw new Error(`bad script name ${JSON.stringify(script)}`);
  const d = dir === 'current' ? '"$S/current"' : `"$S/deploy/${dir.deployId}"`;
  if (dir !== 'current' && !DEPLOY_DIR_ID.test(dir.deployId)) throw new Error('bad deploy id');
  // stdin of the script is /dev/null: it must not eat the rest of this very script from sh -s.
  return `${envPrelude(env)}\ncd ${d} || { echo "no deployed files in ${dir === 'current' ? '$S/current' : '$S/deploy'}" >&2; exit 3; }\nsh ./${script} </dev/null\n`;
}

/** Deploys kept on a host (directories, snapshots and history lines): the bound of the snapshot chain. */
export const KEEP_DEPLOYS = 10;

const PRUNE = `# Keep the ${KEEP_DEPLOYS} newest deploy directories, their snapshots and history lines.
(cd "$S/deploy" && ls -1t | tail -n +${KEEP_DEPLOYS + 1} | while read -r old; do rm -rf "./$old"; done)
if [ -d "$S/snapshots" ]; then (cd "$S/snapshots" && ls -1t | tail -n +${KEEP_DEPLOYS + 1} | while read -r old; do rm -rf "./$old"; done); fi
if [ -f "$S/history" ]; then tail -n ${KEEP_DEPLOYS} "$S/history" > "$S/history.new" && mv "$S/history.new" "$S/history"; fi`;

/** Name of the engine's undo script inside a deploy directory (run by the engine or the timer). */
export const UNDO_FILE = '.lvsd/undo.sh';

/**
 * Shell function \`unrecord ID\`: after deploy ID was rolled back, the host's record goes back to the
 * deploy before it (\`history\`, \`current/\`); with none left, the origin snapshot goes too.
 */
const UNRECORD = `unrecord() {
  ur_last=$(tail -n 1 "$S/history" 2>/dev/null || true)
  if [ "$ur_last" != "$1" ]; then
    # The deploy was never recorded: the record stands; with nothing deployed, the origin goes.
    [ -n "$ur_last" ] || [ -d "$S/current" ] || rm -rf "$S/snapshot"
    return 0
  fi
  sed '$d' "$S/history" > "$S/history.new" && mv "$S/history.new" "$S/history"
  ur_prev=$(tail -n 1 "$S/history" 2>/dev/null || true)
  rm -rf "$S/current.new"
  if [ -n "$ur_prev" ] && [ -d "$S/deploy/$ur_prev" ]; then
    cp -Rp "$S/deploy/$ur_prev" "$S/current.new" && rm -rf "$S/current" && mv "$S/current.new" "$S/current"
    printf '%s\\n' "$ur_prev" > "$S/last-deploy"
    echo "@current $ur_prev"
  else
    rm -rf "$S/current" "$S/last-deploy" "$S/current.prev"
    [ -n "$ur_prev" ] || rm -rf "$S/snapshot"
    echo '@current none'
  fi
}`;

/**
 * The undo of one deploy, as a file in its directory: rollback.sh of that deploy, then the record.
 * The engine (after a failure) and the commit-confirm timer (when no confirmation came) both run
 * it; a lock directory makes sure only the first one does the work. \`$1\` says who runs it.
 */
function undoFileText(deployId: string): string {
  return `# Undo of deploy ${deployId}: its rollback.sh, then the host's record. Written by LVS Designer.
S=\${LVSD_STATE_DIR:-${DEFAULT_STATE_DIR}}
D="$S/deploy/${deployId}"
${UNRECORD}
if ! mkdir "$D/.lvsd/undo.lock" 2>/dev/null; then
  if [ -f "$D/.lvsd/confirmed" ] && [ "\${1:-}" = engine ]; then
    rm -f "$D/.lvsd/confirmed"
  else
    i=0
    while [ ! -f "$D/.lvsd/undone" ] && [ "$i" -lt 150 ]; do sleep 1; i=$((i + 1)); done
    if [ -f "$D/.lvsd/undone" ]; then echo "@undone-already $(cat "$D/.lvsd/undone")"; exit "$(cut -d ' ' -f 1 "$D/.lvsd/undone")"; fi
    if [ -f "$D/.lvsd/confirmed" ]; then echo '@confirmed'; exit 0; fi
    echo 'another rollback of this deploy holds the lock' >&2
    exit 5
  fi
fi
rm -f "$D/.lvsd/armed"
echo "rollback of deploy ${deployId} started by \${1:-hand} at $(date -u '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null || true)"
cd "$D" || exit 3
LVSD_DEPLOY_ID=${sq(deployId)} sh ./rollback.sh </dev/null
rc=$?
if [ "$rc" -eq 0 ]; then unrecord ${sq(deployId)}; fi
printf '%s by %s at %s\\n' "$rc" "\${1:-hand}" "$(date -u '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null || true)" > "$D/.lvsd/undone"
exit "$rc"
`;
}

/**
 * Arms the commit-confirm timer: a detached \`sleep N\` (its own session via setsid, which util-linux
 * and busybox both have; nohup otherwise) that runs the undo unless {@link confirmScript} came first.
 * It does not depend on the SSH session: when the session dies, the timer still fires.
 */
function armTimer(seconds: number): string {
  const body = `sleep "$1"; [ -f "$2/.lvsd/armed" ] || exit 0; echo "commit-confirm: no confirmation within $1 s"; sh "$2/${UNDO_FILE}" timer`;
  return `: > "$D/.lvsd/armed"
if command -v setsid >/dev/null 2>&1; then
  setsid sh -c '${body}' lvsd-confirm-timer ${seconds} "$D" </dev/null >>"$D/.lvsd/confirm-timer.log" 2>&1 &
else
  nohup sh -c '${body}' lvsd-confirm-timer ${seconds} "$D" </dev/null >>"$D/.lvsd/confirm-timer.log" 2>&1 &
fi
echo $! > "$D/.lvsd/confirm-timer.pid"
echo "@@ armed ${seconds} $(date -u '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null || true)"`;
}

/**
 * The confirmation of a commit-confirm deploy, sent over a new SSH connection after apply and
 * verify: takes the undo lock (so the timer can no longer fire) and stops the timer.
 * Prints `@confirmed`, or `@too-late` (exit 4) when the timer already rolled back.
 */
export function confirmScript(env: Readonly<Record<string, string>>, deployId: string): string {
  if (!DEPLOY_DIR_ID.test(deployId)) throw new Error('bad deploy id');
  return `${envPrelude(env)}
D="$S/deploy/${deployId}"
[ -d "$D" ] || { echo 'no such deploy on this host' >&2; exit 3; }
if [ ! -f "$D/.lvsd/armed" ] || ! mkdir "$D/.lvsd/undo.lock" 2>/dev/null; then
  echo "@too-late $(cat "$D/.lvsd/undone" 2>/dev/null || echo 'rollback running')"
  exit 4
fi
rm -f "$D/.lvsd/armed"
: > "$D/.lvsd/confirmed"
p=$(cat "$D/.lvsd/confirm-timer.pid" 2>/dev/null || true)
case $p in "" | *[!0-9]*) ;; *)
  case $(tr '\\000' ' ' < "/proc/$p/cmdline" 2>/dev/null || true) in
    *lvsd-confirm-timer*) kill -s TERM -- "-$p" 2>/dev/null || kill -s TERM "$p" 2>/dev/null || true ;;
  esac ;;
esac
echo '@confirmed'
`;
}

/**
 * Runs verify.sh of a deploy and, when it passes, makes the deploy the host's `current/` (what the
 * next plan compares with); the previous one is kept as `current.prev` for {@link rollbackDeployScript}.
 */
export function verifyAndRecordScript(env: Readonly<Record<string, string>>, deployId: string): string {
  if (!DEPLOY_DIR_ID.test(deployId)) throw new Error('bad deploy id');
  return `${envPrelude(env)}
D="$S/deploy/${deployId}"
cd "$D" || { echo 'no deployed files in $S/deploy' >&2; exit 3; }
sh ./verify.sh </dev/null || exit $?
set -e
rm -rf "$S/current.prev" "$S/current.new"
if [ -d "$S/current" ]; then mv "$S/current" "$S/current.prev"; fi
cp -Rp "$D" "$S/current.new"
mv "$S/current.new" "$S/current"
printf '%s\n' ${sq(deployId)} > "$S/last-deploy"
if [ "$(tail -n 1 "$S/history" 2>/dev/null || true)" != ${sq(deployId)} ]; then printf '%s\n' ${sq(deployId)} >> "$S/history"; fi
${PRUNE}
echo '@@ recorded'
`;
}

/** What the commit-confirm timer did: `@undone RC by WHO at TIME`, `@confirmed`, or `@pending`. */
export function undoneScript(env: Readonly<Record<string, string>>, deployId: string): string {
  if (!DEPLOY_DIR_ID.test(deployId)) throw new Error('bad deploy id');
  return `${envPrelude(env)}
D="$S/deploy/${deployId}"
if [ -f "$D/.lvsd/undone" ]; then echo "@undone $(cat "$D/.lvsd/undone")"; elif [ -f "$D/.lvsd/confirmed" ]; then echo '@confirmed'; else echo '@pending'; fi
cat "$D/.lvsd/confirm-timer.log" 2>/dev/null | tail -n 40
`;
}

/** Undo of a deploy that failed: its undo file (rollback.sh, then the record goes back to the deploy before). */
export function rollbackDeployScript(env: Readonly<Record<string, string>>, deployId: string): string {
  if (!DEPLOY_DIR_ID.test(deployId)) throw new Error('bad deploy id');
  return `${envPrelude(env)}
D="$S/deploy/${deployId}"
[ -f "$D/${UNDO_FILE}" ] || { echo 'no deployed files in $S/deploy' >&2; exit 3; }
sh "$D/${UNDO_FILE}" engine || exit $?
echo '@@ rolled-back'
`;
}

/**
 * Undo of the last deploy for \`lvsd rollback\`: rollback.sh of the newest deploy in the host's
 * history (restoring the state right before it), then the deploy before it becomes current.
 * Prints \`@rolled-back ID\` and \`@current ID|none\`, or \`@nothing\`.
 */
export function rollbackCurrentScript(env: Readonly<Record<string, string>>): string {
  return `${envPrelude(env)}
${UNRECORD}
last=$(tail -n 1 "$S/history" 2>/dev/null || true)
case $last in *[!A-Za-z0-9_-]*) echo "bad line in $S/history" >&2; exit 3 ;; esac
if [ -z "$last" ]; then
  # A deploy recorded before the snapshot chain existed: its rollback.sh restores $S/snapshot.
  if [ -f "$S/current/rollback.sh" ]; then
    (cd "$S/current" && sh ./rollback.sh </dev/null) || exit $?
    rm -rf "$S/rolled-back"
    mv "$S/current" "$S/rolled-back"
    echo '@rolled-back (recorded before the snapshot chain)'
    exit 0
  fi
  echo '@nothing'
  exit 0
fi
dir="$S/deploy/$last"
[ -f "$dir/rollback.sh" ] || dir="$S/current"
(cd "$dir" && LVSD_DEPLOY_ID="$last" sh ./rollback.sh </dev/null) || exit $?
echo "@rolled-back $last"
unrecord "$last"
`;
}

/** Fetches http://vip:port/ `count` times from a client, one `ok <first line>` or `fail` line each. */
export function e2eScript(vip: string, port: number, count: number): string {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(vip) || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error('bad service address');
  const n = Math.max(1, Math.min(10000, Math.floor(count)));
  const url = sq(`http://${vip}:${port}/`);
  return `export LC_ALL=C
if command -v curl >/dev/null 2>&1; then get() { curl -fsS -m 3 ${url} 2>/dev/null; }
elif command -v wget >/dev/null 2>&1; then
  # Debian 12's busybox wget crashes (SIGSEGV) on -T: bound it with timeout(1) where there is one.
  if command -v timeout >/dev/null 2>&1; then get() { timeout 5 wget -q -O - ${url} 2>/dev/null; }
  else get() { wget -q -T 3 -O - ${url} 2>/dev/null; }; fi
else echo '@no-client'; exit 0; fi
i=0
while [ "$i" -lt ${n} ]; do
  if r=$(get </dev/null); then printf 'ok %s\\n' "$(printf '%s\\n' "$r" | head -n 1)"; else echo fail; fi
  i=$((i + 1))
done
`;
}
