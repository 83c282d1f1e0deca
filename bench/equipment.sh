#!/usr/bin/env bash
# Special equipment: the four rates (whole region and per prefecture) and the overdue list of
# one prefecture, Jinzhi (live tallies, the partial due index, eq_unit_list) against the same
# answers from the obvious SQL over the raw tables, in the same run, alternating rounds; and
# the equality of the two right after writes through the service. The work is done by
# bench/eq_bench.c (built here as the eq_bench target, linked with jzcore) on a copy of the
# large demo database, which is made once and cached.
#
#   bench/equipment.sh                 # 7 rounds
#   ROUNDS=1 bench/equipment.sh        # a quick check
#
# Environment (all optional):
#   ROUNDS        alternating rounds (default 7, 1..50)
#   SEED          demo seed (default 1)
#   PREFECTURE    prefecture whose overdue list is read (default 540100, Lhasa)
#   EQ_CACHE      the cached large demo database (default bench/.cache/equipment-large.db);
#                 made with `jinzhi demo --scale large` when missing or when the migrations,
#                 the reference data or the demo generators changed since it was made
#   REBUILD=1     make the cached database again anyway
#   KEEP_TMP=1    keep the temp dir (the working copy the writes went to)
#   BENCH_TMPDIR  parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

ROUNDS="${ROUNDS:-7}"
SEED="${SEED:-1}"
PREFECTURE="${PREFECTURE:-540100}"
EQ_CACHE="${EQ_CACHE:-$BENCH_DIR/.cache/equipment-large.db}"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 ]] || die "ROUNDS must be 1..50"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be a number"
[[ "$PREFECTURE" =~ ^[0-9]{4}00$ ]] || die "PREFECTURE must be a six-digit prefecture code"

ensure_tools cmake:cmake timeout:coreutils sha256sum:coreutils
make_tmp equipment

# ---------------------------------------------------------------- build

BUILD="$REPO_ROOT/build-bench"
log "building jinzhi and eq_bench (RelWithDebInfo) in build-bench/"
build_targets "$BUILD" jinzhi eq_bench
JINZHI="$BUILD/jinzhi"
EQ_BENCH="$BUILD/eq_bench"

# ---------------------------------------------------------------- the cached large demo

# What the cached database depends on: every migration, the reference data compiled in, the
# demo generators and the seed. A change to any of them makes it again.
KEY="$(demo_cache_key 'data/*.tsv src/modules/equipment/demo.[ch]
  src/modules/registry/demo.[ch] src/modules/equipment/seed.c')"
demo_cache "$EQ_CACHE" "$KEY"

# ---------------------------------------------------------------- the working copy

log "copying it to the temp dir (the writes of (c) go to the copy)"
WORK="$BENCH_TMP/equipment.db"
work_copy "$EQ_CACHE" "$WORK"

# ---------------------------------------------------------------- run

log "running eq_bench ($ROUNDS rounds)"
OUT="$BENCH_TMP/eq_bench.out"
timeout --foreground 7200 "$EQ_BENCH" --db "$WORK" --rounds "$ROUNDS" --prefecture "$PREFECTURE" \
  >"$OUT" || { cat "$OUT"; die "eq_bench failed (a difference between the two answers stops it: see above)"; }

echo "== special equipment: the four rates and the overdue list, tallies vs the obvious SQL =="
machine_summary
echo "build:   build-bench/ (CMAKE_BUILD_TYPE=RelWithDebInfo): jinzhi, eq_bench (bench/eq_bench.c + jzcore)"
echo "data:    $EQ_CACHE, $CACHE_NOTE; $DB_MIB MiB, copied in ${COPY_S} s"
sed 's/^/         /' "$EQ_CACHE.info"
echo "run:     eq_bench --db <copy> --rounds $ROUNDS --prefecture $PREFECTURE (one connection, the server's settings)"
echo
cat "$OUT"
