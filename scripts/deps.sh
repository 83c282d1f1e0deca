#!/bin/sh
# Installs the Debian 12 packages Jinzhi needs to build, test and benchmark, when missing.
# Uses sudo when not run as root. Safe to run again: it installs only what is absent.
set -eu

PACKAGES="build-essential clang libclang-rt-14-dev cmake pkg-config libmicrohttpd-dev
libjansson-dev libsqlite3-dev libsodium-dev libinih-dev libcmocka-dev zlib1g-dev python3 sqlite3 curl"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "jinzhi: installing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
