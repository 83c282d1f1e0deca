#!/usr/bin/env bash
# GET /api/v1/enterprises/{credit_code}: jinzhi against nginx serving the same bytes
# from a static file, measured in the same run, alternating rounds.
# The endpoint needs a signed-in user: the script creates an account with `jinzhi user add`,
# signs in with POST /api/v1/auth/login and sends the session cookie on every request, to
# jinzhi and (where it is ignored) to nginx alike.
#
#   bench/get_enterprise.sh
#
# Environment (all optional):
#   JINZHI_BIN      binary to test (default: build a Release binary in build-bench/)
#   DURATION        seconds per wrk run (default 10)
#   ROUNDS          alternating rounds (default 3)
#   CONNECTIONS     wrk connections (default 64); WRK_THREADS wrk threads (default 1)
#   JINZHI_THREADS  passed to `jinzhi serve --threads`
#   JINZHI_LOG      where jinzhi's per-request log goes: file (default) or null
#   BENCH_LOGIN     login of the account the script creates and signs in with (default bench-wrk)
#   SEED            demo seed (default 1)
#   KEEP_TMP=1      keep the temp dir (DB, nginx config, logs) for inspection
#   BENCH_TMPDIR    parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-1}"
JINZHI_LOG="${JINZHI_LOG:-file}"
SEED="${SEED:-1}"
BENCH_LOGIN="${BENCH_LOGIN:-bench-wrk}"
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 1 ]] || die "DURATION must be a positive integer"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 ]] || die "ROUNDS must be 1..50"
[[ "$JINZHI_LOG" == file || "$JINZHI_LOG" == null ]] || die "JINZHI_LOG must be file or null"

ensure_tools wrk:wrk nginx:nginx-light curl:curl python3:python3 timeout:coreutils
resolve_jinzhi
make_tmp get

# Servers live at most as long as the whole measurement plus a margin, then stop by themselves.
MAX_LIFE=$(( 120 + ROUNDS * 3 * (DURATION + 5) + 60 ))

[[ "$BENCH_LOGIN" =~ ^[a-z][a-z0-9._-]{2,40}$ ]] || die "BENCH_LOGIN must be a plain lower-case login"
if [[ -n "${AUTH_COOKIE:-}" ]]; then
  log "WARNING: AUTH_COOKIE from the environment is ignored: the script signs in itself on a fresh DB"
fi
AUTH_COOKIE=""
CURL_AUTH=() WRK_AUTH=()

# ---------------------------------------------------------------- demo DB + jinzhi

log "creating small demo DB (seed $SEED)"
timeout --foreground 600 "$JINZHI" demo --db "$BENCH_TMP/demo.db" --scale small --seed "$SEED" \
  >"$BENCH_TMP/demo.out" 2>&1 || { cat "$BENCH_TMP/demo.out" >&2; die "jinzhi demo failed"; }

# An account for the benchmark, with a random password that stays in the temp dir (mode 600;
# given to jinzhi on stdin, never as an argument). sysadmin: the whole registry in scope.
make_bench_account "$JINZHI" "$BENCH_TMP/demo.db" "$BENCH_LOGIN" "$BENCH_TMP/login.json"

JZ_PORT="$(free_port)"
JZ_ARGS=(serve --db "$BENCH_TMP/demo.db" --listen "127.0.0.1:$JZ_PORT")
[[ -n "${JINZHI_THREADS:-}" ]] && JZ_ARGS+=(--threads "$JINZHI_THREADS")
if [[ "$JINZHI_LOG" == file ]]; then JZ_ERR="$BENCH_TMP/jinzhi.log"; else JZ_ERR=/dev/null; fi
log "starting: jinzhi ${JZ_ARGS[*]} 2>$JZ_ERR"
spawn_bounded "$MAX_LIFE" "$BENCH_TMP/jinzhi.pid" "$BENCH_TMP/jinzhi.stdout" "$JZ_ERR" \
  "$JINZHI" "${JZ_ARGS[@]}"
JZ_WRAPPER=$SPAWNED
JZ_PID="$(cat "$BENCH_TMP/jinzhi.pid")"
JZ_BASE="http://127.0.0.1:$JZ_PORT"
wait_http_200 "$JZ_BASE/api/v1/health" 30 "$JZ_PID" || die "jinzhi serve did not become ready"

