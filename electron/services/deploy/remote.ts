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

function envPrelude(env: Readonly<Record<string, string>>): string {
  const lines = ['export LC_ALL=C', 'PATH="$PATH:/usr/sbin:/sbin"; export PATH'];
  for (const [k, v] of Object.entries(env)) lines.push(`${k}=${sq(v)}; export ${k}`);
  lines.push(`: "\${LVSD_STATE_DIR:=${DEFAULT_STATE_DIR}}"; export LVSD_STATE_DIR`);
  lines.push('S="$LVSD_STATE_DIR"');
  return lines.join('\n');
}

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
if [ -d "$S/current" ]; then (cd "$S/current" && find . -type f -exec sha256sum {} + 2>/dev/null </dev/null); fi
echo '@@ tools'
for t in curl wget sha256sum; do command -v "$t" 2>/dev/null; done
echo '@@ end'
`;
}

/**
 * The first command on a host: when it is root, the state read-out at once (one SSH command
 * less); otherwise `@@ notroot` and whether `sudo -n` may run sh.
 */
export function probeScript(env: Readonly<Record<string, string>>): string {
  return `if [ "$(id -u)" = 0 ]; then
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
export function uploadScript(env: Readonly<Record<string, string>>, deployId: string, files: readonly DeployFile[], thenApply = false): string {
  if (!DEPLOY_DIR_ID.test(deployId)) throw new Error(`bad deploy id ${JSON.stringify(deployId)}`);
  const parts = [envPrelude(env), 'set -e', 'umask 077', `D="$S/deploy/${deployId}"`, 'rm -rf "$D"', 'mkdir -p "$D"'];
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
  parts.push('echo uploaded');
  // exec: apply.sh takes this shell's place, so a cancel (TERM to the command) reaches it directly.
  if (thenApply) parts.push(`echo '${APPLY_MARKER}'`, 'cd "$D"', 'exec sh ./apply.sh </dev/null');
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

const PRUNE = '# Keep the ten newest deploy directories.\n(cd "$S/deploy" && ls -1t | tail -n +11 | while read -r old; do rm -rf "./$old"; done)';

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
${PRUNE}
echo '@@ recorded'
`;
}

/** Undo of a deploy that failed: its rollback.sh, and `current/` back to what it was before. */
export function rollbackDeployScript(env: Readonly<Record<string, string>>, deployId: string): string {
  if (!DEPLOY_DIR_ID.test(deployId)) throw new Error('bad deploy id');
  return `${envPrelude(env)}
cd "$S/deploy/${deployId}" || { echo 'no deployed files in $S/deploy' >&2; exit 3; }
sh ./rollback.sh </dev/null || exit $?
if [ "$(cat "$S/last-deploy" 2>/dev/null)" = ${sq(deployId)} ]; then
  rm -rf "$S/current" "$S/last-deploy"
  if [ -d "$S/current.prev" ]; then mv "$S/current.prev" "$S/current"; fi
fi
echo '@@ rolled-back'
`;
}

/** Undo of the last deploy for `lvsd rollback`: run current/rollback.sh, then retire current/. */
export function rollbackCurrentScript(env: Readonly<Record<string, string>>): string {
  return `${envPrelude(env)}
if [ ! -f "$S/current/rollback.sh" ]; then echo '@nothing'; exit 0; fi
(cd "$S/current" && sh ./rollback.sh </dev/null) || exit $?
rm -rf "$S/rolled-back"
mv "$S/current" "$S/rolled-back"
echo '@rolled-back'
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
