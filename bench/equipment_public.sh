#!/usr/bin/env bash
# GET /e/{reg_code}, the public page of a special-equipment unit: jinzhi against nginx serving
# the same bytes from a static file, measured in the same run, alternating rounds.
# The page needs no login. The script takes an inspected elevator of the small demo DB (or
# registers one through the API), takes the page jinzhi renders as nginx's file, and measures four
# series: nginx (access_log off), nginx-log (access_log to a file), jinzhi, and jinzhi with a
# real session cookie on every request (a browser that is signed in to the console sends it;
# the public page must not pay for it).
#
#   bench/equipment_public.sh
#
# Environment (all optional):
#   JINZHI_BIN      binary to test (default: build a Release binary in build-bench/)
#   DURATION        seconds per wrk run (default 10)
#   ROUNDS          alternating rounds (default 3)
#   CONNECTIONS     wrk connections (default 64); WRK_THREADS wrk threads (default 1)
#   JINZHI_THREADS  passed to `jinzhi serve --threads`
#   BENCH_LOGIN     login of the account the script creates (default bench-wrk)
#   SEED            demo seed (default 1)
#   KEEP_TMP=1      keep the temp dir (DB, nginx config, logs) for inspection
#   BENCH_TMPDIR    parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-1}"
SEED="${SEED:-1}"
BENCH_LOGIN="${BENCH_LOGIN:-bench-wrk}"
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 1 ]] || die "DURATION must be a positive integer"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 ]] || die "ROUNDS must be 1..50"
[[ "$BENCH_LOGIN" =~ ^[a-z][a-z0-9._-]{2,40}$ ]] || die "BENCH_LOGIN must be a plain lower-case login"

ensure_tools wrk:wrk nginx:nginx-light curl:curl python3:python3 timeout:coreutils
resolve_jinzhi
make_tmp eqpub

MAX_LIFE=$(( 120 + ROUNDS * 4 * (DURATION + 5) + 4 * 2 + 60 ))

# ---------------------------------------------------------------- demo DB + jinzhi

log "creating small demo DB (seed $SEED)"
timeout --foreground 600 "$JINZHI" demo --db "$BENCH_TMP/demo.db" --scale small --seed "$SEED" \
  >"$BENCH_TMP/demo.out" 2>&1 || { cat "$BENCH_TMP/demo.out" >&2; die "jinzhi demo failed"; }
make_bench_account "$JINZHI" "$BENCH_TMP/demo.db" "$BENCH_LOGIN" "$BENCH_TMP/login.json"

JZ_PORT="$(free_port)"
BASE_URL="https://jinzhi.example.org"
JZ_ARGS=(serve --db "$BENCH_TMP/demo.db" --listen "127.0.0.1:$JZ_PORT" --web-root=)
[[ -n "${JINZHI_THREADS:-}" ]] && JZ_ARGS+=(--threads "$JINZHI_THREADS")
JZ_ERR="$BENCH_TMP/jinzhi.log"
log "starting: JINZHI_PUBLIC_BASE_URL=$BASE_URL jinzhi ${JZ_ARGS[*]} 2>$JZ_ERR"
JINZHI_PUBLIC_BASE_URL="$BASE_URL" spawn_bounded "$MAX_LIFE" "$BENCH_TMP/jinzhi.pid" \
  "$BENCH_TMP/jinzhi.stdout" "$JZ_ERR" "$JINZHI" "${JZ_ARGS[@]}"
JZ_WRAPPER=$SPAWNED
JZ_PID="$(cat "$BENCH_TMP/jinzhi.pid")"
JZ_BASE="http://127.0.0.1:$JZ_PORT"
wait_http_200 "$JZ_BASE/api/v1/health" 30 "$JZ_PID" || die "jinzhi serve did not become ready"

SESSION="$(login_session "$JZ_BASE" "$BENCH_TMP/login.json")" || die "could not sign in as $BENCH_LOGIN"
COOKIE_HDR="Cookie: jz_session=$SESSION"
CSRF="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' \
  "$BENCH_TMP/login.json.body")" || die "no csrf_token in the sign-in answer"
