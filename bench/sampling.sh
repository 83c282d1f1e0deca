#!/usr/bin/env bash
# Supervision sampling statistics: pass rate by prefecture and by product for one year, and
# the failing items ranked, Jinzhi (live tallies sp_tally / sp_item_tally) against the same
# answers from the obvious SQL over every sample and item result, in the same run, alternating
# rounds; and the equality of the two right after a verdict is turned over (sp_tally_move).
# The work is done by bench/sp_bench.c (built here as the sp_bench target, linked with jzcore)
# on a copy of the large demo database (>= 100,000 samples, >= 1,000,000 item results), which
# is made once and cached.
#
#   bench/sampling.sh                 # 7 rounds
#   ROUNDS=1 bench/sampling.sh        # a quick check
#
# Environment (all optional):
#   ROUNDS        alternating rounds (default 7, 1..50)
#   SEED          demo seed (default 1)
#   YEAR          the year asked for (default: last year)
#   SP_CACHE      the cached large demo database (default bench/.cache/sampling-large.db);
#                 made with `jinzhi demo --scale large` when missing or when the migrations,
#                 the reference data or the demo generators changed since it was made
#   REBUILD=1     make the cached database again anyway
#   KEEP_TMP=1    keep the temp dir
#   BENCH_TMPDIR  parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

ROUNDS="${ROUNDS:-7}"
SEED="${SEED:-1}"
YEAR="${YEAR:-$(( $(TZ=Asia/Shanghai date +%Y) - 1 ))}"
SP_CACHE="${SP_CACHE:-$BENCH_DIR/.cache/sampling-large.db}"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 ]] || die "ROUNDS must be 1..50"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be a number"
[[ "$YEAR" =~ ^[0-9]{4}$ ]] || die "YEAR must be a four-digit year"

ensure_tools cmake:cmake timeout:coreutils sha256sum:coreutils
make_tmp sampling

# ---------------------------------------------------------------- build

BUILD="$REPO_ROOT/build-bench"
log "building jinzhi and sp_bench (RelWithDebInfo) in build-bench/"
build_targets "$BUILD" jinzhi sp_bench
JINZHI="$BUILD/jinzhi"
SP_BENCH="$BUILD/sp_bench"

# ---------------------------------------------------------------- the cached large demo

# What the cached database depends on: every migration, the reference data compiled in, the
# demo generators and the seed. A change to any of them makes it again.
KEY="$(demo_cache_key 'data/*.tsv src/modules/equipment/demo.[ch]
  src/modules/registry/demo.[ch] src/modules/equipment/seed.c src/modules/sampling/demo.[ch]
  src/modules/sampling/catalogue.c')"
demo_cache "$SP_CACHE" "$KEY"

# ---------------------------------------------------------------- the working copy

log "copying it to the temp dir (the writes of (d) go to the copy, and are rolled back)"
WORK="$BENCH_TMP/sampling.db"
work_copy "$SP_CACHE" "$WORK"

# ---------------------------------------------------------------- run

log "running sp_bench ($ROUNDS rounds, year $YEAR)"
OUT="$BENCH_TMP/sp_bench.out"
timeout --foreground 3600 "$SP_BENCH" --db "$WORK" --rounds "$ROUNDS" --year "$YEAR" \
  >"$OUT" || { cat "$OUT"; die "sp_bench failed (a difference between the two answers stops it: see above)"; }

echo "== supervision sampling: statistics from the tallies vs the obvious SQL =="
machine_summary
echo "build:   build-bench/ (CMAKE_BUILD_TYPE=RelWithDebInfo): jinzhi, sp_bench (bench/sp_bench.c + jzcore)"
echo "data:    $SP_CACHE, $CACHE_NOTE; $DB_MIB MiB, copied in ${COPY_S} s"
sed 's/^/         /' "$SP_CACHE.info"
echo "run:     sp_bench --db <copy> --rounds $ROUNDS --year $YEAR (one connection, the server's settings)"
echo
cat "$OUT"
