#!/bin/sh
# meson install helper: installs SOURCE as DEST (under $DESTDIR) only when DEST does
# not exist yet, so `meson install` never overwrites an admin's /etc/jamfleet/fleet.yaml.
set -eu
source=$1
dest="${DESTDIR:-}$2"
if [ -e "$dest" ]; then
    echo "install-conffile: keeping the existing $dest"
    exit 0
fi
mkdir -p "$(dirname "$dest")"
install -m 0644 "$source" "$dest"
echo "install-conffile: installed $dest"