log "signed in as $BENCH_LOGIN (session cookie, ${#SESSION} characters)"

# api METHOD PATH [BODYFILE] — a signed-in request; the body goes to $BENCH_TMP/api.out,
# the status to stdout.
api() {
  local args=(-sS --max-time 30 -H "$COOKIE_HDR" -H "X-CSRF-Token: $CSRF" -o "$BENCH_TMP/api.out"
              -w '%{http_code}' -X "$1")
  [[ -n "${3:-}" ]] && args+=(-H 'Content-Type: application/json' --data-binary @"$3")
  curl "${args[@]}" "$JZ_BASE$2"
}

# ---------------------------------------------------------------- one elevator

# A demo elevator with a registration code, an inspection and a maintenance unit: a page with
# every line filled in, as a real sticker's. Without equipment in the demo data, one is
# registered here (an elevator of a Lhasa enterprise, with one inspection).
[[ "$(api GET '/api/v1/equipment/units?category=3&status=in_use&limit=200')" == 200 ]] ||
  { cat "$BENCH_TMP/api.out" >&2; die "could not list the demo's elevators"; }
read -r REG_CODE DEVICE < <(python3 - "$BENCH_TMP/api.out" <<'EOF'
import json, sys
items = json.load(open(sys.argv[1], encoding="utf-8"))["items"]
full = [u for u in items if u.get("reg_code") and u.get("last_inspected_on") and u.get("maintainer")]
print("%s %s" % (full[0]["reg_code"], full[0]["device_code"]) if full else "- -")
EOF
) || die "could not read the elevator list"
if [[ "$REG_CODE" == - ]]; then
  [[ "$(api GET '/api/v1/enterprises?limit=1&region=540100')" == 200 ]] ||
    { cat "$BENCH_TMP/api.out" >&2; die "could not list enterprises"; }
  USE_UNIT="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["credit_code"])' \
    "$BENCH_TMP/api.out")" || die "no enterprise in Lhasa in the demo registry"
  REG_CODE="31105401002023069901"
  DEVICE="311099999202200001"
  cat >"$BENCH_TMP/unit.json" <<EOF
{"device_code":"$DEVICE","reg_code":"$REG_CODE","category":"3110","name":"乘客电梯",
 "use_unit":"$USE_UNIT","region_code":540102,"location":"北京中路 8 号 2 号楼 1 单元",
 "maintainer":"拉萨高原电梯维保有限公司","manufacturer":"某电梯有限公司",
 "manufactured_on":"2022-11-01","commissioned_on":"2023-05-20","speed_mps":"1.75",
 "floors":18,"rated_load_kg":1000}
EOF
  code="$(api POST /api/v1/equipment/units "$BENCH_TMP/unit.json")"
  [[ "$code" == 201 ]] || { cat "$BENCH_TMP/api.out" >&2; die "registering the elevator answered $code"; }
  cat >"$BENCH_TMP/inspection.json" <<EOF
{"kind":"periodic","institution":"西藏自治区特种设备检验研究院","inspector":"检验员",
 "inspected_on":"2024-05-15","conclusion":"pass"}
EOF
  code="$(api POST "/api/v1/equipment/units/$DEVICE/inspections" "$BENCH_TMP/inspection.json")"
  [[ "$code" == 201 ]] || { cat "$BENCH_TMP/api.out" >&2; die "recording the inspection answered $code"; }
  UNIT_NOTE="registered by this script (the demo data has no elevator with an inspection)"
else
  UNIT_NOTE="a demo elevator (device $DEVICE)"
fi
PATH_Q="/e/$REG_CODE"
log "public page of elevator $REG_CODE: $UNIT_NOTE"

