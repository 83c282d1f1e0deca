# Shared helpers for the Jinzhi benchmarks. Source it; do not run it.
#
#   . "$(dirname "$0")/lib.sh"
#
# Everything here is bounded: every wait has a deadline, every server is started
# under `timeout` with a maximum lifetime, and the EXIT/INT/TERM trap stops what
# the script started (and only that), even when the script fails half-way.

set -Eeuo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"

# ---------------------------------------------------------------- messages

log()  { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools

# ensure_tools CMD:PKG ...  — install the Debian package of every missing command.
# Only runs apt-get when something is actually missing.
ensure_tools() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    if [[ "$cmd" == /* ]]; then
      [[ -x "$cmd" ]] || missing+=("$pkg")
    else
      command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing missing tools: ${missing[*]}"
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------- jinzhi binary

# resolve_jinzhi — sets JINZHI to an absolute path of a runnable binary.
# JINZHI_BIN given: use it as is. Not given: build a Release binary in build-bench/.
resolve_jinzhi() {
  if [[ -n "${JINZHI_BIN:-}" ]]; then
    JINZHI="$JINZHI_BIN"
    [[ "$JINZHI" == /* ]] || JINZHI="$REPO_ROOT/$JINZHI"
    [[ -x "$JINZHI" ]] || die "JINZHI_BIN=$JINZHI_BIN is not an executable file"
    JINZHI_BUILD_NOTE="given by JINZHI_BIN (build type unknown to the benchmark)"
  else
    ensure_tools cmake:cmake
    log "building Release binary in build-bench/ (set JINZHI_BIN to skip)"
    local blog
    blog="$(mktemp "${BENCH_TMPDIR:-/tmp}/jinzhi-bench-build.XXXXXX")"
    if ! ( cd "$REPO_ROOT" &&
           cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release &&
           cmake --build build-bench -j2 --target jinzhi ) >"$blog" 2>&1; then
      tail -n 40 "$blog" >&2
      rm -f "$blog"
      die "Release build failed (cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release && cmake --build build-bench -j2)"
    fi
    rm -f "$blog"
    JINZHI="$REPO_ROOT/build-bench/jinzhi"
    JINZHI_BUILD_NOTE="build-bench/ (CMAKE_BUILD_TYPE=Release)"
  fi
  [[ -x "$JINZHI" ]] || die "no jinzhi binary at $JINZHI"
}

# build_targets BUILD TARGET... — build the targets in BUILD as RelWithDebInfo (output to
# $BENCH_TMP/build.log; its tail and a message on failure).
build_targets() {
  local build="$1"; shift
  local blog="$BENCH_TMP/build.log"
  if ! ( cd "$REPO_ROOT" &&
         cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
         cmake --build "$build" -j2 --target "$@" ) >"$blog" 2>&1; then
    tail -n 40 "$blog" >&2
    die "build failed (cmake -S . -B $build -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build $build --target $*)"
  fi
}

# ---------------------------------------------------------------- parameters

# wrk_params — DURATION (default 10), ROUNDS (default 3, 1..50), CONNECTIONS (default 64) and
# WRK_THREADS (default 1) from the environment, checked.
wrk_params() {
  DURATION="${DURATION:-10}"
  ROUNDS="${ROUNDS:-3}"
  CONNECTIONS="${CONNECTIONS:-64}"
  WRK_THREADS="${WRK_THREADS:-1}"
  [[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 1 ]] || die "DURATION must be a positive integer"
  [[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 ]] || die "ROUNDS must be 1..50"
}

# bench_login_param — BENCH_LOGIN (default bench-wrk) from the environment, checked.
bench_login_param() {
  BENCH_LOGIN="${BENCH_LOGIN:-bench-wrk}"
  [[ "$BENCH_LOGIN" =~ ^[a-z][a-z0-9._-]{2,40}$ ]] || die "BENCH_LOGIN must be a plain lower-case login"
}

# ---------------------------------------------------------------- temp dir + cleanup

BENCH_PIDS=()          # processes this script started (the `timeout` wrappers)
BENCH_LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
BENCH_TMP=""

# make_tmp NAME — create the run's temp dir (under BENCH_TMPDIR, default /tmp).
make_tmp() {
  BENCH_TMP="$(mktemp -d "${BENCH_TMPDIR:-/tmp}/jinzhi-bench-$1.XXXXXX")"
  chmod 755 "$BENCH_TMP"   # nginx workers run as nobody and must reach the doc root
}

# stop_pid PID [NAME] — SIGTERM, wait up to STOP_WAIT seconds, then SIGKILL.
# Returns 0 when it stopped on SIGTERM, 1 when it needed SIGKILL, 2 when it was gone.
stop_pid() {
  local pid="$1" name="${2:-process}" i
  kill -0 "$pid" 2>/dev/null || return 2
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < ${STOP_WAIT:-10} * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  log "WARNING: $name (pid $pid) did not stop within ${STOP_WAIT:-10}s of SIGTERM; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return 1
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}"; do
    stop_pid "$pid" "pid $pid" || true
  done
  if [[ -n "$BENCH_TMP" && -d "$BENCH_TMP" ]]; then
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then
      log "kept temp dir $BENCH_TMP"
    else
      rm -rf "$BENCH_TMP"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# spawn_bounded MAXSECS PIDFILE OUTFILE ERRFILE CMD... — start CMD in the background
# under `timeout MAXSECS`, so it ends by itself even if this script is killed with
# SIGKILL. The real process id of CMD is written to PIDFILE (the wrapper execs it);
# the wrapper's pid is registered for cleanup and left in $SPAWNED.
spawn_bounded() {
  local max="$1" pidfile="$2" out="$3" err="$4"; shift 4
  timeout --kill-after=5 "$max" bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" \
    </dev/null >"$out" 2>"$err" &
  SPAWNED=$!
  BENCH_PIDS+=("$SPAWNED")
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.05
  done
  die "process did not start: $*"
}

# ---------------------------------------------------------------- jinzhi serve

# small_demo DB — `jinzhi demo --scale small --seed $SEED` into DB (bounded, output to
# $BENCH_TMP/demo.out, shown on failure).
small_demo() {
  log "creating small demo DB (seed $SEED)"
  timeout --foreground 600 "$JINZHI" demo --db "$1" --scale small --seed "$SEED" \
    >"$BENCH_TMP/demo.out" 2>&1 || { cat "$BENCH_TMP/demo.out" >&2; die "jinzhi demo failed"; }
}

# serve_start NAME PORT ERRFILE WAIT_SECS BINARY ARGS... — start BINARY ARGS (a `serve` on
# 127.0.0.1:PORT) under spawn_bounded for MAX_LIFE seconds, stdout to $BENCH_TMP/NAME.stdout,
# stderr to ERRFILE; sets SERVE_PID (the server), SERVE_WRAPPER (its timeout wrapper) and
# SERVE_BASE (http://127.0.0.1:PORT), then waits up to WAIT_SECS for /api/v1/health to answer
# 200: returns 1 when it does not (the caller says what failed).
# shellcheck disable=SC2034  # SERVE_* are for the calling script
serve_start() {
  local name="$1" port="$2" err="$3" wait_s="$4"; shift 4
  spawn_bounded "$MAX_LIFE" "$BENCH_TMP/$name.pid" "$BENCH_TMP/$name.stdout" "$err" "$@"
  SERVE_WRAPPER=$SPAWNED
  SERVE_PID="$(cat "$BENCH_TMP/$name.pid")"
  SERVE_BASE="http://127.0.0.1:$port"
  wait_http_200 "$SERVE_BASE/api/v1/health" "$wait_s" "$SERVE_PID"
}

# serve_stop PID WRAPPER — SIGTERM to the server PID, wait up to 10 s; sets SERVE_STOP to how it
# ended ("exited 0 after N s", "exited with status N ...", or that it did not stop).
# shellcheck disable=SC2034  # SERVE_STOP is for the calling script
serve_stop() {
  local pid="$1" wrapper="$2" i rc
  kill -TERM "$pid" 2>/dev/null || true
  SERVE_STOP="did not stop within 10 s of SIGTERM"
  for ((i = 0; i < 100; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rc=0; wait "$wrapper" 2>/dev/null || rc=$?
      if ((rc == 0)); then SERVE_STOP="exited 0 after $(awk -v i="$i" 'BEGIN{printf "%.1f", i/10}') s"
      else SERVE_STOP="exited with status $rc (128+n = killed by signal n)"; fi
      break
    fi
    sleep 0.1
  done
}

# ---------------------------------------------------------------- nginx

# nginx_prepare — makes $BENCH_TMP/nginx (NGX) and sets NGV (nginx -V) and TEMP_PATHS (the temp
# path directives of the modules this nginx has, all inside NGX).
nginx_prepare() {
  local m
  NGX="$BENCH_TMP/nginx"
  mkdir -p "$NGX"
  NGV="$(nginx -V 2>&1)"
  TEMP_PATHS="client_body_temp_path $NGX/body;"
  for m in proxy fastcgi uwsgi scgi; do
    grep -q -- "--without-http_${m}_module" <<<"$NGV" || TEMP_PATHS+=" ${m}_temp_path $NGX/$m;"
  done
}

# nginx_conf_head [DEFAULT_TYPE] — the start of every benchmark nginx.conf, up to and inside
# `http {`: one master in the foreground, its files in NGX, workers = cores, static files with
# sendfile and an open-file cache, long keep-alive. The caller writes the rest and the
# closing brace.
nginx_conf_head() {
  cat <<EOF
worker_processes auto;
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 4096; }
http {
    types { }
EOF
  [[ -z "${1:-}" ]] || printf '    default_type %s;\n' "$1"
  cat <<EOF
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    open_file_cache max=64 inactive=60s;
    keepalive_requests 100000;
    keepalive_timeout 75s;
    server_tokens off;
EOF
}

# nginx_start MESSAGE READY_URL — test $NGX/nginx.conf, start nginx under spawn_bounded for
# MAX_LIFE seconds, wait up to 15 s for READY_URL to answer 200; sets NG_MASTER.
nginx_start() {
  nginx -t -q -p "$NGX/" -c "$NGX/nginx.conf" -e "$NGX/error.log" 2>"$NGX/configtest.err" ||
    { cat "$NGX/configtest.err" >&2; die "nginx config test failed"; }
  log "$1"
  spawn_bounded "$MAX_LIFE" "$NGX/wrapper-child.pid" "$NGX/stdout" "$NGX/stderr" \
    nginx -p "$NGX/" -c "$NGX/nginx.conf" -e "$NGX/error.log"
  NG_MASTER="$(cat "$NGX/wrapper-child.pid")"
  wait_http_200 "$2" 15 "$NG_MASTER" || { cat "$NGX/error.log" >&2; die "nginx did not become ready"; }
}

# nginx_hwm — NG_WORKERS (nginx's workers now), NG_MASTER_HWM and NG_WORKER_HWM (their VmHWM).
# shellcheck disable=SC2034  # NG_* are for the calling script
nginx_hwm() {
  local w
  NG_MASTER_HWM="$(proc_kb "$NG_MASTER" VmHWM)"
  NG_WORKERS=() NG_WORKER_HWM=()
  for w in $(pgrep -P "$NG_MASTER" || true); do
    NG_WORKERS+=("$w")
    NG_WORKER_HWM+=("$(proc_kb "$w" VmHWM)")
  done
}

# fetch_same NAME URL EXPECTED_FILE [curl options...] — GET URL into $BENCH_TMP/NAME.body and
# .headers (raw: curl decompresses nothing without --compressed); dies unless the answer is 200
# with a body byte-identical to EXPECTED_FILE.
fetch_same() {
  local name="$1" url="$2" want="$3" code; shift 3
  code="$(curl -sS --max-time 10 "$@" -D "$BENCH_TMP/$name.headers" \
    -o "$BENCH_TMP/$name.body" -w '%{http_code}' "$url")"
  [[ "$code" == 200 ]] || die "$name answered $code for $url"
  cmp -s "$want" "$BENCH_TMP/$name.body" ||
    die "$name: body of $url differs from ${want#"$BENCH_TMP/"} ($(stat -c %s "$BENCH_TMP/$name.body") bytes)"
}

# ---------------------------------------------------------------- network

# free_port — print a TCP port on 127.0.0.1 that is free right now.
free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# free_port_except PORT... — a free port (as free_port) that is none of PORT....
free_port_except() {
  local port used again=1
  while ((again)); do
    port="$(free_port)"; again=0
    for used in "$@"; do [[ "$port" == "$used" ]] && again=1; done
  done
  printf '%s\n' "$port"
}

# wait_http_200 URL TIMEOUT_SECS [PID] — poll until URL answers 200; fail on timeout
# or when PID (the server) has died.
wait_http_200() {
  local url="$1" timeout_s="$2" pid="${3:-}" code i
  for ((i = 0; i < timeout_s * 10; i++)); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true)"
    [[ "$code" == 200 ]] && return 0
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      log "server (pid $pid) exited before $url answered 200"
      return 1
    fi
    sleep 0.1
  done
  log "timeout: $url did not answer 200 within ${timeout_s}s (last status: ${code:-none})"
  return 1
}

# ---------------------------------------------------------------- accounts

# make_bench_account JINZHI DB LOGIN JSONFILE — create a sysadmin account LOGIN in DB with
# `jinzhi user add --password-stdin --no-force-change` and a random password, and write the
# login body {"login","password"} to JSONFILE (mode 600, in the run's temp dir). The password
# goes to jinzhi on stdin, never as an argument.
make_bench_account() {
  local jz="$1" db="$2" login="$3" json="$4"
  python3 - "$json" "$login" <<'PYEOF' || die "could not write $json"
import json, os, secrets, sys
pw = "Wrk-" + secrets.token_urlsafe(18) + "-9a"   # upper, lower, digits, others; not the login
for path, text in ((sys.argv[1], json.dumps({"login": sys.argv[2], "password": pw})),
                   (sys.argv[1] + ".pw", pw + "\n")):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
PYEOF
  log "creating account $login (sysadmin, unit 540000) with jinzhi user add"
  if ! timeout --foreground 60 "$jz" user add "$login" --db "$db" --name "Benchmark" \
        --unit 540000 --role sysadmin --password-stdin --no-force-change \
        <"$json.pw" >"$json.user.out" 2>&1; then
    cat "$json.user.out" >&2
    rm -f "$json.pw"
    die "jinzhi user add failed"
  fi
  rm -f "$json.pw"
}

# login_session BASE JSONFILE — POST JSONFILE to BASE/api/v1/auth/login; print the value of
# the jz_session cookie it sets. Fails (after a message) unless the answer is 200 with one.
login_session() {
  local base="$1" json="$2" code value
  code="$(curl -sS --max-time 10 -H 'Content-Type: application/json' --data-binary @"$json" \
    -D "$json.headers" -o "$json.body" -w '%{http_code}' "$base/api/v1/auth/login")" ||
    { log "login request failed"; return 1; }
  if [[ "$code" != 200 ]]; then
    log "login answered $code: $(head -c 300 "$json.body")"
    return 1
  fi
  value="$(tr -d '\r' <"$json.headers" |
    sed -n 's/^[Ss]et-[Cc]ookie: *jz_session=\([A-Za-z0-9_-]\{20,\}\);.*/\1/p' | head -n 1)"
  [[ -n "$value" ]] || { log "no jz_session cookie in the login answer"; return 1; }
  printf '%s\n' "$value"
}

# ---------------------------------------------------------------- numbers

# median N... — median of the numbers (mean of the middle two for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) printf "%.10g\n", a[(NR + 1) / 2]
    else        printf "%.10g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ratio A B — A/B with 3 decimals ("nan" when B is 0 or empty).
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "nan"; else printf "%.3f\n", a / b }'
}

