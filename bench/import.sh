#!/usr/bin/env bash
# CSV import of enterprises: `jinzhi import` against the sqlite3 shell's own `.import`
# of the same file into a bare table, measured in the same run, alternating rounds.
#
#   bench/import.sh
#
# Environment (all optional):
#   JINZHI_BIN      binary to test (default: build a Release binary in build-bench/)
#   ROWS            data rows to import (default 1000000)
#   ROUNDS          alternating rounds (default 3)
#   TABLE           jinzhi's enterprise table, for the row count (default enterprise)
#   SEED            demo seed (default 1)
#   CSV             use this existing CSV (from `jinzhi demo --csv`) instead of generating one
#   IMPORT_TIMEOUT  seconds allowed for one import (default 3600)
#   KEEP_TMP=1      keep the temp dir; BENCH_TMPDIR its parent (default /tmp)
. "$(dirname "$0")/lib.sh"

ROWS="${ROWS:-1000000}"
ROUNDS="${ROUNDS:-3}"
TABLE="${TABLE:-enterprise}"
SEED="${SEED:-1}"
IMPORT_TIMEOUT="${IMPORT_TIMEOUT:-3600}"
[[ "$ROWS" =~ ^[0-9]+$ && "$ROWS" -ge 1 ]] || die "ROWS must be a positive integer"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 ]] || die "ROUNDS must be 1..50"
[[ "$TABLE" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "TABLE must be a plain SQL identifier"

ensure_tools sqlite3:sqlite3 /usr/bin/time:time python3:python3 timeout:coreutils
resolve_jinzhi
make_tmp import

# ---------------------------------------------------------------- the CSV

if [[ -n "${CSV:-}" ]]; then
  FULL="$CSV"
  [[ -r "$FULL" ]] || die "CSV=$CSV is not readable"
  log "using existing CSV $FULL"
  GEN_NOTE="given by CSV=$CSV"
else
  FULL="$BENCH_TMP/full.csv"
  log "generating CSV: jinzhi demo --scale large --seed $SEED --csv <tmp>/full.csv"
  t0=$(date +%s%N)
  timeout --foreground "$IMPORT_TIMEOUT" "$JINZHI" demo --scale large --seed "$SEED" --csv "$FULL" \
    >"$BENCH_TMP/demo.out" 2>&1 || { tail -n 20 "$BENCH_TMP/demo.out" >&2; die "jinzhi demo --csv failed"; }
  GEN_S="$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
  GEN_NOTE="jinzhi demo --scale large --seed $SEED --csv ($GEN_S s)"
fi
[[ -s "$FULL" ]] || die "CSV $FULL is empty"

# count_records FILE — data records (header excluded), counted by a real CSV parser
# so that quoted newlines inside fields are handled.
count_records() {
  python3 - "$1" <<'EOF'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    next(r)
    print(sum(1 for _ in r))
EOF
}

# head_records FILE N — the header and the first N records, byte for byte. Like
# `head -n N+1`, but a record whose quoted field holds newlines (standards_adopted does)
# counts once: a record ends at a line end where the number of '"' seen is even.
head_records() {
  awk -v n="$2" '{ q += gsub(/"/, "\""); print; if (q % 2 == 0) { q = 0; if (++recs > n) exit } }' "$1"
}

FULL_RECORDS="$(count_records "$FULL")"
SRC="$FULL"
if (( ROWS < FULL_RECORDS )); then
  SRC="$BENCH_TMP/bench.csv"
  head_records "$FULL" "$ROWS" >"$SRC"
elif (( ROWS > FULL_RECORDS )); then
  log "WARNING: the CSV has only $FULL_RECORDS records; ROWS=$ROWS lowered to that"
  ROWS=$FULL_RECORDS
fi
N="$(count_records "$SRC")"
[[ "$N" == "$ROWS" ]] || die "could not cut the CSV to $ROWS records (got $N)"
CSV_BYTES="$(stat -c %s "$SRC")"
HEADER="$(head -n 1 "$SRC" | tr -d '\r')"
NCOLS="$(python3 -c 'import csv,sys; print(len(next(csv.reader([sys.argv[1]]))))' "$HEADER")"
log "CSV: $ROWS rows, $NCOLS columns, $CSV_BYTES bytes"

# The reference table: one TEXT column per header field, created before .import so
# that --skip 1 keeps the header out of the data.
CREATE_SQL="$(python3 -c '
import csv, sys
cols = next(csv.reader([sys.argv[1]]))
print("CREATE TABLE t(" + ", ".join("\"" + c.replace("\"", "\"\"") + "\" TEXT" for c in cols) + ");")
' "$HEADER")"

# ---------------------------------------------------------------- runs

# timed NAME RUN -- CMD... — wall time (s) into WALL, max RSS (kB) into MAXRSS, exit status into RC.
timed() {
  local name="$1" run="$2"; shift 3
  local tf="$BENCH_TMP/time-$name-$run.txt" t0 t1
  t0=$(date +%s%N)
  RC=0
  /usr/bin/time -v -o "$tf" timeout --foreground "$IMPORT_TIMEOUT" "$@" \
    >"$BENCH_TMP/out-$name-$run.txt" 2>"$BENCH_TMP/err-$name-$run.txt" || RC=$?
  t1=$(date +%s%N)
  WALL="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
  MAXRSS="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tf" 2>/dev/null || true)"
  MAXRSS="${MAXRSS:-?}"
}

db_size_mib() {   # db_size_mib DB — DB plus WAL, MiB
  local s=0 f
  for f in "$1" "$1-wal"; do [[ -f "$f" ]] && s=$((s + $(stat -c %s "$f"))); done
  awk -v s="$s" 'BEGIN { printf "%.1f", s / 1048576 }'
}

declare -A WALL_OF RSS_OF SIZE_OF
PROBLEMS=()

run_sqlite3() {
  local r="$1" db="$BENCH_TMP/ref-$r.db" cnt
  rm -f "$db"
  printf '.bail on\n%s\n.import --csv --skip 1 %s t\n' "$CREATE_SQL" "$SRC" >"$BENCH_TMP/ref.sql"
  log "round $r/$ROUNDS: sqlite3 .import"
  timed sqlite3 "$r" -- sqlite3 "$db" ".read $BENCH_TMP/ref.sql"
  [[ "$RC" == 0 ]] || { cat "$BENCH_TMP/err-sqlite3-$r.txt" >&2; die "sqlite3 .import failed (status $RC)"; }
  if [[ -s "$BENCH_TMP/err-sqlite3-$r.txt" ]]; then
    PROBLEMS+=("sqlite3 round $r stderr: $(head -c 300 "$BENCH_TMP/err-sqlite3-$r.txt" | tr '\n' ' ')")
  fi
  cnt="$(sqlite3 "$db" 'select count(*) from t')"
  [[ "$cnt" == "$ROWS" ]] || die "sqlite3 imported $cnt rows, expected $ROWS"
  WALL_OF[sqlite3,$r]="$WALL"; RSS_OF[sqlite3,$r]="$MAXRSS"; SIZE_OF[sqlite3,$r]="$(db_size_mib "$db")"
  rm -f "$db"
}

run_jinzhi() {
  local r="$1" db="$BENCH_TMP/jz-$r.db" before after
  rm -f "$db" "$db-wal" "$db-shm"
  timeout --foreground 600 "$JINZHI" migrate --db "$db" >"$BENCH_TMP/migrate-$r.txt" 2>&1 ||
    { cat "$BENCH_TMP/migrate-$r.txt" >&2; die "jinzhi migrate failed"; }
  before="$(sqlite3 "$db" "select count(*) from $TABLE" 2>&1)" ||
    die "cannot count rows in table '$TABLE' of a migrated DB ($before); set TABLE"
  log "round $r/$ROUNDS: jinzhi import"
  timed jinzhi "$r" -- "$JINZHI" import --db "$db" enterprises "$SRC"
  if [[ "$RC" != 0 ]]; then
    echo "--- stdout:" >&2; tail -n 20 "$BENCH_TMP/out-jinzhi-$r.txt" >&2
    echo "--- stderr:" >&2; tail -n 20 "$BENCH_TMP/err-jinzhi-$r.txt" >&2
    die "jinzhi import failed (status $RC)"
  fi
  after="$(sqlite3 "$db" "select count(*) from $TABLE")"
  if [[ $((after - before)) != "$ROWS" ]]; then
    PROBLEMS+=("jinzhi round $r: table $TABLE has $after rows after import ($before before), expected $ROWS more")
    log "WARNING: ${PROBLEMS[-1]}"
  fi
  WALL_OF[jinzhi,$r]="$WALL"; RSS_OF[jinzhi,$r]="$MAXRSS"; SIZE_OF[jinzhi,$r]="$(db_size_mib "$db")"
  if [[ "$r" == 1 ]]; then
    cat "$BENCH_TMP/out-jinzhi-$r.txt" "$BENCH_TMP/err-jinzhi-$r.txt" >"$BENCH_TMP/summary.txt"
  fi
  rm -f "$db" "$db-wal" "$db-shm"
}

for ((r = 1; r <= ROUNDS; r++)); do
  # Alternate which one goes first.
  if ((r % 2)); then run_sqlite3 "$r"; run_jinzhi "$r"; else run_jinzhi "$r"; run_sqlite3 "$r"; fi
done

# ---------------------------------------------------------------- report

rps() { awk -v n="$ROWS" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }

echo
echo "== import of $ROWS enterprises from CSV: jinzhi import vs sqlite3 .import =="
machine_summary
echo "jinzhi:  $JINZHI [$JINZHI_BUILD_NOTE]"
echo "CSV:     $ROWS rows x $NCOLS columns, $(awk -v b="$CSV_BYTES" 'BEGIN { printf "%.1f", b / 1048576 }') MiB; source: $GEN_NOTE"
echo "files:   $(df -T "$BENCH_TMP" | awk 'NR == 2 { print $2 }') file system under ${BENCH_TMPDIR:-/tmp}"
echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1): .import --csv --skip 1 into a bare table of $NCOLS TEXT columns (no index, no checks), defaults"
echo "jinzhi:  jinzhi import --db <fresh migrated db> enterprises FILE (validates every row, upserts by credit code)"
echo "timing:  wall clock of the whole process; jinzhi migrate not timed; order alternated per round"
echo
printf '%-7s %12s %12s %12s %12s %12s %14s\n' round "sqlite3 s" "sqlite3 r/s" "jinzhi s" "jinzhi r/s" "jinzhi/sqlite3" "jinzhi RSS MiB"
RATIOS=() SQ=() JZ=() JRSS=() SRSS=()
for ((r = 1; r <= ROUNDS; r++)); do
  s="${WALL_OF[sqlite3,$r]}"; j="${WALL_OF[jinzhi,$r]}"
  SQ+=("$(rps "$s")"); JZ+=("$(rps "$j")")
  RATIOS+=("$(ratio "${JZ[-1]}" "${SQ[-1]}")")
  JRSS+=("${RSS_OF[jinzhi,$r]}"); SRSS+=("${RSS_OF[sqlite3,$r]}")
  printf '%-7s %12s %12s %12s %12s %12s %14s\n' "$r" "$s" "${SQ[-1]}" "$j" "${JZ[-1]}" "${RATIOS[-1]}" "$(mib "${RSS_OF[jinzhi,$r]}")"
