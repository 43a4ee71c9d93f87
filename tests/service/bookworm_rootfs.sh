#!/usr/bin/env bash
# Prints the path of a Debian 12 root file system for the service test, building it
# with debootstrap from this machine's Debian mirror when it is missing. It is cached
# between runs (rebuilt when absent or made by an older version of this script) and
# holds systemd plus the runtime libraries jamfleet's package declares, so the test
# installs the .deb with dpkg alone and the container needs no network to a mirror.
set -euo pipefail

cache=${JAMFLEET_TEST_CACHE:-/var/cache/jamfleet-test}
# Bump when the package list changes: an older cache is rebuilt.
version=2
rootfs="$cache/bookworm"
packages=systemd,systemd-sysv,dbus,libuv1,libyaml-cpp0.7,libsqlite3-0,libmicrohttpd12,iproute2,procps,adduser

mkdir -p "$cache"
# One builder at a time when several test runs share the machine's cache.
exec 9>"$cache/.lock"
flock 9
if [[ -f "$rootfs/.jamfleet-rootfs-$version" ]]; then
    echo "$rootfs"
    exit 0
fi
mirror=$(awk '/^URIs:/ {print $2; exit} /^deb / {print $2; exit}' \
    /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
echo "bookworm_rootfs: building $rootfs with debootstrap from $mirror (a few minutes, once)" >&2
rm -rf "$rootfs" "$rootfs.partial"
debootstrap --variant=minbase --include="$packages" bookworm "$rootfs.partial" "$mirror" >&2
# The container boots without a console login; an empty machine-id is filled at boot.
: >"$rootfs.partial/etc/machine-id"
echo jamfleet-test >"$rootfs.partial/etc/hostname"
rm -f "$rootfs.partial"/var/cache/apt/archives/*.deb
touch "$rootfs.partial/.jamfleet-rootfs-$version"
mv "$rootfs.partial" "$rootfs"
echo "$rootfs"
