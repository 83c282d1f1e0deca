#!/usr/bin/env bash
# GET /v/{licence_no}, public licence verification: jinzhi against nginx serving the same bytes
# from static files, measured in the same run, alternating rounds; the HTML page and the JSON
# answer (Accept: application/json) each against nginx serving that very answer.
#
# The database is the licensing demo (`jinzhi demo --licensing large`: about 100,000
# licences; LICENSING=small for the small one). Two jinzhi servers read the same file: one with
# the public rate limit OFF (public.rate_limit 0), the measured comparison with nginx, and one
# with it ON at a limit far above what wrk can send (6,000,000 a minute, burst 100,000: every
# request takes a token from the one bucket of 127.0.0.1, none is refused), to show the
# limiter's cost.
#
#   bench/licensing_public.sh
#
# Environment (all optional):
#   JINZHI_BIN      binary to test (default: build a Release binary in build-bench/)
#   LICENSING       demo size: large (default) or small
#   DURATION        seconds per wrk run (default 10)
#   ROUNDS          alternating rounds (default 3)
#   CONNECTIONS     wrk connections (default 64); WRK_THREADS wrk threads (default 1)
#   JINZHI_THREADS  passed to `jinzhi serve --threads`
#   SEED            demo seed (default 1)
#   KEEP_TMP=1      keep the temp dir (DB, nginx config, logs) for inspection
#   BENCH_TMPDIR    parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-1}"
SEED="${SEED:-1}"
LICENSING="${LICENSING:-large}"
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 1 ]] || die "DURATION must be a positive integer"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 ]] || die "ROUNDS must be 1..50"
[[ "$LICENSING" == large || "$LICENSING" == small ]] || die "LICENSING must be large or small"

ensure_tools wrk:wrk nginx:nginx-light curl:curl python3:python3 timeout:coreutils
resolve_jinzhi
make_tmp lcpub

