/**
 * The keepalived and boot-unit steps of apply.sh / verify.sh / rollback.sh (shell text only;
 * scripts.ts places it). POSIX sh for dash and busybox ash.
 *
 * On a director whose IPVS table keepalived owns, apply.sh
 * 1. refuses the host before any change when keepalived is missing, unless the deploy was allowed to
 *    install it (`LVSD_INSTALL_KEEPALIVED=1`, CLI `--install-keepalived`);
 * 2. validates the uploaded keepalived.conf on the host with `keepalived -t -f FILE` before any
 *    change, so a config keepalived rejects never reaches the running service;
 * 3. records the installed config in this deploy's snapshot (or that there was none), installs the
 *    new one atomically and reloads keepalived (`systemctl reload`, or `kill -HUP` of its pid without
 *    systemd; started when it was not running) — never restarted, so VRRP state and connections stay.
 *
 * The scripts find the uploaded files beside themselves (`HERE`). Commands and paths are replaceable for tests: `LVSD_KEEPALIVED`, `LVSD_SYSTEMCTL` (also forces the
 * systemd path), `LVSD_KEEPALIVED_CONF`, `LVSD_KEEPALIVED_PID`, `LVSD_KEEPALIVED_WAIT` (seconds
 * verify.sh waits for keepalived to build the table) and `LVSD_BOOT_ROOT` (prefix for the boot unit).
 */
import { BOOT_SCRIPT_PATH, BOOT_UNIT_NAME, BOOT_UNIT_PATH } from './boot.ts';
import { shq } from './safe.ts';

/** Shell: keepalived commands and paths, and the reload that never restarts. */
export const KEEPALIVED_HELPERS = [
  'lvs_keepalived() { "${LVSD_KEEPALIVED:-keepalived}" "$@"; }',
  'lvs_systemctl() { "${LVSD_SYSTEMCTL:-systemctl}" "$@"; }',
  'KA_CONF=${LVSD_KEEPALIVED_CONF:-/etc/keepalived/keepalived.conf}',
  'KA_PIDFILE=${LVSD_KEEPALIVED_PID:-/run/keepalived.pid}',
  'ka_systemd() { [ -n "${LVSD_SYSTEMCTL:-}" ] || { command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; }; }',
  '# ka_pid: the pid of the running keepalived parent (empty when none)',
  'ka_pid() {',
  '  kp=$(head -n 1 "$KA_PIDFILE" 2>/dev/null || true)',
  '  case $kp in "" | *[!0-9]*) return 0 ;; esac',
  '  if kill -0 "$kp" 2>/dev/null; then printf \'%s\\n\' "$kp"; fi',
  '}',
  'ka_running() {',
  '  if ka_systemd; then lvs_systemctl is-active --quiet keepalived; else [ -n "$(ka_pid)" ]; fi',
  '}',
  '# ka_reload start|keep: reload a running keepalived (never restart it); start it or leave it stopped',
  'ka_reload() {',
  '  if ka_running; then',
  '    if ka_systemd; then',
  '      lvs_systemctl reload keepalived || return 1',
  "      echo 'keepalived reloaded (systemctl reload keepalived)'",
  '    else',
  '      kr_pid=$(ka_pid)',
  '      kill -HUP "$kr_pid" || return 1',
  '      echo "keepalived reloaded (kill -HUP $kr_pid)"',
  '    fi',
  '  elif [ "$1" = start ]; then',
  '    if ka_systemd; then lvs_systemctl start keepalived || return 1; else lvs_keepalived -f "$KA_CONF" || return 1; fi',
  "    echo 'keepalived started (it was not running)'",
  '  fi',
  '}',
  '# ka_stop: stop a running keepalived (it removes the virtual servers it made) and wait up to 10 s for it to go',
  'ka_stop() {',
  '  ka_running || return 0',
  '  if ka_systemd; then',
  '    lvs_systemctl stop keepalived || return 1',
  '  else',
  '    ks_pid=$(ka_pid)',
  '    kill -TERM "$ks_pid" || return 1',
  '    ks_i=0',
  '    while [ -n "$(ka_pid)" ] && [ "$ks_i" -lt 10 ]; do sleep 1; ks_i=$((ks_i + 1)); done',
  '  fi',
  '  ! ka_running',
  '}',
  '# ka_put FILE: install FILE as the keepalived config (written beside it, then renamed: atomic)',
  'ka_put() {',
  '  mkdir -p "$(dirname "$KA_CONF")"',
  '  cp "$1" "$KA_CONF.lvsd-new" && chmod 644 "$KA_CONF.lvsd-new" && mv -f "$KA_CONF.lvsd-new" "$KA_CONF"',
  '}',
];