# proc_kb PID FIELD — a kB field (VmHWM, VmRSS) from /proc/PID/status, or "?".
proc_kb() {
  awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print "?" }' \
    "/proc/$1/status" 2>/dev/null || echo "?"
}

# mib KB — kB to MiB with one decimal.
mib() {
  [[ "$1" =~ ^[0-9]+$ ]] || { echo "?"; return; }
  awk -v k="$1" 'BEGIN { printf "%.1f\n", k / 1024 }'
}

# ---------------------------------------------------------------- wrk

# The caller declares: declare -A P50 P99; ERRORS=(); and sets RUN_ID, WRK_THREADS, CONNECTIONS.
CLK_TCK="$(getconf CLK_TCK)"

# wrk_run NAME SECS URL [wrk options...] — runs wrk (bounded) into
# $BENCH_TMP/wrk-NAME-RUN_ID.txt and reads it: sets WRK_OUT, WRK_RPS, WRK_REQS,
# P50[NAME,RUN_ID] and P99[NAME,RUN_ID], and records wrk's error lines in ERRORS.
# (Not called in $(...): it sets globals.)
wrk_run() {
  local name="$1" secs="$2" url="$3" bad
  shift 3
  WRK_OUT="$BENCH_TMP/wrk-$name-$RUN_ID.txt"
  timeout --foreground $((secs + 30)) wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency \
    "$@" "$url" >"$WRK_OUT" 2>&1 || { cat "$WRK_OUT" >&2; die "wrk failed against $name"; }
  bad="$(grep -E 'Non-2xx or 3xx responses|Socket errors' "$WRK_OUT" || true)"
  if [[ -n "$bad" ]]; then
    log "WARNING: $name run $RUN_ID: $(tr '\n' ';' <<<"$bad")"
    ERRORS+=("$name run $RUN_ID: $(tr '\n' ';' <<<"$bad")")
  fi
  WRK_RPS="$(awk '/^Requests\/sec:/ { print $2 }' "$WRK_OUT")"
  [[ -n "$WRK_RPS" ]] || { cat "$WRK_OUT" >&2; die "could not parse Requests/sec from wrk ($name)"; }
  WRK_REQS="$(awk '/ requests in / { print $1 }' "$WRK_OUT")"
  P50["$name,$RUN_ID"]="$(awk '$1 == "50%" { print $2 }' "$WRK_OUT")"
  P99["$name,$RUN_ID"]="$(awk '$1 == "99%" { print $2 }' "$WRK_OUT")"
}