ORDER=(nginx-html jinzhi-html jinzhi-rl-html nginx-json jinzhi-json jinzhi-rl-json)
MAX_LIFE=$(( 900 + ROUNDS * ${#ORDER[@]} * (DURATION + 5) + ${#ORDER[@]} * 2 + 60 ))

# ---------------------------------------------------------------- demo DB + jinzhi

"$JINZHI" demo --help 2>&1 | grep -q -- '--licensing' ||
  die "this jinzhi has no 'demo --licensing': the licensing demo is needed for licences"
log "creating the demo DB: jinzhi demo --scale small --licensing $LICENSING --seed $SEED"
T0=$(date +%s.%N)
timeout --foreground 900 "$JINZHI" demo --db "$BENCH_TMP/demo.db" --scale small \
  --licensing "$LICENSING" --seed "$SEED" >"$BENCH_TMP/demo.out" 2>&1 ||
  { tail -n 30 "$BENCH_TMP/demo.out" >&2; die "jinzhi demo failed"; }
DEMO_S=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
NLIC="$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM lc_licence").fetchone()[0])' \
  "$BENCH_TMP/demo.db")" || die "cannot count the demo's licences"
[[ "$NLIC" -gt 0 ]] || die "the demo made no licences"
log "demo: $NLIC licences in ${DEMO_S}s"

BASE_URL="https://jinzhi.example.org"
JZ_ERR="$BENCH_TMP/jinzhi.log"
JZ_RL_ERR="$BENCH_TMP/jinzhi-rl.log"
JZ_PORT="$(free_port)"
JZ_RL_PORT="$(free_port)"
while [[ "$JZ_RL_PORT" == "$JZ_PORT" ]]; do JZ_RL_PORT="$(free_port)"; done
JZ_ARGS=(serve --db "$BENCH_TMP/demo.db" --listen "127.0.0.1:$JZ_PORT" --web-root= --public-rate-limit 0)
JZ_RL_ARGS=(serve --db "$BENCH_TMP/demo.db" --listen "127.0.0.1:$JZ_RL_PORT" --web-root=
            --public-rate-limit 6000000 --public-rate-burst 100000)
if [[ -n "${JINZHI_THREADS:-}" ]]; then
  JZ_ARGS+=(--threads "$JINZHI_THREADS"); JZ_RL_ARGS+=(--threads "$JINZHI_THREADS")
fi
log "starting: JINZHI_PUBLIC_BASE_URL=$BASE_URL jinzhi ${JZ_ARGS[*]}"
JINZHI_PUBLIC_BASE_URL="$BASE_URL" spawn_bounded "$MAX_LIFE" "$BENCH_TMP/jinzhi.pid" \
  "$BENCH_TMP/jinzhi.stdout" "$JZ_ERR" "$JINZHI" "${JZ_ARGS[@]}"
JZ_WRAPPER=$SPAWNED
JZ_PID="$(cat "$BENCH_TMP/jinzhi.pid")"
log "starting: JINZHI_PUBLIC_BASE_URL=$BASE_URL jinzhi ${JZ_RL_ARGS[*]}"
JINZHI_PUBLIC_BASE_URL="$BASE_URL" spawn_bounded "$MAX_LIFE" "$BENCH_TMP/jinzhi-rl.pid" \
  "$BENCH_TMP/jinzhi-rl.stdout" "$JZ_RL_ERR" "$JINZHI" "${JZ_RL_ARGS[@]}"
JZ_RL_PID="$(cat "$BENCH_TMP/jinzhi-rl.pid")"
JZ_BASE="http://127.0.0.1:$JZ_PORT"
JZ_RL_BASE="http://127.0.0.1:$JZ_RL_PORT"
wait_http_200 "$JZ_BASE/api/v1/health" 60 "$JZ_PID" || die "jinzhi serve did not become ready"
wait_http_200 "$JZ_RL_BASE/api/v1/health" 60 "$JZ_RL_PID" || die "jinzhi serve (limited) did not become ready"

# ---------------------------------------------------------------- one licence

# A valid food licence from the public list, in the middle of the table (not the first row).
curl -sS --max-time 30 -o "$BENCH_TMP/list.json" \
  "$JZ_BASE/api/v1/public/licences?kind=food&status=valid&limit=100" || die "the public list failed"
LICENCE="$(python3 -c 'import json,sys; it=json.load(open(sys.argv[1]))["items"]; print(it[len(it)//2]["licence_no"] if it else "-")' \
  "$BENCH_TMP/list.json")" || die "cannot read the public list"
[[ "$LICENCE" =~ ^SC[0-9]{14}$ ]] || die "no valid food licence in the public list (got '$LICENCE')"
PATH_Q="/v/$LICENCE"
log "verifying licence $LICENCE"

# The exact bytes jinzhi serves become nginx's files: the page at the same path, the JSON
# answer at /j/<number>.
WWW="$BENCH_TMP/www"
mkdir -p "$WWW/v" "$WWW/j"
STATIC_HTML="$WWW$PATH_Q"
STATIC_JSON="$WWW/j/$LICENCE.json"
code="$(curl -sS --max-time 10 -D "$BENCH_TMP/jz-html.headers" -o "$STATIC_HTML" -w '%{http_code}' "$JZ_BASE$PATH_Q")"
[[ "$code" == 200 ]] || die "jinzhi answered $code for $PATH_Q"
code="$(curl -sS --max-time 10 -H 'Accept: application/json' -D "$BENCH_TMP/jz-json.headers" \
  -o "$STATIC_JSON" -w '%{http_code}' "$JZ_BASE$PATH_Q")"
[[ "$code" == 200 ]] || die "jinzhi answered $code for $PATH_Q (JSON)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="valid", d' "$STATIC_JSON" ||
  die "the JSON answer is not a valid licence"
chmod -R a+rX "$WWW"
HTML_BYTES="$(stat -c %s "$STATIC_HTML")"
JSON_BYTES="$(stat -c %s "$STATIC_JSON")"
hdr() { tr -d '\r' <"$1" | awk -v k="$(tr 'A-Z' 'a-z' <<<"$2")" -F': ' 'tolower($1) == k { print substr($0, length($1) + 3) }'; }
HTML_CSP="$(hdr "$BENCH_TMP/jz-html.headers" Content-Security-Policy)"
JSON_CSP="$(hdr "$BENCH_TMP/jz-json.headers" Content-Security-Policy)"
JZ_CACHE="$(hdr "$BENCH_TMP/jz-html.headers" Cache-Control)"
JZ_ETAG="$(hdr "$BENCH_TMP/jz-html.headers" ETag)"
[[ -n "$HTML_CSP" && -n "$JSON_CSP" && -n "$JZ_CACHE" && -n "$JZ_ETAG" ]] ||
  die "jinzhi's answer lacks CSP, Cache-Control or ETag"
COND="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{size_download}' -H "If-None-Match: $JZ_ETAG" "$JZ_BASE$PATH_Q")"
[[ "$COND" == "304 0" ]] || die "If-None-Match: $JZ_ETAG answered '$COND', not '304 0'"

# ---------------------------------------------------------------- nginx

NG_PORT="$(free_port)"
while [[ "$NG_PORT" == "$JZ_PORT" || "$NG_PORT" == "$JZ_RL_PORT" ]]; do NG_PORT="$(free_port)"; done
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
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    open_file_cache max=64 inactive=60s;
    keepalive_requests 100000;
    keepalive_timeout 75s;
    server_tokens off;
    access_log off;
    $TEMP_PATHS
    server {
        listen 127.0.0.1:$NG_PORT;
        root $WWW;
        # The headers jinzhi sends with each answer (its CSP copied from its own).
        location /v/ {
            default_type "text/html; charset=utf-8";
            add_header Cache-Control "$JZ_CACHE";
            add_header Vary Accept;
            add_header X-Request-Id \$request_id;
            add_header X-Content-Type-Options nosniff;
            add_header Referrer-Policy no-referrer;
            add_header Content-Security-Policy "$HTML_CSP";
        }
        location /j/ {
            default_type "application/json; charset=utf-8";
            add_header Cache-Control "$JZ_CACHE";
            add_header Vary Accept;
            add_header X-Request-Id \$request_id;
            add_header X-Content-Type-Options nosniff;
            add_header Referrer-Policy no-referrer;
            add_header Content-Security-Policy "$JSON_CSP";
        }
    }
}
EOF
nginx -t -q -p "$NGX/" -c "$NGX/nginx.conf" -e "$NGX/error.log" 2>"$NGX/configtest.err" ||
  { cat "$NGX/configtest.err" >&2; die "nginx config test failed"; }
