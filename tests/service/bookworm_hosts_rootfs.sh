#!/usr/bin/env bash
# Prints the path of the Debian 12 root file system the multi-host test boots three
# times (read-only, under one overlay per host): bookworm_rootfs.sh's file system plus
# what Ansible needs on a managed host (python3, python3-apt for the apt module) and
# openssh-server. Built once from the machine's Debian mirror and cached next to it.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
base=$("$root/tests/service/bookworm_rootfs.sh")
cache=$(dirname "$base")
# Bump when the package list changes (here or in bookworm_rootfs.sh): an older cache is rebuilt.
version=2
rootfs="$cache/bookworm-hosts"
packages="python3 python3-apt openssh-server"

exec 9>"$cache/.hosts-lock"
flock 9
if [[ -f "$rootfs/.jamfleet-hosts-rootfs-$version" ]]; then
    echo "$rootfs"
    exit 0
fi
echo "bookworm_hosts_rootfs: building $rootfs from $base (+ $packages), once" >&2
rm -rf "$rootfs" "$rootfs.partial"
cp -a "$base" "$rootfs.partial"
cp /etc/resolv.conf "$rootfs.partial/etc/resolv.conf"
mirror=$(awk '/^URIs:/ {print $2; exit} /^deb / {print $2; exit}' \
    /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true)
echo "deb ${mirror:-http://deb.debian.org/debian} bookworm main" >"$rootfs.partial/etc/apt/sources.list"
# No service starts inside the chroot while packages are configured.
printf '#!/bin/sh\nexit 101\n' >"$rootfs.partial/usr/sbin/policy-rc.d"
chmod +x "$rootfs.partial/usr/sbin/policy-rc.d"
chroot "$rootfs.partial" apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive chroot "$rootfs.partial" \
    apt-get install -y -q --no-install-recommends $packages >&2
rm -f "$rootfs.partial/usr/sbin/policy-rc.d" "$rootfs.partial"/var/cache/apt/archives/*.deb
rm -rf "$rootfs.partial"/var/lib/apt/lists/*
: >"$rootfs.partial/etc/resolv.conf"
touch "$rootfs.partial/.jamfleet-hosts-rootfs-$version"
mv "$rootfs.partial" "$rootfs"
echo "$rootfs"
