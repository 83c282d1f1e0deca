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

wrk_params
JINZHI_LOG="${JINZHI_LOG:-file}"
SEED="${SEED:-1}"
[[ "$JINZHI_LOG" == file || "$JINZHI_LOG" == null ]] || die "JINZHI_LOG must be file or null"

ensure_tools wrk:wrk nginx:nginx-light curl:curl python3:python3 timeout:coreutils
resolve_jinzhi
make_tmp get

# Servers live at most as long as the whole measurement plus a margin, then stop by themselves.
MAX_LIFE=$(( 120 + ROUNDS * 3 * (DURATION + 5) + 60 ))

bench_login_param
if [[ -n "${AUTH_COOKIE:-}" ]]; then
  log "WARNING: AUTH_COOKIE from the environment is ignored: the script signs in itself on a fresh DB"
fi
AUTH_COOKIE=""
CURL_AUTH=() WRK_AUTH=()

# ---------------------------------------------------------------- demo DB + jinzhi

small_demo "$BENCH_TMP/demo.db"

# An account for the benchmark, with a random password that stays in the temp dir (mode 600;
# given to jinzhi on stdin, never as an argument). sysadmin: the whole registry in scope.
make_bench_account "$JINZHI" "$BENCH_TMP/demo.db" "$BENCH_LOGIN" "$BENCH_TMP/login.json"

JZ_PORT="$(free_port)"
JZ_ARGS=(serve --db "$BENCH_TMP/demo.db" --listen "127.0.0.1:$JZ_PORT")
[[ -n "${JINZHI_THREADS:-}" ]] && JZ_ARGS+=(--threads "$JINZHI_THREADS")
if [[ "$JINZHI_LOG" == file ]]; then JZ_ERR="$BENCH_TMP/jinzhi.log"; else JZ_ERR=/dev/null; fi
log "starting: jinzhi ${JZ_ARGS[*]} 2>$JZ_ERR"
serve_start jinzhi "$JZ_PORT" "$JZ_ERR" 30 "$JINZHI" "${JZ_ARGS[@]}" || die "jinzhi serve did not become ready"
JZ_WRAPPER=$SERVE_WRAPPER JZ_PID=$SERVE_PID JZ_BASE=$SERVE_BASE

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
NG_PORT="$(free_port_except "$JZ_PORT")"
NG_LOG_PORT="$(free_port_except "$JZ_PORT" "$NG_PORT")"
nginx_prepare
{ nginx_conf_head '"application/json; charset=utf-8"'; cat <<EOF
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
} >"$NGX/nginx.conf"
NG_BASE="http://127.0.0.1:$NG_PORT"
NG_LOG_BASE="http://127.0.0.1:$NG_LOG_PORT"
nginx_start "starting nginx on ports $NG_PORT (access_log off) and $NG_LOG_PORT (access_log to file)" "$NG_BASE$PATH_Q"
wait_http_200 "$NG_LOG_BASE$PATH_Q" 15 "$NG_MASTER" || die "nginx (logging) did not become ready"

# ---------------------------------------------------------------- same bytes?

# check_same NAME URL — 200, the same body as jinzhi's first answer; headers saved.
check_same() { fetch_same "$1" "$2" "$STATIC" "${CURL_AUTH[@]+"${CURL_AUTH[@]}"}"; }
check_same jinzhi "$JZ_BASE$PATH_Q"        # jinzhi is stable across requests
check_same nginx "$NG_BASE$PATH_Q"
check_same nginx-log "$NG_LOG_BASE$PATH_Q"
[[ "$(ctype "$BENCH_TMP/jinzhi.headers")" == "$(ctype "$BENCH_TMP/nginx.headers")" ]] ||
  log "WARNING: Content-Type differs: jinzhi '$(ctype "$BENCH_TMP/jinzhi.headers")' vs nginx '$(ctype "$BENCH_TMP/nginx.headers")'"

# ---------------------------------------------------------------- measure

# run_wrk NAME SECONDS — runs wrk against NAME with the session cookie, sets WRK_RPS;
# records wrk's error lines. (Not called in $(...): it sets globals.)
run_wrk() {
  wrk_run "$1" "$2" "${URL[$1]}" "${WRK_AUTH[@]+"${WRK_AUTH[@]}"}"
}

declare -A URL=([nginx]="$NG_BASE$PATH_Q" [nginx-log]="$NG_LOG_BASE$PATH_Q" [jinzhi]="$JZ_BASE$PATH_Q")
declare -A RPS P50 P99
ERRORS=()
ORDER=(nginx nginx-log jinzhi)

wrk_warmup run_wrk "${ORDER[@]}"
JZ_RSS_BEFORE="$(proc_kb "$JZ_PID" VmRSS)"
wrk_rounds run_wrk "${ORDER[@]}"

# ---------------------------------------------------------------- memory, shutdown

JZ_HWM="$(proc_kb "$JZ_PID" VmHWM)"
JZ_RSS="$(proc_kb "$JZ_PID" VmRSS)"
nginx_hwm
JZ_LOG_LINES="n/a"
[[ "$JZ_ERR" != /dev/null ]] && JZ_LOG_LINES="$(wc -l <"$JZ_ERR")"
NG_LOG_LINES="$(wc -l <"$NGX/access.log" 2>/dev/null || echo 0)"

# jinzhi must stop cleanly on SIGTERM: signal the server itself, then wait for its wrapper.
serve_stop "$JZ_PID" "$JZ_WRAPPER"
JZ_STOP="$SERVE_STOP"

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