log "starting nginx on port $NG_PORT (access_log off)"
spawn_bounded "$MAX_LIFE" "$NGX/wrapper-child.pid" "$NGX/stdout" "$NGX/stderr" \
  nginx -p "$NGX/" -c "$NGX/nginx.conf" -e "$NGX/error.log"
NG_MASTER="$(cat "$NGX/wrapper-child.pid")"
NG_BASE="http://127.0.0.1:$NG_PORT"
wait_http_200 "$NG_BASE$PATH_Q" 15 "$NG_MASTER" || { cat "$NGX/error.log" >&2; die "nginx did not become ready"; }

# ---------------------------------------------------------------- same bytes?

declare -A URL=([nginx-html]="$NG_BASE$PATH_Q" [jinzhi-html]="$JZ_BASE$PATH_Q"
                [jinzhi-rl-html]="$JZ_RL_BASE$PATH_Q" [nginx-json]="$NG_BASE/j/$LICENCE.json"
                [jinzhi-json]="$JZ_BASE$PATH_Q" [jinzhi-rl-json]="$JZ_RL_BASE$PATH_Q")
declare -A STATIC=([html]="$STATIC_HTML" [json]="$STATIC_JSON")

# extra_of NAME — wrk/curl header arguments of a series.
extra_of() { [[ "$1" == jinzhi*-json ]] && printf '%s\n' -H 'Accept: application/json'; }

