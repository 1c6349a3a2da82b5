/**
 * The connection-sync steps of apply.sh / verify.sh / rollback.sh and the boot script on a member of
 * a director group in plain (`ipvsadm`) sync mode (shell text only; scripts.ts and boot.ts place it).
 * POSIX sh for dash and busybox ash; needs `lvs_ipvsadm`.
 *
 * - apply.sh records the running daemons (`ipvsadm -L --daemon`) in the snapshot, then, when they
 *   differ from the design, stops the running ones (`ipvsadm --stop-daemon`) and starts the designed
 *   master and backup (`ipvsadm --start-daemon`); a second run prints nothing for them.
 * - the boot script starts them the same way (the kernel forgets them at reboot);
 * - verify.sh compares `ipvsadm -L --daemon` with the design;
 * - rollback.sh stops what the deploy started and starts the daemons the snapshot recorded.
 *
 * Daemons are compared as `ROLE IFACE SYNCID` lines: what `ipvsadm -L --daemon` prints as
 * `master sync daemon (mcast=eth1, syncid=51)` (newer ipvsadm adds `, maxlen=…, group=…` and more).
 * Restarting only on a difference matters: a restart loses the sync messages sent meanwhile.
 */
import { startDaemonArgs, type PlainSyncDaemon } from './vrrp.ts';
import { shq } from './safe.ts';

/** Shell: read the running daemons, stop them, start one from a `ROLE IFACE SYNCID` line. */
export const SYNC_HELPERS = [
  '# syncd_now: the running connection-sync daemons as "ROLE IFACE SYNCID" lines, sorted',
  'syncd_now() {',
  '  lvs_ipvsadm -L --daemon 2>/dev/null | awk \'($1 == "master" || $1 == "backup") && $2 == "sync" {',
  '    m = $0; sub(/.*mcast=/, "", m); sub(/[,)].*/, "", m)',
  '    s = $0; sub(/.*syncid=/, "", s); sub(/[^0-9].*/, "", s)',
  '    print $1, m, s',
  "  }' | LC_ALL=C sort",
  '}',
  '# syncd_stop: stop every running sync daemon (only the roles that run: --stop-daemon of an idle role fails)',
  'syncd_stop() {',
  '  ss_now=$(syncd_now)',
  '  case $ss_now in *master*) lvs_ipvsadm --stop-daemon master || return 1 ;; esac',
  '  case $ss_now in *backup*) lvs_ipvsadm --stop-daemon backup || return 1 ;; esac',
  '}',
  '# syncd_start ROLE IFACE SYNCID: one daemon, after checking a line read back from a snapshot',
  'syncd_start() {',
  '  case $1 in master | backup) ;; *) return 1 ;; esac',
  '  case $2 in "" | . | .. | *[!A-Za-z0-9_.-]*) return 1 ;; esac',
  '  case $3 in "" | *[!0-9]*) return 1 ;; esac',
  '  lvs_ipvsadm --start-daemon "$1" --mcast-interface "$2" --syncid "$3"',
  '}',
];

const wantLines = (ds: readonly PlainSyncDaemon[]): string[] => ds.map((d) => `${d.role} ${d.iface} ${d.syncId}`).sort();

/** Shell: `syncd_want`, the designed daemons as syncd_now prints them. */
export function syncWanted(ds: readonly PlainSyncDaemon[]): string[] {
  return ['syncd_want() {', "  cat <<'LVSD_SYNCD'", ...wantLines(ds), 'LVSD_SYNCD', '}'];
}

const summary = (ds: readonly PlainSyncDaemon[]): string =>
  `${ds.map((d) => d.role).join(' and ')} on ${[...new Set(ds.map((d) => d.iface))].join(', ')}, syncid ${[...new Set(ds.map((d) => d.syncId))].join(', ')}`;

/** Shell for the snapshot loop of apply.sh (inside `for snap_dir …`): the daemons running now, once. */
export const SYNC_SNAPSHOT = ['  [ -f "$snap_dir/syncd" ] || syncd_now >"$snap_dir/syncd"'];

/** The start commands, one per daemon, through `lvs_ipvsadm`. */
const starts = (ds: readonly PlainSyncDaemon[], indent: string): string[] => ds.map((d) => `${indent}lvs_ipvsadm ${startDaemonArgs(d)}`);

