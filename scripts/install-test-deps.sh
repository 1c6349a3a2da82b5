#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing (run as root on Debian):
# chromium (Playwright drives it), openssh-server/client (deploy tests), qemu-system-x86 (real-kernel
# IPVS lab), xvfb (Electron launch tests), iproute2 (network namespaces), busybox (lab web servers),
# shellcheck, keepalived and ipvsadm (syntax checks of the generated configuration).
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null || need+=(openssh-client)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v xvfb-run >/dev/null || need+=(xvfb)
command -v ip >/dev/null || need+=(iproute2)
command -v busybox >/dev/null || need+=(busybox)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
# Checks of the generated configuration: shell syntax, keepalived's own config test, ipvsadm's parser.
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v keepalived >/dev/null || [ -x /usr/sbin/keepalived ] || need+=(keepalived)
command -v ipvsadm >/dev/null || [ -x /usr/sbin/ipvsadm ] || need+=(ipvsadm)
# Deploy tests log in as a non-root user that needs sudo (with and without a password).
command -v sudo >/dev/null || need+=(sudo)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing packages: ${need[*]} (run this script as root)" >&2; exit 1; fi
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "test dependencies present"