/**
 * Shell for apply.sh before any change: keepalived present (or installed when allowed) and the new
 * keepalived.conf accepted by `keepalived -t`; otherwise exit 2 with the host named, nothing touched.
 */
export function keepalivedPreflight(hostName: string): string[] {
  const host = shq(hostName);
  return [
    `KA_HOST=${host}`,
    'if ! command -v "${LVSD_KEEPALIVED:-keepalived}" >/dev/null 2>&1; then',
    '  if [ "${LVSD_INSTALL_KEEPALIVED:-0}" != 1 ]; then',
    '    printf \'apply.sh: host %s: keepalived is not installed, and keepalived owns the IPVS table of this director; nothing was changed. Install keepalived, or let the deploy install it (--install-keepalived).\\n\' "$KA_HOST" >&2',
    '    exit 2',
    '  fi',
    "  if command -v apt-get >/dev/null 2>&1; then ka_pm='apt-get install -y keepalived'",
    "  elif command -v dnf >/dev/null 2>&1; then ka_pm='dnf install -y keepalived'",
    "  elif command -v yum >/dev/null 2>&1; then ka_pm='yum install -y keepalived'",
    "  elif command -v apk >/dev/null 2>&1; then ka_pm='apk add keepalived'",
    '  else',
    '    printf \'apply.sh: host %s: keepalived is not installed and no package manager (apt-get, dnf, yum, apk) was found; nothing was changed.\\n\' "$KA_HOST" >&2',
    '    exit 2',
    '  fi',
    '  echo "installing keepalived: $ka_pm (allowed by --install-keepalived)"',
    '  # A failure (mirror unreachable, package unknown, lock held) stops the host here, before any change.',
    '  if ka_out=$(DEBIAN_FRONTEND=noninteractive $ka_pm </dev/null 2>&1); then ka_rc=0; else ka_rc=$?; fi',
    '  if [ "$ka_rc" != 0 ]; then',
    '    printf \'apply.sh: host %s: installing keepalived failed: %s exited %s (is the package mirror reachable from this host?); nothing was changed. Its last lines:\\n%s\\n\' "$KA_HOST" "$ka_pm" "$ka_rc" "$(printf \'%s\\n\' "$ka_out" | tail -n 12)" >&2',
    '    exit 2',
    '  fi',
    '  printf \'%s\\n\' "$ka_out" | tail -n 3',
    '  command -v "${LVSD_KEEPALIVED:-keepalived}" >/dev/null 2>&1 || { printf \'apply.sh: host %s: keepalived is still missing after the install; nothing else was changed.\\n\' "$KA_HOST" >&2; exit 2; }',
    'fi',
    '[ -f "$HERE/keepalived.conf" ] || { printf \'apply.sh: host %s: keepalived.conf is missing from the deploy directory\\n\' "$KA_HOST" >&2; exit 2; }',
    '# Validated on the host, by the keepalived that will run it, before the running service is touched.',
    'if ! ka_check=$(lvs_keepalived -t -f "$HERE/keepalived.conf" 2>&1 </dev/null); then',
    '  printf \'apply.sh: host %s: keepalived -t rejects the new keepalived.conf; nothing was changed (the running keepalived, its config and the IPVS table are untouched):\\n%s\\n\' "$KA_HOST" "$ka_check" >&2',
    '  exit 2',
    'fi',
  ];
}

