#!/usr/bin/env bash
# Sampling: the verifiable double-random draw. Draws COUNT of CANDIDATES synthetic producers
# (weights 1 or 3) with INSPECTORS inspectors, two each, by sp_draw_run (a Fenwick tree over the
# weights, O(count log n)) and by sp_draw_run_naive (the cumulative scan, O(count n)),
# alternating in the same process, ROUNDS times: the median of each and their ratio. The two
# must agree to the byte every round (bench/sp_draw_bench.c checks it), and two independent
# runs of the program must print the same SHA-256 of the result JSON: reproducible to the byte.
#
#   bench/sampling_draw.sh                 # 5 rounds, 1,000 of 1,000,000, 200 inspectors
#   ROUNDS=1 bench/sampling_draw.sh        # a quick check
#
# Environment (all optional):
#   ROUNDS        rounds of each draw in each run (default 5, 1..50)
#   CANDIDATES    candidates (default 1000000)
#   COUNT         producers drawn (default 1000)
#   INSPECTORS    inspectors (default 200)
#   BUILD_DIR     the build folder (default build-bench/, RelWithDebInfo)
#   BENCH_TMPDIR  parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

ROUNDS="${ROUNDS:-5}"
CANDIDATES="${CANDIDATES:-1000000}"
COUNT="${COUNT:-1000}"
INSPECTORS="${INSPECTORS:-200}"
BUILD="${BUILD_DIR:-$REPO_ROOT/build-bench}"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 ]] || die "ROUNDS must be 1..50"
[[ "$CANDIDATES" =~ ^[0-9]+$ && "$CANDIDATES" -ge 1 && "$CANDIDATES" -le 2000000 ]] ||
  die "CANDIDATES must be 1..2000000"
[[ "$COUNT" =~ ^[0-9]+$ && "$COUNT" -ge 1 && "$COUNT" -le "$CANDIDATES" && "$COUNT" -le 10000 ]] ||
  die "COUNT must be 1..min(CANDIDATES, 10000)"
[[ "$INSPECTORS" =~ ^[0-9]+$ && "$INSPECTORS" -ge 3 && "$INSPECTORS" -le 10000 ]] ||
  die "INSPECTORS must be 3..10000"

ensure_tools cmake:cmake timeout:coreutils
make_tmp sampling-draw

# ---------------------------------------------------------------- build

log "building sp_draw_bench (RelWithDebInfo) in $BUILD"
build_targets "$BUILD" sp_draw_bench
SP_DRAW_BENCH="$BUILD/sp_draw_bench"

# ---------------------------------------------------------------- run

ARGS=(--rounds "$ROUNDS" --candidates "$CANDIDATES" --count "$COUNT" --inspectors "$INSPECTORS")
for run in 1 2; do
  log "run $run: sp_draw_bench ${ARGS[*]}"
  timeout --foreground 3600 "$SP_DRAW_BENCH" "${ARGS[@]}" >"$BENCH_TMP/run$run.out" ||
    { cat "$BENCH_TMP/run$run.out"; die "sp_draw_bench failed (the two draws differ, or bad arguments)"; }
done
field() { awk -v k="$1" '$1 == k { print $2 }' "$BENCH_TMP/run$2.out"; }
H1=$(field result_sha256 1)
H2=$(field result_sha256 2)
[[ -n "$H1" && "$H1" == "$H2" ]] || die "the two runs' results differ: $H1 vs $H2"

echo "== sampling: the double-random draw, Fenwick tree vs cumulative scan =="
machine_summary
echo "build:   $BUILD (CMAKE_BUILD_TYPE=RelWithDebInfo): sp_draw_bench (bench/sp_draw_bench.c + jzcore)"
echo "run:     sp_draw_bench ${ARGS[*]}, twice"
echo
printf '%-34s %12s %12s\n' "" "run 1" "run 2"
printf '%-34s %12s %12s\n' "sp_draw_run (Fenwick), median ms" "$(field fenwick_ms 1)" "$(field fenwick_ms 2)"
printf '%-34s %12s %12s\n' "sp_draw_run_naive, median ms" "$(field naive_ms 1)" "$(field naive_ms 2)"
printf '%-34s %12s %12s\n' "naive / Fenwick" "$(field ratio 1)" "$(field ratio 2)"
echo
echo "result SHA-256, run 1: $H1"
echo "result SHA-256, run 2: $H2 (equal: reproducible to the byte)"
