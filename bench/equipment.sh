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
blog="$BENCH_TMP/build.log"
if ! ( cd "$REPO_ROOT" &&
       cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$BUILD" -j2 --target jinzhi eq_bench ) >"$blog" 2>&1; then
  tail -n 40 "$blog" >&2
  die "build failed (cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build-bench --target jinzhi eq_bench)"
fi
JINZHI="$BUILD/jinzhi"
EQ_BENCH="$BUILD/eq_bench"

# ---------------------------------------------------------------- the cached large demo

# What the cached database depends on: every migration, the reference data compiled in, the
# two demo generators and the seed. A change to any of them makes it again.
cache_key() {
  {
    echo "seed=$SEED scale=large"
    (cd "$REPO_ROOT" && find src -path '*/migrations/*.sql' -print0 | sort -z |
       xargs -0 sha256sum)
    (cd "$REPO_ROOT" && sha256sum data/*.tsv src/modules/equipment/demo.[ch] \
       src/modules/registry/demo.[ch] src/modules/equipment/seed.c)
  } | sha256sum | cut -d' ' -f1
}

mkdir -p "$(dirname "$EQ_CACHE")"
if [[ "$EQ_CACHE" == "$BENCH_DIR/.cache/"* && ! -e "$BENCH_DIR/.cache/.gitignore" ]]; then
  printf '*\n' >"$BENCH_DIR/.cache/.gitignore"  # the cache stays out of git
fi
KEY="$(cache_key)"
if [[ "${REBUILD:-0}" != 1 && -s "$EQ_CACHE" && -s "$EQ_CACHE.audit-key" &&
      "$(cat "$EQ_CACHE.key" 2>/dev/null)" == "$KEY" ]]; then
  log "reusing $EQ_CACHE (made $(sed -n 's/^made=//p' "$EQ_CACHE.info" 2>/dev/null))"
  CACHE_NOTE="reused (same migrations, reference data and demo generators)"
else
  log "making the large demo database (jinzhi demo --scale large --seed $SEED): a few minutes"
  rm -f "$EQ_CACHE" "$EQ_CACHE.key" "$EQ_CACHE.info" "$EQ_CACHE.audit-key" \
    "$EQ_CACHE"-wal "$EQ_CACHE"-shm "$EQ_CACHE".tmp*
  t0=$(date +%s.%N)
  timeout --foreground 3600 "$JINZHI" demo --db "$EQ_CACHE.tmp" --scale large --seed "$SEED" \
    >"$BENCH_TMP/demo.out" 2>"$BENCH_TMP/demo.err" ||
    { cat "$BENCH_TMP/demo.err" >&2; rm -f "$EQ_CACHE".tmp*; die "jinzhi demo failed"; }
  t1=$(date +%s.%N)
  mv "$EQ_CACHE.tmp" "$EQ_CACHE"
  mv "$EQ_CACHE.tmp.audit-key" "$EQ_CACHE.audit-key"
  {
    echo "made=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
    echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
    grep '^jinzhi demo:' "$BENCH_TMP/demo.err" | sed 's/^/demo=/'
  } >"$EQ_CACHE.info"
  printf '%s\n' "$KEY" >"$EQ_CACHE.key"
  CACHE_NOTE="made by this run"
fi

# ---------------------------------------------------------------- the working copy

log "copying it to the temp dir (the writes of (c) go to the copy)"
WORK="$BENCH_TMP/equipment.db"
t0=$(date +%s.%N)
cp --reflink=auto "$EQ_CACHE" "$WORK"
cp "$EQ_CACHE.audit-key" "$WORK.audit-key"
t1=$(date +%s.%N)
COPY_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
DB_MIB=$(du -m "$WORK" | cut -f1)

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
