#!/bin/sh
# Installs the Debian 12 packages Jinzhi needs to build, test and benchmark, when missing:
# the C toolchain and libraries, Node.js for building the web console, and Chromium with
# Chinese and Tibetan fonts for the browser tests.
# Uses sudo when not run as root. Safe to run again: it installs only what is absent.
set -eu

PACKAGES="build-essential clang libclang-rt-14-dev cmake pkg-config libmicrohttpd-dev
libjansson-dev libsqlite3-dev libsodium-dev libinih-dev libcmocka-dev zlib1g-dev libqrencode-dev
libpng-dev libcairo2-dev libpango1.0-dev python3 sqlite3 curl zbar-tools poppler-utils
chromium fonts-wqy-microhei fonts-tibetan-machine fonts-noto-cjk"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$missing" ]; then
	echo "jinzhi: installing Debian packages:$missing" >&2
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The web console is built with Node.js 20.19 or newer (Vite 7). Debian 12's own nodejs is
# 18; machines set up from NodeSource (or with Debian's backports) have 20 or 22.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "jinzhi: installing Node.js" >&2
	$SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null ||
		$SUDO apt-get install -y -qq --no-install-recommends nodejs >/dev/null
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || {
	echo "jinzhi: Node.js $(node --version) is too old to build the web console; 20.19 or newer is needed" \
		"(https://github.com/nodesource/distributions)" >&2
	exit 1
}