# The exact bytes jinzhi serves become nginx's static file.
WWW="$BENCH_TMP/www"
mkdir -p "$WWW/e"
STATIC="$WWW$PATH_Q"
JZ_CODE="$(curl -sS --max-time 10 -D "$BENCH_TMP/jz.headers" -o "$STATIC" -w '%{http_code}' "$JZ_BASE$PATH_Q")"
[[ "$JZ_CODE" == 200 ]] || die "jinzhi answered $JZ_CODE for $PATH_Q"
chmod -R a+rX "$WWW"
BODY_BYTES="$(stat -c %s "$STATIC")"
hdr() { tr -d '\r' <"$1" | awk -v k="$(tr 'A-Z' 'a-z' <<<"$2")" -F': ' 'tolower($1) == k { print substr($0, length($1) + 3) }'; }
JZ_CSP="$(hdr "$BENCH_TMP/jz.headers" Content-Security-Policy)"
JZ_CACHE="$(hdr "$BENCH_TMP/jz.headers" Cache-Control)"
JZ_ETAG="$(hdr "$BENCH_TMP/jz.headers" ETag)"
[[ -n "$JZ_CSP" && -n "$JZ_CACHE" && -n "$JZ_ETAG" ]] || die "jinzhi's page lacks CSP, Cache-Control or ETag"
# A conditional GET with the page's ETag is answered 304, without a body.
COND="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{size_download}' -H "If-None-Match: $JZ_ETAG" "$JZ_BASE$PATH_Q")"
[[ "$COND" == "304 0" ]] || die "If-None-Match: $JZ_ETAG answered '$COND', not '304 0'"
# The cookie changes nothing in the answer: same bytes, still public.
COOKIE_CACHE="$(curl -sS --max-time 10 -H "$COOKIE_HDR" -D - -o "$BENCH_TMP/cookie.body" "$JZ_BASE$PATH_Q" |
  tr -d '\r' | awk -F': ' 'tolower($1) == "cache-control" { print $2 }')"
cmp -s "$STATIC" "$BENCH_TMP/cookie.body" || die "with a session cookie the page differs"
[[ "$COOKIE_CACHE" == "$JZ_CACHE" ]] || die "with a session cookie Cache-Control is '$COOKIE_CACHE', not '$JZ_CACHE'"

# ---------------------------------------------------------------- nginx

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
    default_type "text/html; charset=utf-8";
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    open_file_cache max=64 inactive=60s;
    keepalive_requests 100000;
    keepalive_timeout 75s;
    server_tokens off;
    # The headers Jinzhi sends with the page (its CSP copied from its answer above).
    add_header Cache-Control "$JZ_CACHE";
    add_header X-Request-Id \$request_id;
    add_header X-Content-Type-Options nosniff;
    add_header Referrer-Policy no-referrer;
    add_header Content-Security-Policy "$JZ_CSP";
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

check_same() {   # check_same NAME URL — 200, same body as jinzhi's first answer
  local name="$1" url="$2" code
  code="$(curl -sS --max-time 10 -D "$BENCH_TMP/$name.headers" -o "$BENCH_TMP/$name.body" -w '%{http_code}' "$url")"
  [[ "$code" == 200 ]] || die "$name answered $code for $url"
  cmp -s "$STATIC" "$BENCH_TMP/$name.body" || die "$name body differs from jinzhi's first answer"
}
check_same jinzhi "$JZ_BASE$PATH_Q"
check_same nginx "$NG_BASE$PATH_Q"
check_same nginx-log "$NG_LOG_BASE$PATH_Q"
[[ "$(ctype "$BENCH_TMP/jinzhi.headers")" == "$(ctype "$BENCH_TMP/nginx.headers")" ]] ||
  die "Content-Type differs: jinzhi '$(ctype "$BENCH_TMP/jinzhi.headers")' vs nginx '$(ctype "$BENCH_TMP/nginx.headers")'"

# ---------------------------------------------------------------- measure

declare -A URL=([nginx]="$NG_BASE$PATH_Q" [nginx-log]="$NG_LOG_BASE$PATH_Q"
                [jinzhi]="$JZ_BASE$PATH_Q" [jinzhi+cookie]="$JZ_BASE$PATH_Q")
