#!/usr/bin/env bash
# Installs what jamfleet needs on Debian 12 (only what is missing) and, when the
# system libopus is older than 1.4, unpacks Debian 13's libopus into .deps/opus
# without touching the host's own packages. Prints the PKG_CONFIG_PATH to use.
# Works on every Debian architecture (amd64, arm64 for a Raspberry Pi, ...): library
# paths use the multiarch triplet of the machine.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deps="$root/.deps"
mkdir -p "$deps"

packages=(
    build-essential meson ninja-build pkg-config clang clang-format libclang-rt-14-dev
    libuv1-dev nlohmann-json3-dev libsqlite3-dev libyaml-cpp-dev libgtest-dev libgmock-dev
    jamulus jackd2 tshark iproute2 nftables sqlite3 python3 util-linux procps
    debhelper dpkg-dev debootstrap systemd-container
    libmicrohttpd-dev prometheus chromium chromium-driver python3-selenium
    ansible-core openssh-client openssh-server
    podman runc catatonit uidmap slirp4netns fuse-overlayfs nodejs
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    # tshark asks whether non-root users may capture; the answer does not matter to us.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
# npm (for the offline Kubernetes schema check): Debian's package only when no npm is there;
# a Node.js from elsewhere (NodeSource) brings its own, which Debian's npm would conflict with.
if ! command -v npm >/dev/null 2>&1; then
    echo "deps: installing npm" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm >&2
fi

# The multiarch triplet names Debian's library directory (x86_64-linux-gnu, aarch64-linux-gnu, ...).
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
[[ -n "$triplet" ]] || { echo "deps: cannot tell this machine's multiarch triplet" >&2; exit 1; }

opus_prefix="$deps/opus"
opus_pc="$opus_prefix/lib/pkgconfig"
if pkg-config --atleast-version=1.4 opus 2>/dev/null; then
    echo ""
    exit 0
fi
# The static library is what the build links (installed programs then need no path into
# this checkout); a .deps/opus from before it was kept is fetched again.
if [[ ! -f "$opus_pc/opus.pc" || ! -f "$opus_prefix/lib/libopus.a" ]]; then
    echo "deps: system libopus is older than 1.4; fetching Debian 13's libopus into $opus_prefix" >&2
    work="$deps/opus-apt"
    rm -rf "$work"
    mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/debs" "$work/unpacked"
    echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' \
        >"$work/sources.list"
    apt_opts=(
        -o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
        -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::archives=$work/archives"
        -o "Dir::Cache::pkgcache=$work/pkgcache.bin" -o "Dir::Cache::srcpkgcache=$work/srcpkgcache.bin"
        -o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root"
    )
    apt-get "${apt_opts[@]}" update -q >&2
    (cd "$work/debs" && apt-get "${apt_opts[@]}" download libopus0 libopus-dev >&2)
    for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/unpacked"; done
    rm -rf "$opus_prefix"
    mkdir -p "$opus_prefix/lib/pkgconfig" "$opus_prefix/include"
    cp -a "$work"/unpacked/usr/lib/"$triplet"/libopus.so* "$work"/unpacked/usr/lib/"$triplet"/libopus.a \
        "$opus_prefix/lib/"
    cp -a "$work"/unpacked/usr/include/opus "$opus_prefix/include/"
    sed -e "s|^prefix=.*|prefix=$opus_prefix|" \
        -e 's|^libdir=.*|libdir=${prefix}/lib|' \
        "$work/unpacked/usr/lib/$triplet/pkgconfig/opus.pc" >"$opus_pc/opus.pc"
    rm -rf "$work"
fi
echo "$opus_pc"
