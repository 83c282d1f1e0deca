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
blog="$BENCH_TMP/build.log"
if ! ( cd "$REPO_ROOT" &&
       cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$BUILD" -j2 --target jinzhi sp_bench ) >"$blog" 2>&1; then
  tail -n 40 "$blog" >&2
  die "build failed (cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build-bench --target jinzhi sp_bench)"
fi
JINZHI="$BUILD/jinzhi"
SP_BENCH="$BUILD/sp_bench"

# ---------------------------------------------------------------- the cached large demo

# What the cached database depends on: every migration, the reference data compiled in, the
# two demo generators and the seed. A change to any of them makes it again.
cache_key() {
  {
    echo "seed=$SEED scale=large"
    (cd "$REPO_ROOT" && find src -path '*/migrations/*.sql' -print0 | sort -z |
       xargs -0 sha256sum)
    (cd "$REPO_ROOT" && sha256sum data/*.tsv src/modules/equipment/demo.[ch] \
       src/modules/registry/demo.[ch] src/modules/equipment/seed.c src/modules/sampling/demo.[ch] \
       src/modules/sampling/catalogue.c)
  } | sha256sum | cut -d' ' -f1
}

mkdir -p "$(dirname "$SP_CACHE")"
if [[ "$SP_CACHE" == "$BENCH_DIR/.cache/"* && ! -e "$BENCH_DIR/.cache/.gitignore" ]]; then
  printf '*\n' >"$BENCH_DIR/.cache/.gitignore"  # the cache stays out of git
fi
KEY="$(cache_key)"
if [[ "${REBUILD:-0}" != 1 && -s "$SP_CACHE" && -s "$SP_CACHE.audit-key" &&
      "$(cat "$SP_CACHE.key" 2>/dev/null)" == "$KEY" ]]; then
  log "reusing $SP_CACHE (made $(sed -n 's/^made=//p' "$SP_CACHE.info" 2>/dev/null))"
  CACHE_NOTE="reused (same migrations, reference data and demo generators)"
else
  log "making the large demo database (jinzhi demo --scale large --seed $SEED): a few minutes"
  rm -f "$SP_CACHE" "$SP_CACHE.key" "$SP_CACHE.info" "$SP_CACHE.audit-key" \
    "$SP_CACHE"-wal "$SP_CACHE"-shm "$SP_CACHE".tmp*
  t0=$(date +%s.%N)
  timeout --foreground 3600 "$JINZHI" demo --db "$SP_CACHE.tmp" --scale large --seed "$SEED" \
    >"$BENCH_TMP/demo.out" 2>"$BENCH_TMP/demo.err" ||
    { cat "$BENCH_TMP/demo.err" >&2; rm -f "$SP_CACHE".tmp*; die "jinzhi demo failed"; }
  t1=$(date +%s.%N)
  mv "$SP_CACHE.tmp" "$SP_CACHE"
  mv "$SP_CACHE.tmp.audit-key" "$SP_CACHE.audit-key"
  {
    echo "made=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
    echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
    grep '^jinzhi demo:' "$BENCH_TMP/demo.err" | sed 's/^/demo=/'
  } >"$SP_CACHE.info"
  printf '%s\n' "$KEY" >"$SP_CACHE.key"
  CACHE_NOTE="made by this run"
fi

# ---------------------------------------------------------------- the working copy

log "copying it to the temp dir (the writes of (d) go to the copy, and are rolled back)"
WORK="$BENCH_TMP/sampling.db"
t0=$(date +%s.%N)
cp --reflink=auto "$SP_CACHE" "$WORK"
cp "$SP_CACHE.audit-key" "$WORK.audit-key"
t1=$(date +%s.%N)
COPY_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
DB_MIB=$(du -m "$WORK" | cut -f1)

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