declare -A RPS CPU P50 P99
ERRORS=()
ORDER=(nginx nginx-log jinzhi jinzhi+cookie)

# run_series NAME SECS — wrk against NAME, with the server's CPU time around it.
run_series() {
  local name="$1" secs="$2" t0 t1 pids=() p extra=()
  if [[ "$name" == nginx* ]]; then pids=("$NG_MASTER" $(pgrep -P "$NG_MASTER" || true)); else pids=("$JZ_PID"); fi
  [[ "$name" == "jinzhi+cookie" ]] && extra=(-H "$COOKIE_HDR")
  t0=0; for p in "${pids[@]}"; do t0=$((t0 + $(cpu_ticks "$p"))); done
  wrk_run "$name" "$secs" "${URL[$name]}" "${extra[@]+"${extra[@]}"}"
  t1=0; for p in "${pids[@]}"; do t1=$((t1 + $(cpu_ticks "$p"))); done
  CPU_US="$(cpu_us_per_request "$t0" "$t1" "$WRK_REQS")"
}

log "warm-up: 2 s each"
RUN_ID=warmup
for name in "${ORDER[@]}"; do run_series "$name" 2; done

JZ_RSS_BEFORE="$(proc_kb "$JZ_PID" VmRSS)"
for ((r = 1; r <= ROUNDS; r++)); do
  rot=$(( (r - 1) % ${#ORDER[@]} ))
  this=("${ORDER[@]:rot}" "${ORDER[@]:0:rot}")
  RUN_ID="$r"
  for name in "${this[@]}"; do
    log "round $r/$ROUNDS: $name (${DURATION}s)"
    run_series "$name" "$DURATION"
    RPS["$name,$r"]="$WRK_RPS"
    CPU["$name,$r"]="$CPU_US"
  done
done

# The page still answers, and at once shows a change: a second inspection moves the due date.
cat >"$BENCH_TMP/inspection2.json" <<EOF
{"kind":"supervisory","institution":"西藏自治区特种设备检验研究院","inspector":"检验员",
 "inspected_on":"$(TZ=Asia/Shanghai date +%Y-%m-%d)","conclusion":"fail"}
EOF
code="$(api POST "/api/v1/equipment/units/$DEVICE/inspections" "$BENCH_TMP/inspection2.json")"
[[ "$code" == 201 ]] || { cat "$BENCH_TMP/api.out" >&2; die "the second inspection answered $code"; }
curl -sS --max-time 10 -o "$BENCH_TMP/after.body" "$JZ_BASE$PATH_Q"
if grep -q '检验不合格，不得使用' "$BENCH_TMP/after.body"; then
  FRESH="the failed inspection recorded after the rounds showed on the next GET"
else
  FRESH="STALE: the page did not show the failed inspection recorded after the rounds"
  ERRORS+=("$FRESH")
fi

# ---------------------------------------------------------------- memory, shutdown

JZ_HWM="$(proc_kb "$JZ_PID" VmHWM)"
JZ_RSS="$(proc_kb "$JZ_PID" VmRSS)"
NG_MASTER_HWM="$(proc_kb "$NG_MASTER" VmHWM)"
NG_WORKER_HWM=()
for w in $(pgrep -P "$NG_MASTER" || true); do NG_WORKER_HWM+=("$(proc_kb "$w" VmHWM)"); done
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
echo "== GET $PATH_Q (public equipment page): jinzhi vs nginx serving the same bytes =="
machine_summary
echo "jinzhi:  $JINZHI [$JINZHI_BUILD_NOTE]"
echo "         serve ${JZ_ARGS[*]:1} (public.base_url $BASE_URL), per-request log to a file" | sed "s|$BENCH_TMP|<tmp>|g"
echo "nginx:   $(nginx -v 2>&1 | sed 's/^nginx version: //'), worker_processes auto (${#NG_WORKER_HWM[@]} workers), static file, sendfile + open_file_cache,"
echo "         keepalive_requests 100000; add_header Cache-Control, X-Request-Id, X-Content-Type-Options, Referrer-Policy,"
echo "         Content-Security-Policy (jinzhi's own values); 'nginx-log' = access_log to a file, like jinzhi's log"
echo "load:    wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, order rotated each round, 2 s warm-up each"
echo "page:    $BODY_BYTES bytes of HTML, $UNIT_NOTE, identical from all (checked);"
echo "         header bytes jinzhi $(hdr_bytes "$BENCH_TMP/jinzhi.headers") ($(hdr_names "$BENCH_TMP/jinzhi.headers")),"
echo "         nginx $(hdr_bytes "$BENCH_TMP/nginx.headers") ($(hdr_names "$BENCH_TMP/nginx.headers"))"
echo "checks:  If-None-Match $JZ_ETAG -> 304 with no body; with a session cookie: same bytes, Cache-Control '$COOKIE_CACHE';"
echo "         $FRESH"
echo
printf '%-7s %11s %11s %11s %13s %13s %13s %13s\n' round "nginx" "nginx-log" "jinzhi" "jinzhi+cookie" "j/nginx" "j/nginx-log" "j+c/nginx"
R1=() R2=() R3=() A=() B=() C=() D=()
for ((r = 1; r <= ROUNDS; r++)); do
  a="${RPS[nginx,$r]}"; b="${RPS[nginx-log,$r]}"; c="${RPS[jinzhi,$r]}"; d="${RPS[jinzhi+cookie,$r]}"
  A+=("$a"); B+=("$b"); C+=("$c"); D+=("$d")
  R1+=("$(ratio "$c" "$a")"); R2+=("$(ratio "$c" "$b")"); R3+=("$(ratio "$d" "$a")")
  printf '%-7s %11.0f %11.0f %11.0f %13.0f %13s %13s %13s\n' "$r" "$a" "$b" "$c" "$d" "${R1[-1]}" "${R2[-1]}" "${R3[-1]}"
done
printf '%-7s %11.0f %11.0f %11.0f %13.0f %13.3f %13.3f %13.3f\n' median "$(median "${A[@]}")" "$(median "${B[@]}")" \
  "$(median "${C[@]}")" "$(median "${D[@]}")" "$(median "${R1[@]}")" "$(median "${R2[@]}")" "$(median "${R3[@]}")"
echo
echo "server CPU per request, µs (user + system from /proc/PID/stat during the run / requests wrk completed;"
echo "nginx = master + workers), median over rounds:"
for name in "${ORDER[@]}"; do
  vals=(); for ((r = 1; r <= ROUNDS; r++)); do vals+=("${CPU[$name,$r]}"); done
  printf '  %-14s %8.2f   (rounds: %s)\n' "$name" "$(median "${vals[@]}")" "${vals[*]}"
done
echo
echo "latency (wrk p50 / p99 per round):"
for ((r = 1; r <= ROUNDS; r++)); do
  line="  round $r"
  for name in "${ORDER[@]}"; do line+="  $name ${P50[$name,$r]}/${P99[$name,$r]}"; done
  echo "$line"
done
echo
echo "peak RSS after load (VmHWM):"
echo "  jinzhi serve (pid $JZ_PID): $(mib "$JZ_HWM") MiB peak; RSS $(mib "$JZ_RSS_BEFORE") MiB before the rounds, $(mib "$JZ_RSS") MiB after"
print_nginx_rss "$NG_MASTER_HWM" "${NG_WORKER_HWM[@]}"
echo "jinzhi on SIGTERM: $JZ_STOP"
print_wrk_errors
echo
printf 'RESULT equipment_public jinzhi/nginx=%.3f jinzhi/nginx-log=%.3f cookie/nginx=%.3f page_bytes=%s\n' \
  "$(median "${R1[@]}")" "$(median "${R2[@]}")" "$(median "${R3[@]}")" "$BODY_BYTES"