done
MAX_JRSS="$(printf '%s\n' "${JRSS[@]}" | sort -g | tail -n 1)"
MAX_SRSS="$(printf '%s\n' "${SRSS[@]}" | sort -g | tail -n 1)"
printf '%-7s %12s %12.0f %12s %12.0f %12.3f %14s\n' median "" "$(median "${SQ[@]}")" "" \
  "$(median "${JZ[@]}")" "$(median "${RATIOS[@]}")" "$(mib "$(median "${JRSS[@]}")")"
echo
echo "peak RSS (max over rounds, /usr/bin/time -v): jinzhi import $(mib "$MAX_JRSS") MiB, sqlite3 $(mib "$MAX_SRSS") MiB"
echo "DB size after import (round 1, incl. WAL): jinzhi ${SIZE_OF[jinzhi,1]} MiB, sqlite3 bare table ${SIZE_OF[sqlite3,1]} MiB"
echo "jinzhi import summary (round 1):"
sed 's/^/  | /' "$BENCH_TMP/summary.txt" | head -n 20
if ((${#PROBLEMS[@]})); then
  echo "problems:"; printf '  %s\n' "${PROBLEMS[@]}"
else
  echo "row counts: $ROWS imported by both in every round (checked with count(*))"
fi
echo
printf 'RESULT import rows=%s jinzhi/sqlite3=%.3f jinzhi_rows_per_s=%.0f jinzhi_peak_rss_mib=%s\n' \
  "$ROWS" "$(median "${RATIOS[@]}")" "$(median "${JZ[@]}")" "$(mib "$MAX_JRSS")"