for name in "${ORDER[@]}"; do
  mapfile -t extra < <(extra_of "$name")
  code="$(curl -sS --max-time 10 "${extra[@]+"${extra[@]}"}" -D "$BENCH_TMP/$name.headers" \
    -o "$BENCH_TMP/$name.body" -w '%{http_code}' "${URL[$name]}")"
  [[ "$code" == 200 ]] || die "$name answered $code for ${URL[$name]}"
  cmp -s "${STATIC[${name##*-}]}" "$BENCH_TMP/$name.body" || die "$name body differs from jinzhi's first answer"
done
for kind in html json; do
  [[ "$(ctype "$BENCH_TMP/nginx-$kind.headers")" == "$(ctype "$BENCH_TMP/jinzhi-$kind.headers")" ]] ||
    die "Content-Type ($kind) differs: nginx '$(ctype "$BENCH_TMP/nginx-$kind.headers")', jinzhi '$(ctype "$BENCH_TMP/jinzhi-$kind.headers")'"
done

# ---------------------------------------------------------------- measure

declare -A RPS CPU P50 P99
ERRORS=()

run_series() {
  local name="$1" secs="$2" t0 t1 pids=() p extra=()
  case "$name" in
    nginx*) pids=("$NG_MASTER" $(pgrep -P "$NG_MASTER" || true)) ;;
    jinzhi-rl*) pids=("$JZ_RL_PID") ;;
    *) pids=("$JZ_PID") ;;
  esac
  mapfile -t extra < <(extra_of "$name")
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

# A change shows at once: suspend the licence from another process, then GET.
python3 - "$BENCH_TMP/demo.db" "$LICENCE" <<'EOF' || die "could not suspend the licence"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
with c:
    c.execute("UPDATE lc_licence SET status = 'suspended', status_reason = 'bench', "
              "status_on = '2026-01-01' WHERE licence_no = ?", (sys.argv[2],))
EOF
if curl -sS --max-time 10 "$JZ_BASE$PATH_Q" | grep -q '许可证已暂停'; then
  FRESH="a suspension written by another process after the rounds showed on the next GET"
else
  FRESH="STALE: the suspension written after the rounds did not show"
  ERRORS+=("$FRESH")
fi

JZ_HWM="$(proc_kb "$JZ_PID" VmHWM)"
JZ_RSS="$(proc_kb "$JZ_PID" VmRSS)"
JZ_RL_HWM="$(proc_kb "$JZ_RL_PID" VmHWM)"
NG_MASTER_HWM="$(proc_kb "$NG_MASTER" VmHWM)"
NG_WORKER_HWM=()
for w in $(pgrep -P "$NG_MASTER" || true); do NG_WORKER_HWM+=("$(proc_kb "$w" VmHWM)"); done
kill -TERM "$JZ_PID" 2>/dev/null || true
JZ_STOP="did not stop within 10 s of SIGTERM"
for ((i = 0; i < 100; i++)); do
  if ! kill -0 "$JZ_PID" 2>/dev/null; then
    rc=0; wait "$JZ_WRAPPER" 2>/dev/null || rc=$?
    if ((rc == 0)); then JZ_STOP="exited 0 after $(awk -v i="$i" 'BEGIN{printf "%.1f", i/10}') s"
    else JZ_STOP="exited with status $rc"; fi
    break
  fi
  sleep 0.1
done

# ---------------------------------------------------------------- report

col_median() { local vals=() r; for ((r = 1; r <= ROUNDS; r++)); do vals+=("${RPS[$1,$r]}"); done; median "${vals[@]}"; }
ratio_median() { local vals=() r; for ((r = 1; r <= ROUNDS; r++)); do vals+=("$(ratio "${RPS[$1,$r]}" "${RPS[$2,$r]}")"); done; median "${vals[@]}"; }

