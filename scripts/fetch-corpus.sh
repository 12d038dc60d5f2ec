#!/usr/bin/env bash
# Fetches the large real inputs the conformance tests and the bench use, from Debian's packages,
# into ${LDPLAY_CACHE:-/var/cache/ldplay}: the 632 MB linux-image-6.1.0-53-amd64-dbg vmlinux
# (checked against the fixture's SHA-256) and a set of kernel modules (.ko, unpacked from .ko.xz).
set -euo pipefail
cache=${LDPLAY_CACHE:-/var/cache/ldplay}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$cache"
cd "$cache"
vmlinux=usr/lib/debug/boot/vmlinux-6.1.0-53-amd64
want=$(cat "$here/../shared/fixtures/debian-6.1.0-53/vmlinux.sha256" | cut -d' ' -f1)
if [ ! -f "$vmlinux" ] || [ "$(sha256sum "$vmlinux" | cut -d' ' -f1)" != "$want" ]; then
  ls linux-image-6.1.0-53-amd64-dbg_*.deb >/dev/null 2>&1 || apt-get download linux-image-6.1.0-53-amd64-dbg
  dpkg-deb --fsys-tarfile linux-image-6.1.0-53-amd64-dbg_*.deb | tar -x --wildcards "./$vmlinux"
  [ "$(sha256sum "$vmlinux" | cut -d' ' -f1)" = "$want" ] || { echo "fetch-corpus: $vmlinux checksum mismatch" >&2; exit 1; }
fi
if [ ! -d modules ]; then
  ls linux-image-6.1.0-53-amd64_*.deb >/dev/null 2>&1 || apt-get download linux-image-6.1.0-53-amd64
  mkdir -p modules.tmp
  dpkg-deb --fsys-tarfile linux-image-6.1.0-53-amd64_*.deb | tar -x -C modules.tmp --wildcards \
    './lib/modules/*/kernel/fs/ext4/*' './lib/modules/*/kernel/net/ipv4/*' './lib/modules/*/kernel/drivers/net/dummy.ko.xz' \
    './lib/modules/*/kernel/crypto/*' './lib/modules/*/kernel/drivers/block/*' 2>/dev/null || true
  find modules.tmp -name '*.ko.xz' -exec xz -dk {} \;
  mkdir -p modules && find modules.tmp -name '*.ko' -exec mv {} modules/ \;
  rm -rf modules.tmp
fi
echo "fetch-corpus: ok ($cache)"
