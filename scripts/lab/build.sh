#!/bin/bash
# Builds the LVS Designer lab image: the stock Debian kernel (booted as its PVH vmlinux) plus a small
# busybox/iproute2/ipvsadm/dropbear initramfs, from Debian packages fetched with `apt-get download`
# and unpacked with `dpkg -x` (nothing is installed on the host except qemu and openssh-client).
#
#   scripts/lab/build.sh            build when missing or when this recipe changed; print the build dir
#   scripts/lab/build.sh --force    rebuild
#
# Output in ${LVSD_LAB_DIR:-/var/cache/lvs-designer-lab}/build: vmlinux (or vmlinuz), initrd.img,
# id_ed25519 (the lab's client key), recipe.sha256 (the stamp that triggers a rebuild), kver.
# Concurrent callers are serialised with flock on $LVSD_LAB_DIR/build.lock.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=${LVSD_LAB_DIR:-/var/cache/lvs-designer-lab}
B=$LAB/build
FORCE=0
[ "${1:-}" = --force ] && FORCE=1
KPKG=${LVSD_LAB_KERNEL_PKG:-}
PKGS="busybox-static ipvsadm iproute2 dropbear-bin openssh-sftp-server
      libc6 libnl-3-200 libnl-genl-3-200 libpopt0
      libbpf1 libelf1 libmnl0 libbsd0 libmd0 libcap2 zlib1g
      libcrypt1 libtomcrypt1 libtommath1 libgmp10
      keepalived libssl3 libnftnl11 libpcre2-8-0 libsnmp40 libglib2.0-0 libsystemd0
      libblkid1 libcom-err2 libffi8 libgcrypt20 libgpg-error0 libgssapi-krb5-2 libk5crypto3
      libkeyutils1 libkrb5-3 libkrb5support0 liblz4-1 liblzma5 libmount1 libnsl2 libpci3
      libperl5.36 libselinux1 libsensors5 libtirpc3 libudev1 libwrap0 libzstd1
      tcpdump libpcap0.8 libdbus-1-3"
# (tcpdump: lvsd capture records the packets of one request in each namespace, docs/live.md)
# (keepalived and its libraries: the health checkers own the IPVS table in tests/lab/health-lab)
# modules the guest may load (their dependencies are added from modules.dep)
MODS="virtio_pci virtio_net virtio_rng veth bridge crc32c_generic
      ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh
      ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh
      ipip tunnel4 dummy"
# (ip_vs_twos only exists from Linux 6.6 on; Debian 12 ships 6.1)

log() { echo "[lab-build $(date +%T)] $*" >&2; }

mkdir -p "$B"
exec 9>"$LAB/build.lock"
flock 9

for t in dpkg apt-get apt-cache xz ssh-keygen gzip sha256sum flock; do
  command -v $t >/dev/null || { echo "lab build needs '$t' on the host" >&2; exit 2; }
done