# cpu_us_per_request T0 T1 REQUESTS — server CPU (clock ticks T0..T1) per request, in µs.
cpu_us_per_request() {
  awk -v a="$1" -v b="$2" -v n="$3" -v hz="$CLK_TCK" \
    'BEGIN { if (n + 0 == 0) print "nan"; else printf "%.2f\n", (b - a) / hz * 1e6 / n }'
}

# cpu_ticks PID — user + system clock ticks of a process so far (0 when it is gone).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# ticks_of PID... — cpu_ticks summed over the processes.
ticks_of() {
  local t=0 p
  for p in "$@"; do t=$((t + $(cpu_ticks "$p"))); done
  echo "$t"
}

# nginx_pids — nginx's master and workers, space-separated.
nginx_pids() {
  local workers
  workers="$(pgrep -P "$NG_MASTER" | tr '\n' ' ' || true)"
  echo "$NG_MASTER $workers"
}

# wrk_cpu NAME SECS URL "PID..." [wrk options...] — wrk_run, and the CPU the processes PID...
# (the server) spent meanwhile per request completed, in µs, into CPU[NAME,RUN_ID] (the caller
# declares CPU). (Not called in $(...): it sets globals.)
wrk_cpu() {
  local name="$1" secs="$2" url="$3" pid_list t0
  read -ra pid_list <<<"$4"
  shift 4
  t0="$(ticks_of "${pid_list[@]}")"
  wrk_run "$name" "$secs" "$url" "$@"
  CPU["$name,$RUN_ID"]="$(cpu_us_per_request "$t0" "$(ticks_of "${pid_list[@]}")" "$WRK_REQS")"
}