# Sign in; the session cookie goes on every request from here on.
SESSION="$(login_session "$JZ_BASE" "$BENCH_TMP/login.json")" || die "could not sign in as $BENCH_LOGIN"
AUTH_COOKIE="jz_session=$SESSION"
CURL_AUTH=(-H "Cookie: $AUTH_COOKIE")
WRK_AUTH=(-H "Cookie: $AUTH_COOKIE")
log "signed in as $BENCH_LOGIN (session cookie, ${#SESSION} characters)"
# Without the cookie the endpoint must refuse: the benchmark measures the authenticated path.
NOAUTH_CODE="$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$JZ_BASE/api/v1/enterprises?limit=1" || true)"
[[ "$NOAUTH_CODE" == 401 ]] || log "WARNING: without a session the list answered $NOAUTH_CODE, not 401"

# Pick a credit code from the list endpoint.
curl -sS --max-time 10 "${CURL_AUTH[@]+"${CURL_AUTH[@]}"}" -o "$BENCH_TMP/list.json" \
  "$JZ_BASE/api/v1/enterprises?limit=1" || die "list request failed"
CODE="$(python3 - "$BENCH_TMP/list.json" <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
code = doc["items"][0]["credit_code"]
if not re.fullmatch(r"[0-9A-Z]{18}", code):
    sys.exit("unexpected credit code %r" % code)
print(code)
EOF
)" || { head -c 500 "$BENCH_TMP/list.json" >&2; echo >&2; die "could not read a credit code from the list endpoint"; }
PATH_Q="/api/v1/enterprises/$CODE"
log "credit code: $CODE"

# The exact bytes jinzhi serves become nginx's static file.
WWW="$BENCH_TMP/www"
mkdir -p "$WWW/api/v1/enterprises"
STATIC="$WWW$PATH_Q"
JZ_CODE="$(curl -sS --max-time 10 "${CURL_AUTH[@]+"${CURL_AUTH[@]}"}" -D "$BENCH_TMP/jz.headers" \
  -o "$STATIC" -w '%{http_code}' "$JZ_BASE$PATH_Q")"
[[ "$JZ_CODE" == 200 ]] || die "jinzhi answered $JZ_CODE for $PATH_Q"
chmod -R a+rX "$WWW"
BODY_BYTES="$(stat -c %s "$STATIC")"

# ---------------------------------------------------------------- nginx

# Two server blocks in one nginx: the same workers serve both, one without and one
# with an access log, so the logging cost can be seen on its own.
NG_PORT="$(free_port)"
NG_LOG_PORT="$(free_port)"
while [[ "$NG_LOG_PORT" == "$NG_PORT" || "$NG_LOG_PORT" == "$JZ_PORT" ]]; do NG_LOG_PORT="$(free_port)"; done
NGX="$BENCH_TMP/nginx"
mkdir -p "$NGX"
NGV="$(nginx -V 2>&1)"
TEMP_PATHS="client_body_temp_path $NGX/body;"
for m in proxy fastcgi uwsgi scgi; do
  grep -q -- "--without-http_${m}_module" <<<"$NGV" || TEMP_PATHS+=" ${m}_temp_path $NGX/$m;"
done
cat >"$NGX/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 4096; }
http {
    types { }
    default_type "application/json; charset=utf-8";
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    open_file_cache max=64 inactive=60s;
    keepalive_requests 100000;
    keepalive_timeout 75s;
    server_tokens off;
    # The same extra headers Jinzhi sends on every answer, so both write similar headers.
    add_header X-Request-Id \$request_id;
    add_header X-Content-Type-Options nosniff;
    add_header Referrer-Policy no-referrer;
    add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'";
    $TEMP_PATHS
    log_format jz '\$remote_addr - [\$time_local] "\$request" \$status \$body_bytes_sent \$request_time';
    server {
        listen 127.0.0.1:$NG_PORT;
        root $WWW;
        access_log off;
    }
    server {
        listen 127.0.0.1:$NG_LOG_PORT;
        root $WWW;
        access_log $NGX/access.log jz;
    }
}
EOF
nginx -t -q -p "$NGX/" -c "$NGX/nginx.conf" -e "$NGX/error.log" 2>"$NGX/configtest.err" ||
  { cat "$NGX/configtest.err" >&2; die "nginx config test failed"; }
log "starting nginx on ports $NG_PORT (access_log off) and $NG_LOG_PORT (access_log to file)"
spawn_bounded "$MAX_LIFE" "$NGX/wrapper-child.pid" "$NGX/stdout" "$NGX/stderr" \
  nginx -p "$NGX/" -c "$NGX/nginx.conf" -e "$NGX/error.log"
