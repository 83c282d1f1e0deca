#!/usr/bin/env bash
# Argon2id: the parameters Jinzhi hashes passwords with and what one hash costs on this
# machine, through the project's own acc_password_hash (bench/argon2_time.c linked against
# libjzcore.a). Not a ratio: the figure asked for is milliseconds per hash here, with the
# machine's load printed beside it.
#
#   bench/argon2.sh
#
# Environment (all optional):
#   N              hashes (and verifications, and concurrent pairs) to time (default 20)
#   JZCORE_LIB     libjzcore.a to link (default: build a Release build-bench/ and use its one)
#   JINZHI_BIN     jinzhi binary whose start-up is timed (default: build-bench/jinzhi)
#   KEEP_TMP=1     keep the temp dir (the compiled program)
#   BENCH_TMPDIR   parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

N="${N:-20}"
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 && "$N" -le 1000 ]] || die "N must be 1..1000"

ensure_tools gcc:gcc pkg-config:pkg-config /usr/bin/time:time timeout:coreutils
if [[ -n "${JZCORE_LIB:-}" ]]; then
  LIB="$JZCORE_LIB"
  [[ "$LIB" == /* ]] || LIB="$REPO_ROOT/$LIB"
  [[ -f "$LIB" ]] || die "JZCORE_LIB=$JZCORE_LIB is not a file"
  LIB_NOTE="given by JZCORE_LIB (build type unknown to the benchmark)"
  resolve_jinzhi
else
  # The Release build of jinzhi builds the library too (build-bench/libjzcore.a).
  JINZHI_BIN_GIVEN="${JINZHI_BIN:-}"
  JINZHI_BIN="" resolve_jinzhi
  LIB="$REPO_ROOT/build-bench/libjzcore.a"
  LIB_NOTE="build-bench/ (CMAKE_BUILD_TYPE=Release)"
  if [[ -n "$JINZHI_BIN_GIVEN" ]]; then JINZHI_BIN="$JINZHI_BIN_GIVEN" resolve_jinzhi; fi
fi
[[ -f "$LIB" ]] || die "no libjzcore.a at $LIB"
make_tmp argon2

PROG="$BENCH_TMP/argon2_time"
log "compiling bench/argon2_time.c against $LIB"
# shellcheck disable=SC2046  # pkg-config output is meant to be split into words
( cd "$REPO_ROOT" &&
  gcc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -I src bench/argon2_time.c "$LIB" \
      $(pkg-config --cflags --libs libmicrohttpd jansson sqlite3 libsodium inih) -lpthread -lm \
      -o "$PROG" ) 2>"$BENCH_TMP/gcc.err" || { cat "$BENCH_TMP/gcc.err" >&2; die "compiling argon2_time failed"; }

log "timing $N hashes, $N verifications of each kind and $N pairs of concurrent hashes"
timeout --foreground 600 "$PROG" "$N" >"$BENCH_TMP/argon2.out" 2>"$BENCH_TMP/argon2.err" ||
  { cat "$BENCH_TMP/argon2.out" "$BENCH_TMP/argon2.err" >&2; die "argon2_time failed"; }

# Context: every jinzhi command calls acc_init() at start (src/main.c), i.e. one hash.
log "timing 5 runs of jinzhi --version"
STARTS=() START_RSS=()
for ((i = 0; i < 5; i++)); do
  t0="$(date +%s%N)"
  timeout --foreground 30 /usr/bin/time -f '%M' -o "$BENCH_TMP/time.out" "$JINZHI" --version \
    >/dev/null 2>&1 || die "jinzhi --version failed"
  t1="$(date +%s%N)"
  STARTS+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')")
  START_RSS+=("$(tail -n 1 "$BENCH_TMP/time.out")")
done

echo
echo "== Argon2id password hashing: parameters and cost per hash =="
machine_summary
echo "library: $LIB [$LIB_NOTE]"
echo "program: bench/argon2_time.c, gcc -O2, calls acc_init() then acc_password_hash() $N times,"
echo "         crypto_pwhash_str_verify() $N times with the right and $N with a wrong password,"
echo "         then $N pairs of acc_password_hash() in 2 threads started together"
grep -v '^RESULT' "$BENCH_TMP/argon2.out" | sed '${/^$/d}'
echo "start-up: jinzhi --version takes $(median "${STARTS[@]}") ms (median of 5, wall clock)," \
     "max RSS $(mib "$(printf '%s\n' "${START_RSS[@]}" | sort -n | tail -n 1)") MiB:" \
     "main() calls acc_init(), one hash, before any command"
echo
grep '^RESULT' "$BENCH_TMP/argon2.out" | sed "s/\$/ jinzhi_version_ms=$(median "${STARTS[@]}")/"