/** Shell for apply.sh: restart the daemons only when they differ from the design. */
export function syncApply(ds: readonly PlainSyncDaemon[]): string[] {
  return [
    'sd_now=$(syncd_now)',
    'if [ "$sd_now" != "$(syncd_want)" ]; then',
    '  syncd_stop',
    ...starts(ds, '  '),
    `  changed "connection sync daemons: ${summary(ds)} (were: $(printf '%s' "\${sd_now:-none}" | tr '\\n' ';' | sed 's/;$//'))"`,
    'fi',
  ];
}

/** Shell for the boot script (needs `say`). */
export function syncBoot(ds: readonly PlainSyncDaemon[]): string[] {
  return [
    'if [ "$(syncd_now)" != "$(syncd_want)" ]; then',
    '  syncd_stop',
    ...starts(ds, '  '),
    `  say ${shq(`connection sync daemons started: ${summary(ds)}`)}`,
    'else',
    "  say 'connection sync daemons already running'",
    'fi',
  ];
}

/** Shell for verify.sh (needs `pass`/`differ`). */
export function syncVerify(ds: readonly PlainSyncDaemon[]): string[] {
  return [
    'sd_now=$(syncd_now)',
    'if [ "$sd_now" = "$(syncd_want)" ]; then',
    `  pass ${shq(`connection sync daemons: ${summary(ds)}`)}`,
    'else',
    `  differ "connection sync daemons are $(printf '%s' "\${sd_now:-none}" | tr '\\n' ';'), want ${summary(ds)} (ipvsadm -L --daemon)"`,
    'fi',
  ];
}

/** Shell for rollback.sh (needs `warn`): the daemons back as the snapshot recorded them, then read back. */
export const SYNC_ROLLBACK = [
  '# Connection sync daemons: back to the ones that ran before this deploy (none when the file is empty).',
  'if [ -f "$SNAP/syncd" ] && [ "$(syncd_now)" != "$(LC_ALL=C sort "$SNAP/syncd")" ]; then',
  '  if syncd_stop; then',
  "    echo 'stopped: the connection sync daemons of this deploy'",
  '    while read -r sd_role sd_dev sd_id; do',
  '      [ -n "$sd_role" ] || continue',
  '      if syncd_start "$sd_role" "$sd_dev" "$sd_id"; then echo "restored: $sd_role sync daemon on $sd_dev, syncid $sd_id"; else warn "could not start the $sd_role sync daemon on $sd_dev (syncid $sd_id)"; fi',
  '    done <"$SNAP/syncd"',
  '  else',
  "    warn 'could not stop the connection sync daemons'",
  '  fi',
  'fi',
  'if [ -f "$SNAP/syncd" ] && [ "$(syncd_now)" != "$(LC_ALL=C sort "$SNAP/syncd")" ]; then',
  "  warn \"after rollback the connection sync daemons are $(syncd_now | tr '\\n' ';'), not as before the deploy\"",
  'fi',
];

/**
 * Shell for apply.sh on a director whose design has no connection sync (needs `changed`): when an
 * earlier version started plain-mode daemons (the origin snapshot recorded the daemons from before
 * that), they are stopped and the recorded ones started again; then the record goes, so daemons
 * started by hand later are not the design's business. A second run prints nothing.
 */
export const SYNC_CLEANUP = [
  'if [ -f "$ORIGIN/syncd" ]; then',
  '  if [ "$(syncd_now)" != "$(LC_ALL=C sort "$ORIGIN/syncd")" ]; then',
  '    sd_now=$(syncd_now)',
  '    syncd_stop',
  '    while read -r sd_role sd_dev sd_id; do',
  '      [ -n "$sd_role" ] || continue',
  '      syncd_start "$sd_role" "$sd_dev" "$sd_id"',
  '    done <"$ORIGIN/syncd"',
  "    sd_was=$(LC_ALL=C sort \"$ORIGIN/syncd\" | tr '\\n' ';' | sed 's/;$//')",
  "    changed \"connection sync daemons back to ${sd_was:-none} (no longer in the design; were: $(printf '%s' \"$sd_now\" | tr '\\n' ';' | sed 's/;$//'))\"",
  '  fi',
  '  rm -f "$ORIGIN/syncd"',
  'fi',
];

/**
 * Shell for the snapshot loop of apply.sh where {@link SYNC_CLEANUP} runs: this deploy's snapshot
 * only (rollback.sh restores it); the origin records daemons only where the design starts them.
 */
export const SYNC_SNAPSHOT_DEPLOY_ONLY = ['  [ "$snap_dir" = "$ORIGIN" ] || [ -f "$snap_dir/syncd" ] || syncd_now >"$snap_dir/syncd"'];