# wrk_warmup SERIES NAME... — SERIES NAME 2 for each NAME, with RUN_ID=warmup.
# wrk_rounds SERIES NAME... — ROUNDS rounds (RUN_ID 1..ROUNDS) of SERIES NAME DURATION for each
# NAME, the order rotated by one each round so that no series always runs first or last; stores
# RPS[NAME,round] from WRK_RPS. SERIES is a function that runs wrk_run (it may store more per
# round under RUN_ID). (Not called in $(...): they set globals.)
wrk_warmup() {
  local series="$1" name; shift
  log "warm-up: 2 s each"
  RUN_ID=warmup
  for name in "$@"; do "$series" "$name" 2; done
}
wrk_rounds() {
  local series="$1" order r rot name this; shift
  order=("$@")
  for ((r = 1; r <= ROUNDS; r++)); do
    rot=$(( (r - 1) % ${#order[@]} ))
    this=("${order[@]:rot}" "${order[@]:0:rot}")
    RUN_ID="$r"
    for name in "${this[@]}"; do
      log "round $r/$ROUNDS: $name (${DURATION}s)"
      "$series" "$name" "$DURATION"
      RPS["$name,$r"]="$WRK_RPS"
    done
  done
}

# Per-round figures (rounds 1..ROUNDS of an array KEYED "NAME,round"):
# round_median ARRAY NAME — their median; ratio_median A B — median of the per-round ratios
# RPS[A,r]/RPS[B,r]; round_list ARRAY NAME — them, space-separated.
round_median() {
  local -n arr="$1"
  local vals=() r
  for ((r = 1; r <= ROUNDS; r++)); do vals+=("${arr[$2,$r]}"); done
  median "${vals[@]}"
}
ratio_median() {
  local vals=() r
  for ((r = 1; r <= ROUNDS; r++)); do vals+=("$(ratio "${RPS[$1,$r]}" "${RPS[$2,$r]}")"); done
  median "${vals[@]}"
}
round_list() {
  local -n arr="$1"
  local vals=() r
  for ((r = 1; r <= ROUNDS; r++)); do vals+=("${arr[$2,$r]}"); done
  echo "${vals[*]}"
}

# print_latency NAME... — wrk's p50 / p99 of each series, a line per round.
print_latency() {
  local r name line
  echo "latency (wrk p50 / p99 per round):"
  for ((r = 1; r <= ROUNDS; r++)); do
    line="  round $r"
    for name in "$@"; do line+="  $name ${P50[$name,$r]}/${P99[$name,$r]}"; done
    echo "$line"
  done
}

# hdr FILE NAME — the value of header NAME (any case) in a saved header block; the first one.
hdr() {
  tr -d '\r' <"$1" | awk -v k="$2" -F': ' \
    'tolower($1) == tolower(k) { print substr($0, length($1) + 3); exit }'
}

# Saved response header blocks (curl -D FILE): hdr_bytes FILE — their size; hdr_names FILE —
# the header names; ctype FILE — the Content-Type.
hdr_bytes() { tr -d '\r' <"$1" | awk 'NF' | wc -c; }
hdr_names() { tr -d '\r' <"$1" | awk -F': ' 'NR > 1 && NF { printf "%s%s", sep, $1; sep = " " }'; }
ctype() { tr -d '\r' <"$1" | awk -F': ' 'tolower($1) == "content-type" { print $2 }'; }

# print_wrk_errors — the closing line about wrk's errors (ERRORS).
print_wrk_errors() {
  if ((${#ERRORS[@]})); then
    echo "wrk reported errors:"; printf '  %s\n' "${ERRORS[@]}"
  else
    echo "wrk errors: none (no non-2xx responses, no socket errors)"
  fi
}

# print_nginx_rss MASTER_KB WORKER_KB... — nginx's peak RSS line.
print_nginx_rss() {
  local line="  nginx master $(mib "$1") MiB; workers:" w
  shift
  for w in "$@"; do line+=" $(mib "$w")"; done
  echo "$line MiB"
}

# machine_summary — one block describing the machine, for the output header.
machine_summary() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')," \
       "$(free -h | awk '/^Mem:/ {print $2}') RAM, kernel $(uname -r)"
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "load:    1/5/15-min load average ${BENCH_LOAD_START:-?} at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the machine shows here)"
  local rev dirty=""
  rev="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [[ -n "$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]] && dirty=" + uncommitted changes"
  echo "source:  commit $rev$dirty"
}

# ---------------------------------------------------------------- the cached large demo

# demo_cache_key FILE-PATTERN... — what a cached large demo database depends on: the seed
# ($SEED), every migration, and the files the patterns name below the repository (the
# reference data and the demo generators). A change to any of them makes it again.
demo_cache_key() {
  {
    echo "seed=$SEED scale=large"
    (cd "$REPO_ROOT" && find src -path '*/migrations/*.sql' -print0 | sort -z |
       xargs -0 sha256sum)
    # shellcheck disable=SC2048,SC2086  # the patterns are expanded in the repository
    (cd "$REPO_ROOT" && sha256sum $*)
  } | sha256sum | cut -d' ' -f1
}

# demo_cache CACHE KEY — makes CACHE (with CACHE.audit-key, .info and .key) with
# `$JINZHI demo --scale large --seed $SEED` unless REBUILD=1 is unset and CACHE was made
# under the same KEY; sets CACHE_NOTE to what happened. Under bench/.cache/ it stays out of git.
# shellcheck disable=SC2034  # CACHE_NOTE is for the calling script
demo_cache() {
  local cache="$1" key="$2" t0 t1
  mkdir -p "$(dirname "$cache")"
  if [[ "$cache" == "$BENCH_DIR/.cache/"* && ! -e "$BENCH_DIR/.cache/.gitignore" ]]; then
    printf '*\n' >"$BENCH_DIR/.cache/.gitignore"  # the cache stays out of git
  fi
  if [[ "${REBUILD:-0}" != 1 && -s "$cache" && -s "$cache.audit-key" &&
        "$(cat "$cache.key" 2>/dev/null)" == "$key" ]]; then
    log "reusing $cache (made $(sed -n 's/^made=//p' "$cache.info" 2>/dev/null))"
    CACHE_NOTE="reused (same migrations, reference data and demo generators)"
    return 0
  fi
  log "making the large demo database (jinzhi demo --scale large --seed $SEED): a few minutes"
  rm -f "$cache" "$cache.key" "$cache.info" "$cache.audit-key" \
    "$cache"-wal "$cache"-shm "$cache".tmp*
  t0=$(date +%s.%N)
  timeout --foreground 3600 "$JINZHI" demo --db "$cache.tmp" --scale large --seed "$SEED" \
    >"$BENCH_TMP/demo.out" 2>"$BENCH_TMP/demo.err" ||
    { cat "$BENCH_TMP/demo.err" >&2; rm -f "$cache".tmp*; die "jinzhi demo failed"; }
  t1=$(date +%s.%N)
  mv "$cache.tmp" "$cache"
  mv "$cache.tmp.audit-key" "$cache.audit-key"
  {
    echo "made=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
    echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
    grep '^jinzhi demo:' "$BENCH_TMP/demo.err" | sed 's/^/demo=/'
  } >"$cache.info"
  printf '%s\n' "$key" >"$cache.key"
  CACHE_NOTE="made by this run"
}

# work_copy CACHE WORK — copies the database CACHE (and its audit key) to WORK; sets COPY_S
# (seconds the copy took) and DB_MIB (its size).
# shellcheck disable=SC2034  # COPY_S and DB_MIB are for the calling script
work_copy() {
  local t0 t1
  t0=$(date +%s.%N)
  cp --reflink=auto "$1" "$2"
  cp "$1.audit-key" "$2.audit-key"
  t1=$(date +%s.%N)
  COPY_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  DB_MIB=$(du -m "$2" | cut -f1)
}