/**
 * Shell for apply.sh's snapshot loop (`$snap_dir`): the installed keepalived.conf, or that there was none,
 * and `keepalived.owned` when keepalived was running (it owned the IPVS table before this deploy).
 */
export const KEEPALIVED_SNAPSHOT = [
  '  if [ "$snap_dir" = "$SNAP" ] && [ ! -f "$snap_dir/keepalived.conf" ] && [ ! -f "$snap_dir/keepalived.absent" ]; then',
  '    if ka_running; then : >"$snap_dir/keepalived.owned"; fi',
  '    if [ -f "$KA_CONF" ]; then cp "$KA_CONF" "$snap_dir/keepalived.conf"; else : >"$snap_dir/keepalived.absent"; fi',
  '  fi',
];

/** Shell for apply.sh: install the validated config when it differs, then reload (or start) keepalived. */
export const KEEPALIVED_APPLY = [
  'if ! cmp -s "$HERE/keepalived.conf" "$KA_CONF"; then',
  '  ka_put "$HERE/keepalived.conf"',
  '  changed "keepalived.conf installed as $KA_CONF (the previous one is in the snapshot)"',
  '  ka_reload start || { printf \'apply.sh: host %s: keepalived did not take the new config (reload failed)\\n\' "$KA_HOST" >&2; exit 1; }',
  'elif ! ka_running; then',
  '  ka_reload start || { printf \'apply.sh: host %s: keepalived did not start\\n\' "$KA_HOST" >&2; exit 1; }',
  "  changed 'keepalived started'",
  'fi',
];

/** Shell for verify.sh: after a short wait, the table keepalived built has every service and real server of the design, with its weight. */
export function keepalivedVerify(services: number, realServers: number): string[] {
  return [
    'sleep "${LVSD_KEEPALIVED_WAIT:-3}"',
    "if ! ka_running; then differ 'keepalived is not running'; else pass 'keepalived is running'; fi",
    'if ! ipvs_now=$(lvs_ipvsadm -S -n 2>&1); then',
    '  differ "cannot read the IPVS table: $ipvs_now"',
    'else',
    '  ipvs_now=$(printf \'%s\\n\' "$ipvs_now" | ipvs_norm)',
    '  ka_missing=$(lines_missing "$ipvs_now" "$(rules_wanted | ipvs_norm)")',
    '  if [ -z "$ka_missing" ]; then',
    `    pass ${shq(`IPVS table built by keepalived (${services} services, ${realServers} real servers, weights)`)}`,
    '  else',
    '    printf \'%s\\n\' "$ka_missing" | while IFS= read -r l; do printf \'DIFF  IPVS missing: %s\\n\' "$l"; done',
    "    differ 'the IPVS table keepalived built lacks services or real servers of the design (or has other weights; a real server its health check finds down is left out)'",
    '  fi',
    'fi',
  ];
}

/** Shell for apply.sh's snapshot loop: the boot files installed before this deploy, or that there were none. */
export const BOOT_SNAPSHOT = [
  '  if [ "$snap_dir" = "$SNAP" ] && [ -f "$HERE/boot/install.sh" ] && [ ! -d "$snap_dir/boot" ] && [ ! -f "$snap_dir/boot.absent" ]; then',
  `    if [ -f "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_SCRIPT_PATH)} ]; then`,
  '      mkdir -p "$snap_dir/boot"',
  `      cp "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_SCRIPT_PATH)} "$snap_dir/boot/lvs-designer-boot.sh"`,
  `      if [ -f "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_UNIT_PATH)} ]; then cp "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_UNIT_PATH)} "$snap_dir/boot/${BOOT_UNIT_NAME}"; fi`,
  '    else',
  '      : >"$snap_dir/boot.absent"',
  '    fi',
  '  fi',
];