stamp=$( { cat "$HERE/build.sh" "$HERE"/guest/*; echo "$KPKG"; } | sha256sum | cut -d' ' -f1)
if [ $FORCE = 0 ] && [ -f "$B/initrd.img" ] && [ "$(cat "$B/recipe.sha256" 2>/dev/null)" = "$stamp" ]; then
  echo "$B"; exit 0
fi

mkdir -p "$B/debs"
cd "$B/debs"
if [ -z "$KPKG" ]; then
  KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
  if [ -z "$KPKG" ]; then
    apt-get update -qq
    KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
  fi
fi
[ -n "$KPKG" ] || { echo "cannot find the Debian kernel package (apt-cache depends linux-image-amd64)" >&2; exit 2; }
log "kernel package: $KPKG"
missing=""
for p in $KPKG $PKGS; do ls "${p}"_*.deb >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  log "apt-get download:$missing"
  apt-get download $missing 2>&1 | grep -v 'Download is performed unsandboxed' >&2 || true
  for p in $missing; do ls "${p}"_*.deb >/dev/null 2>&1 || { echo "apt-get download $p failed" >&2; exit 2; }; done
fi

X=$B/x R=$B/root
rm -rf "$X" "$R"; mkdir -p "$X" "$R"
trap 'rm -rf "$X" "$R"' EXIT
for d in "$B"/debs/*.deb; do dpkg -x "$d" "$X"; done
BB=$X/bin/busybox
KVER=$(ls "$X/lib/modules" | head -1)
cp "$X/boot/vmlinuz-$KVER" "$B/vmlinuz"
# Debian's bzImage is XZ-compressed (~4 s to decompress under TCG). Its payload is an ELF with a PVH
# entry note, which qemu boots directly: cut the XZ stream out on the host.
off=$(LC_ALL=C grep -obUaP '\xfd\x37\x7a\x58\x5a\x00' "$B/vmlinuz" | head -1 | cut -d: -f1 || true)
rm -f "$B/vmlinux"
if [ -n "$off" ]; then tail -c +$((off + 1)) "$B/vmlinuz" | xz -dc >"$B/vmlinux" 2>/dev/null || true; fi
if [ "$(head -c4 "$B/vmlinux" 2>/dev/null | od -An -c | tr -d ' ')" != '177ELF' ]; then
  log "could not extract vmlinux from the bzImage; the bzImage will be booted (slower)"
  rm -f "$B/vmlinux"
fi

mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,usr/lib/openssh,lib64,lib/x86_64-linux-gnu,etc/dropbear,proc,sys,dev,run,tmp,root/.ssh,srv,var}
ln -s ../run "$R/var/run"
cp "$BB" "$R/bin/busybox"
for a in $("$BB" --list-full); do [ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"; done
# dynamic binaries, with their libraries resolved inside the unpacked tree only
rm -f "$R/bin/ip" "$R/sbin/ip" "$R/sbin/ipvsadm" "$R/usr/sbin/dropbear"
cp "$X/sbin/ipvsadm" "$R/sbin/"
cp "$X/usr/sbin/keepalived" "$R/usr/sbin/"
cp "$X/usr/bin/tcpdump" "$R/usr/sbin/tcpdump"
cp "$X/bin/ip" "$R/sbin/ip"; ln -s /sbin/ip "$R/bin/ip"
cp "$X/usr/sbin/dropbear" "$R/usr/sbin/"
cp "$X/usr/lib/openssh/sftp-server" "$R/usr/lib/openssh/"
# dropbear runs /usr/lib/sftp-server for the sftp subsystem (ssh2-based deploys may use sftp)
ln -s /usr/lib/openssh/sftp-server "$R/usr/lib/sftp-server"
LP=$X/lib/x86_64-linux-gnu:$X/usr/lib/x86_64-linux-gnu
libs=$(for b in "$X/sbin/ipvsadm" "$X/usr/sbin/keepalived" "$X/usr/bin/tcpdump" "$X/bin/ip" "$X/usr/sbin/dropbear" "$X/usr/lib/openssh/sftp-server"; do
  LD_LIBRARY_PATH=$LP ldd "$b" | awk '/=>/{print $3} /^\t\/lib64/{print $1}'; done | sort -u)
for lib in $libs; do
  case $lib in
    /lib64/ld-linux-x86-64.so.2) cp -L "$X/lib64/ld-linux-x86-64.so.2" "$R/lib64/" ;;
    "$X"/*) cp -L "$lib" "$R/lib/x86_64-linux-gnu/" ;;
    *) echo "library $lib was not found in the unpacked packages; add its package to PKGS" >&2; exit 2 ;;
  esac
done
# a regular ld.so cache, so the loader does not probe directory after directory for each library
printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' >"$R/etc/ld.so.conf"
ldconfig -r "$R" 2>/dev/null || log "ldconfig -r failed; the guest runs without an ld.so cache"
# kernel modules: closure over modules.dep, indexed with busybox depmod (the host needs no kmod)
MD=$X/lib/modules/$KVER
[ -f "$MD/modules.dep" ] || "$BB" depmod -b "$X" "$KVER"
want=""
for m in $MODS; do
  f=$(find "$MD/kernel" -name "$m.ko" -o -name "$(echo $m | tr _ -).ko" | head -1)
  [ -n "$f" ] || { echo "module $m not found in $KPKG" >&2; exit 2; }
  f=${f#"$MD"/}
  want="$want $f $(awk -F': ' -v k="$f" '$1==k{print $2}' "$MD/modules.dep")"
done
for f in $(echo $want | tr ' ' '\n' | sort -u); do
  mkdir -p "$R/lib/modules/$KVER/$(dirname "$f")"; cp "$MD/$f" "$R/lib/modules/$KVER/$f"
done
cp "$MD/modules.builtin" "$MD/modules.order" "$R/lib/modules/$KVER/" 2>/dev/null || true
"$BB" depmod -b "$R" "$KVER"

printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\ntty:x:5:\n' >"$R/etc/group"
printf '/bin/sh\n/bin/ash\n' >"$R/etc/shells"
printf '127.0.0.1 localhost\n' >"$R/etc/hosts"
# busybox ash prefers its own applets over PATH: make an interactive "ip" mean iproute2
printf 'alias ip=/sbin/ip\nexport PS1="lvs-lab:${LVSD_LAB_HOST:-vm}# "\n' >"$R/etc/profile"
[ -f "$LAB/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C lvs-designer-lab -f "$LAB/id_ed25519"
[ -f "$LAB/dropbear_ed25519_host_key" ] ||
  "$X/lib64/ld-linux-x86-64.so.2" --library-path "$LP" "$X/usr/bin/dropbearkey" -t ed25519 \
    -f "$LAB/dropbear_ed25519_host_key" >/dev/null
cp "$LAB/dropbear_ed25519_host_key" "$R/etc/dropbear/"
cp "$LAB/id_ed25519.pub" "$R/root/.ssh/authorized_keys"
chmod 700 "$R/root" "$R/root/.ssh"; chmod 600 "$R/root/.ssh/authorized_keys" "$R"/etc/dropbear/*
install -m 755 "$HERE/guest/init" "$R/init"
install -m 755 "$HERE/guest/lvsd-enter" "$HERE/guest/lvsd-sshd" "$R/usr/sbin/"

( cd "$R" && find . | sort | "$BB" cpio -o -H newc 2>/dev/null ) | gzip -6 -n >"$B/initrd.img.tmp"
mv "$B/initrd.img.tmp" "$B/initrd.img"
echo "$KVER" >"$B/kver"
echo "$stamp" >"$B/recipe.sha256"
log "built: $(stat -c %s "$B/vmlinuz") B vmlinuz, $(stat -c %s "$B/initrd.img") B initrd.img (kernel $KVER)"
echo "$B"