NG_MASTER="$(cat "$NGX/wrapper-child.pid")"
NG_BASE="http://127.0.0.1:$NG_PORT"
NG_LOG_BASE="http://127.0.0.1:$NG_LOG_PORT"
wait_http_200 "$NG_BASE$PATH_Q" 15 "$NG_MASTER" || { cat "$NGX/error.log" >&2; die "nginx did not become ready"; }
wait_http_200 "$NG_LOG_BASE$PATH_Q" 15 "$NG_MASTER" || die "nginx (logging) did not become ready"

# ---------------------------------------------------------------- same bytes?

check_same() {   # check_same NAME URL — 200, same body as jinzhi's; prints its headers
  local name="$1" url="$2" code
  code="$(curl -sS --max-time 10 "${CURL_AUTH[@]+"${CURL_AUTH[@]}"}" -D "$BENCH_TMP/$name.headers" \
    -o "$BENCH_TMP/$name.body" -w '%{http_code}' "$url")"
  [[ "$code" == 200 ]] || die "$name answered $code for $url"
  cmp -s "$STATIC" "$BENCH_TMP/$name.body" || die "$name body differs from jinzhi's first answer"
}
check_same jinzhi "$JZ_BASE$PATH_Q"        # jinzhi is stable across requests
check_same nginx "$NG_BASE$PATH_Q"
check_same nginx-log "$NG_LOG_BASE$PATH_Q"
[[ "$(ctype "$BENCH_TMP/jinzhi.headers")" == "$(ctype "$BENCH_TMP/nginx.headers")" ]] ||
  log "WARNING: Content-Type differs: jinzhi '$(ctype "$BENCH_TMP/jinzhi.headers")' vs nginx '$(ctype "$BENCH_TMP/nginx.headers")'"

# ---------------------------------------------------------------- measure

# run_wrk NAME URL SECONDS — runs wrk, sets WRK_RPS; records wrk's error lines.
# (Not called in $(...): it sets globals.)
run_wrk() {
  wrk_run "$1" "$3" "$2" "${WRK_AUTH[@]+"${WRK_AUTH[@]}"}"
}

declare -A URL=([nginx]="$NG_BASE$PATH_Q" [nginx-log]="$NG_LOG_BASE$PATH_Q" [jinzhi]="$JZ_BASE$PATH_Q")
declare -A RPS P50 P99
ERRORS=()
ORDER=(nginx nginx-log jinzhi)

log "warm-up: 2 s each"
RUN_ID=warmup
for name in "${ORDER[@]}"; do run_wrk "$name" "${URL[$name]}" 2; done

JZ_RSS_BEFORE="$(proc_kb "$JZ_PID" VmRSS)"
for ((r = 1; r <= ROUNDS; r++)); do
  # Rotate the order each round so no server always runs first or last.
  rot=$(( (r - 1) % 3 ))
  this=("${ORDER[@]:rot}" "${ORDER[@]:0:rot}")
  RUN_ID="$r"
  for name in "${this[@]}"; do
    log "round $r/$ROUNDS: $name (${DURATION}s)"
    run_wrk "$name" "${URL[$name]}" "$DURATION"
    RPS["$name,$r"]="$WRK_RPS"
  done
done

# ---------------------------------------------------------------- memory, shutdown

JZ_HWM="$(proc_kb "$JZ_PID" VmHWM)"
JZ_RSS="$(proc_kb "$JZ_PID" VmRSS)"
NG_MASTER_HWM="$(proc_kb "$NG_MASTER" VmHWM)"
NG_WORKERS=()
NG_WORKER_HWM=()
for w in $(pgrep -P "$NG_MASTER" || true); do
  NG_WORKERS+=("$w")
  NG_WORKER_HWM+=("$(proc_kb "$w" VmHWM)")
done
JZ_LOG_LINES="n/a"
[[ "$JZ_ERR" != /dev/null ]] && JZ_LOG_LINES="$(wc -l <"$JZ_ERR")"
NG_LOG_LINES="$(wc -l <"$NGX/access.log" 2>/dev/null || echo 0)"

# jinzhi must stop cleanly on SIGTERM: signal the server itself, then wait for its wrapper.
kill -TERM "$JZ_PID" 2>/dev/null || true
JZ_STOP="did not stop within 10 s of SIGTERM"
for ((i = 0; i < 100; i++)); do
  if ! kill -0 "$JZ_PID" 2>/dev/null; then
    rc=0; wait "$JZ_WRAPPER" 2>/dev/null || rc=$?
    if ((rc == 0)); then JZ_STOP="exited 0 after $(awk -v i="$i" 'BEGIN{printf "%.1f", i/10}') s"
    else JZ_STOP="exited with status $rc (128+n = killed by signal n)"; fi
    break
  fi
  sleep 0.1