echo
echo "== GET $PATH_Q (public licence verification): jinzhi vs nginx serving the same bytes =="
machine_summary
echo "jinzhi:  $JINZHI [$JINZHI_BUILD_NOTE]"
echo "         'jinzhi':    serve ${JZ_ARGS[*]:1} — rate limit OFF" | sed "s|$BENCH_TMP|<tmp>|g"
echo "         'jinzhi-rl': serve ${JZ_RL_ARGS[*]:1} — rate limit ON (every request takes a token; none refused)" | sed "s|$BENCH_TMP|<tmp>|g"
echo "         both: public.base_url $BASE_URL, per-request log to a file, the same DB file"
echo "data:    jinzhi demo --scale small --licensing $LICENSING --seed $SEED: $NLIC licences (made in ${DEMO_S}s)"
echo "nginx:   $(nginx -v 2>&1 | sed 's/^nginx version: //'), worker_processes auto (${#NG_WORKER_HWM[@]} workers), static files, sendfile +"
echo "         open_file_cache, access_log off, keepalive_requests 100000; add_header Cache-Control, Vary, X-Request-Id,"
echo "         X-Content-Type-Options, Referrer-Policy, Content-Security-Policy (jinzhi's own values)"
echo "load:    wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, order rotated each round, 2 s warm-up each;"
echo "         JSON series: jinzhi with Accept: application/json, nginx the same bytes from /j/$LICENCE.json"
echo "answers: HTML $HTML_BYTES bytes, JSON $JSON_BYTES bytes, identical from all servers (checked);"
echo "         header bytes (HTML) jinzhi $(hdr_bytes "$BENCH_TMP/jinzhi-html.headers"), nginx $(hdr_bytes "$BENCH_TMP/nginx-html.headers")"
echo "checks:  If-None-Match $JZ_ETAG -> 304 with no body; $FRESH"
echo
printf '%-7s' round; for name in "${ORDER[@]}"; do printf ' %14s' "$name"; done; echo
for ((r = 1; r <= ROUNDS; r++)); do
  printf '%-7s' "$r"; for name in "${ORDER[@]}"; do printf ' %14.0f' "${RPS[$name,$r]}"; done; echo
done
printf '%-7s' median; for name in "${ORDER[@]}"; do printf ' %14.0f' "$(col_median "$name")"; done; echo
echo
RH="$(ratio_median jinzhi-html nginx-html)"; RJ="$(ratio_median jinzhi-json nginx-json)"
RLH="$(ratio_median jinzhi-rl-html nginx-html)"; RLJ="$(ratio_median jinzhi-rl-json nginx-json)"
CH="$(ratio_median jinzhi-rl-html jinzhi-html)"; CJ="$(ratio_median jinzhi-rl-json jinzhi-json)"
echo "median of per-round ratios:"
echo "  HTML: jinzhi/nginx $RH   jinzhi-rl/nginx $RLH   jinzhi-rl/jinzhi $CH"
echo "  JSON: jinzhi/nginx $RJ   jinzhi-rl/nginx $RLJ   jinzhi-rl/jinzhi $CJ"
echo
echo "server CPU per request, µs (user + system during the run / requests; nginx = master + workers), median:"
for name in "${ORDER[@]}"; do
  vals=(); for ((r = 1; r <= ROUNDS; r++)); do vals+=("${CPU[$name,$r]}"); done
  printf '  %-15s %8.2f   (rounds: %s)\n' "$name" "$(median "${vals[@]}")" "${vals[*]}"
done
echo
echo "latency (wrk p50 / p99 per round):"
for ((r = 1; r <= ROUNDS; r++)); do
  line="  round $r"
  for name in "${ORDER[@]}"; do line+="  $name ${P50[$name,$r]}/${P99[$name,$r]}"; done
  echo "$line"
done
echo
echo "peak RSS (VmHWM): jinzhi $(mib "$JZ_HWM") MiB (RSS $(mib "$JZ_RSS_BEFORE") before the rounds, $(mib "$JZ_RSS") after);"
echo "  jinzhi-rl $(mib "$JZ_RL_HWM") MiB (the limiter's table: 65,536 addresses, 2.5 MiB)"
print_nginx_rss "$NG_MASTER_HWM" "${NG_WORKER_HWM[@]}"
echo "jinzhi on SIGTERM: $JZ_STOP"
print_wrk_errors
echo
printf 'RESULT licensing_public html=%s json=%s rl_html=%s rl_json=%s rl_cost_html=%s rl_cost_json=%s licences=%s\n' \
  "$RH" "$RJ" "$RLH" "$RLJ" "$CH" "$CJ" "$NLIC"