/** Shell for apply.sh: run boot/install.sh when the installed boot files differ from this deploy's. */
export const BOOT_APPLY = [
  `if ! cmp -s "$HERE/boot/lvs-designer-boot.sh" "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_SCRIPT_PATH)} || ! cmp -s "$HERE/boot/${BOOT_UNIT_NAME}" "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_UNIT_PATH)}; then`,
  '  sh "$HERE/boot/install.sh"',
  `  changed ${shq(`boot unit ${BOOT_UNIT_NAME} installed and enabled (boot/install.sh)`)}`,
  'fi',
];

/**
 * Shell for rollback.sh (needs `HERE`, `SNAP`, `warn` and {@link KEEPALIVED_HELPERS}): the previous
 * keepalived.conf back (ours removed when there was none). When keepalived was running before the deploy
 * (`keepalived.owned`) it is reloaded and rebuilds its old table itself, and the saved IPVS table is not
 * pushed behind its back (it would undo the health-check state keepalived keeps); when it was not, the
 * keepalived the deploy started is stopped and the saved table is restored after this block. Then the
 * previous boot files back, or boot/remove.sh when there were none.
 */
export const KEEPALIVED_BOOT_ROLLBACK = [
  'if [ -f "$SNAP/keepalived.conf" ]; then',
  '  if ! cmp -s "$SNAP/keepalived.conf" "$KA_CONF"; then',
  '    if ka_put "$SNAP/keepalived.conf"; then',
  '      echo "restored: $KA_CONF"',
  '      if [ -f "$SNAP/keepalived.owned" ]; then ka_reload keep || warn \'could not reload keepalived\'; fi',
  '    else',
  '      warn "could not restore $KA_CONF"',
  '    fi',
  '  fi',
  'elif [ -f "$SNAP/keepalived.absent" ] && [ -f "$KA_CONF" ]; then',
  '  if rm -f "$KA_CONF"; then echo "removed: $KA_CONF (there was none before)"; else warn "could not remove $KA_CONF"; fi',
  'fi',
  'if [ -f "$SNAP/keepalived.conf" ] || [ -f "$SNAP/keepalived.absent" ]; then',
  '  if [ -f "$SNAP/keepalived.owned" ]; then',
  "    ka_running || warn 'after rollback keepalived is not running (it was before this deploy)'",
  "    echo 'keepalived keeps the IPVS table: it owned it before this deploy and rebuilds it from the restored config'",
  '  elif ka_running; then',
  "    if ka_stop; then echo 'keepalived stopped (it was not running before this deploy)'; else warn 'could not stop keepalived (it was not running before this deploy)'; fi",
  '  fi',
  'fi',
  'if [ -d "$SNAP/boot" ]; then',
  `  if cp "$SNAP/boot/lvs-designer-boot.sh" "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_SCRIPT_PATH)} && chmod 0755 "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_SCRIPT_PATH)} && { [ ! -f "$SNAP/boot/${BOOT_UNIT_NAME}" ] || { cp "$SNAP/boot/${BOOT_UNIT_NAME}" "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_UNIT_PATH)} && chmod 0644 "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_UNIT_PATH)}; }; }; then`,
  "    echo 'restored: the previous boot unit'",
  '  else',
  "    warn 'could not restore the previous boot unit'",
  '  fi',
  'elif [ -f "$SNAP/boot.absent" ] && [ -f "$HERE/boot/remove.sh" ]; then',
  '  sh "$HERE/boot/remove.sh" || warn \'boot/remove.sh failed\'',
  'fi',
  '# Read back: the config is the saved one, or gone when there was none.',
  'if [ -f "$SNAP/keepalived.conf" ] && ! cmp -s "$SNAP/keepalived.conf" "$KA_CONF"; then warn "after rollback $KA_CONF differs from the snapshot"; fi',
  'if [ -f "$SNAP/keepalived.absent" ] && [ -f "$KA_CONF" ]; then warn "after rollback $KA_CONF is still there"; fi',
  `if [ -f "$SNAP/boot.absent" ] && [ -f "$HERE/boot/remove.sh" ] && [ -f "\${LVSD_BOOT_ROOT:-}"${shq(BOOT_SCRIPT_PATH)} ]; then warn 'after rollback the boot unit is still installed'; fi`,
];