done

# ---------------------------------------------------------------- report

echo
echo "== GET $PATH_Q: jinzhi vs nginx serving the same bytes =="
machine_summary
echo "jinzhi:  $JINZHI [$JINZHI_BUILD_NOTE]"
echo "         serve ${JZ_ARGS[*]:1}, per-request log to $JZ_ERR" | sed "s|$BENCH_TMP|<tmp>|g"
echo "nginx:   $(nginx -v 2>&1 | sed 's/^nginx version: //'), worker_processes auto (${#NG_WORKERS[@]} workers), static file, sendfile + open_file_cache, keepalive_requests 100000,"
echo "         add_header X-Request-Id, X-Content-Type-Options, Referrer-Policy, Content-Security-Policy (as jinzhi)"
echo "         'nginx' = access_log off; 'nginx-log' = access_log to a file (one line per request, like jinzhi)"
echo "load:    wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, order rotated each round, 2 s warm-up each${AUTH_COOKIE:+, with Cookie header}"
echo "body:    $BODY_BYTES bytes, identical from all three (checked); response header bytes:" \
     "jinzhi $(hdr_bytes "$BENCH_TMP/jinzhi.headers"), nginx $(hdr_bytes "$BENCH_TMP/nginx.headers")"
echo "ctype:   jinzhi '$(ctype "$BENCH_TMP/jinzhi.headers")', nginx '$(ctype "$BENCH_TMP/nginx.headers")'"
echo "auth:    Cookie: jz_session=<${#SESSION} chars> on every request to all three (nginx ignores it): session of"
echo "         account $BENCH_LOGIN (sysadmin) from POST /api/v1/auth/login; without it jinzhi answers $NOAUTH_CODE"
echo
printf '%-7s %14s %14s %14s %14s %16s\n' round "nginx req/s" "nginx-log req/s" "jinzhi req/s" "jinzhi/nginx" "jinzhi/nginx-log"
R1=() R2=() A=() B=() C=()
for ((r = 1; r <= ROUNDS; r++)); do
  a="${RPS[nginx,$r]}"; b="${RPS[nginx-log,$r]}"; c="${RPS[jinzhi,$r]}"
  A+=("$a"); B+=("$b"); C+=("$c")
  R1+=("$(ratio "$c" "$a")"); R2+=("$(ratio "$c" "$b")")
  printf '%-7s %14.0f %14.0f %14.0f %14s %16s\n' "$r" "$a" "$b" "$c" "${R1[-1]}" "${R2[-1]}"
done
printf '%-7s %14.0f %14.0f %14.0f %14.3f %16.3f\n' median "$(median "${A[@]}")" "$(median "${B[@]}")" \
  "$(median "${C[@]}")" "$(median "${R1[@]}")" "$(median "${R2[@]}")"
echo
echo "latency (wrk p50 / p99 per round):"
for ((r = 1; r <= ROUNDS; r++)); do
  printf '  round %-3s nginx %s / %s   nginx-log %s / %s   jinzhi %s / %s\n' "$r" \
    "${P50[nginx,$r]}" "${P99[nginx,$r]}" "${P50[nginx-log,$r]}" "${P99[nginx-log,$r]}" \
    "${P50[jinzhi,$r]}" "${P99[jinzhi,$r]}"
done
echo
echo "peak RSS after load (VmHWM):"
echo "  jinzhi serve (pid $JZ_PID): $(mib "$JZ_HWM") MiB peak; RSS $(mib "$JZ_RSS_BEFORE") MiB before the rounds, $(mib "$JZ_RSS") MiB after"
print_nginx_rss "$NG_MASTER_HWM" "${NG_WORKER_HWM[@]}"
echo "log lines written: jinzhi $JZ_LOG_LINES, nginx-log $NG_LOG_LINES"
echo "jinzhi on SIGTERM: $JZ_STOP"
print_wrk_errors
echo
printf 'RESULT get_enterprise jinzhi/nginx=%.3f jinzhi/nginx-log=%.3f jinzhi_peak_rss_mib=%s\n' \
  "$(median "${R1[@]}")" "$(median "${R2[@]}")" "$(mib "$JZ_HWM")"
