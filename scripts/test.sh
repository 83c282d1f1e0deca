#!/bin/sh
# Runs every test: unit tests, fuzz-corpus replays, API tests against a live server and
# browser tests of the web console in headless Chromium, first in a normal build with gcc, then in an AddressSanitizer + UndefinedBehaviorSanitizer
# build with clang (so both compilers build everything with -Werror).
# Installs missing build dependencies first. Set JZ_SKIP_SANITIZE=1 for the normal build only.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
echo "== web console" >&2
sh scripts/web.sh
jobs="$(nproc)"

echo "== normal build" >&2
CC=gcc cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

if [ "${JZ_SKIP_SANITIZE:-0}" != 1 ]; then
	echo "== ASan + UBSan build (clang)" >&2
	CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DJZ_SANITIZE=ON >/dev/null
	cmake --build build-asan -j"$jobs"
	(cd build-asan &&
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
			ctest --output-on-failure -j"$jobs")
fi
