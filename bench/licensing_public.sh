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

wrk_params
SEED="${SEED:-1}"
LICENSING="${LICENSING:-large}"
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
JZ_RL_PORT="$(free_port_except "$JZ_PORT")"
JZ_ARGS=(serve --db "$BENCH_TMP/demo.db" --listen "127.0.0.1:$JZ_PORT" --web-root= --public-rate-limit 0)
JZ_RL_ARGS=(serve --db "$BENCH_TMP/demo.db" --listen "127.0.0.1:$JZ_RL_PORT" --web-root=
            --public-rate-limit 6000000 --public-rate-burst 100000)
if [[ -n "${JINZHI_THREADS:-}" ]]; then
  JZ_ARGS+=(--threads "$JINZHI_THREADS"); JZ_RL_ARGS+=(--threads "$JINZHI_THREADS")
fi
log "starting: JINZHI_PUBLIC_BASE_URL=$BASE_URL jinzhi ${JZ_ARGS[*]}"
JINZHI_PUBLIC_BASE_URL="$BASE_URL" serve_start jinzhi "$JZ_PORT" "$JZ_ERR" 60 "$JINZHI" "${JZ_ARGS[@]}" ||
  die "jinzhi serve did not become ready"
JZ_WRAPPER=$SERVE_WRAPPER JZ_PID=$SERVE_PID JZ_BASE=$SERVE_BASE
log "starting: JINZHI_PUBLIC_BASE_URL=$BASE_URL jinzhi ${JZ_RL_ARGS[*]}"
JINZHI_PUBLIC_BASE_URL="$BASE_URL" serve_start jinzhi-rl "$JZ_RL_PORT" "$JZ_RL_ERR" 60 "$JINZHI" "${JZ_RL_ARGS[@]}" ||
  die "jinzhi serve (limited) did not become ready"
JZ_RL_PID=$SERVE_PID JZ_RL_BASE=$SERVE_BASE

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
HTML_CSP="$(hdr "$BENCH_TMP/jz-html.headers" Content-Security-Policy)"
JSON_CSP="$(hdr "$BENCH_TMP/jz-json.headers" Content-Security-Policy)"
JZ_CACHE="$(hdr "$BENCH_TMP/jz-html.headers" Cache-Control)"
JZ_ETAG="$(hdr "$BENCH_TMP/jz-html.headers" ETag)"
[[ -n "$HTML_CSP" && -n "$JSON_CSP" && -n "$JZ_CACHE" && -n "$JZ_ETAG" ]] ||
  die "jinzhi's answer lacks CSP, Cache-Control or ETag"
COND="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{size_download}' -H "If-None-Match: $JZ_ETAG" "$JZ_BASE$PATH_Q")"
[[ "$COND" == "304 0" ]] || die "If-None-Match: $JZ_ETAG answered '$COND', not '304 0'"

# ---------------------------------------------------------------- nginx

NG_PORT="$(free_port_except "$JZ_PORT" "$JZ_RL_PORT")"
nginx_prepare
{ nginx_conf_head ""; cat <<EOF
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
} >"$NGX/nginx.conf"
NG_BASE="http://127.0.0.1:$NG_PORT"
nginx_start "starting nginx on port $NG_PORT (access_log off)" "$NG_BASE$PATH_Q"

# ---------------------------------------------------------------- same bytes?

declare -A URL=([nginx-html]="$NG_BASE$PATH_Q" [jinzhi-html]="$JZ_BASE$PATH_Q"
                [jinzhi-rl-html]="$JZ_RL_BASE$PATH_Q" [nginx-json]="$NG_BASE/j/$LICENCE.json"
                [jinzhi-json]="$JZ_BASE$PATH_Q" [jinzhi-rl-json]="$JZ_RL_BASE$PATH_Q")
declare -A STATIC=([html]="$STATIC_HTML" [json]="$STATIC_JSON")

# extra_of NAME — wrk/curl header arguments of a series.
extra_of() { [[ "$1" == jinzhi*-json ]] && printf '%s\n' -H 'Accept: application/json'; }

for name in "${ORDER[@]}"; do
  mapfile -t extra < <(extra_of "$name")
  fetch_same "$name" "${URL[$name]}" "${STATIC[${name##*-}]}" "${extra[@]+"${extra[@]}"}"
done
for kind in html json; do
  [[ "$(ctype "$BENCH_TMP/nginx-$kind.headers")" == "$(ctype "$BENCH_TMP/jinzhi-$kind.headers")" ]] ||
    die "Content-Type ($kind) differs: nginx '$(ctype "$BENCH_TMP/nginx-$kind.headers")', jinzhi '$(ctype "$BENCH_TMP/jinzhi-$kind.headers")'"
done

# ---------------------------------------------------------------- measure

# shellcheck disable=SC2034  # CPU is filled by wrk_cpu, read by round_median and round_list
declare -A RPS CPU P50 P99
ERRORS=()

# run_series NAME SECS — wrk against NAME; CPU[NAME,RUN_ID] = the server's CPU µs per request.
run_series() {
  local name="$1" server extra=()
  case "$name" in
    nginx*) server="$(nginx_pids)" ;;
    jinzhi-rl*) server="$JZ_RL_PID" ;;
    *) server="$JZ_PID" ;;
  esac
  mapfile -t extra < <(extra_of "$name")
  wrk_cpu "$name" "$2" "${URL[$name]}" "$server" "${extra[@]+"${extra[@]}"}"
}

wrk_warmup run_series "${ORDER[@]}"
JZ_RSS_BEFORE="$(proc_kb "$JZ_PID" VmRSS)"
wrk_rounds run_series "${ORDER[@]}"

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
nginx_hwm
serve_stop "$JZ_PID" "$JZ_WRAPPER"
JZ_STOP="$SERVE_STOP"

# ---------------------------------------------------------------- report

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
printf '%-7s' median; for name in "${ORDER[@]}"; do printf ' %14.0f' "$(round_median RPS "$name")"; done; echo
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
  printf '  %-15s %8.2f   (rounds: %s)\n' "$name" "$(round_median CPU "$name")" "$(round_list CPU "$name")"
done
echo
print_latency "${ORDER[@]}"
echo
echo "peak RSS (VmHWM): jinzhi $(mib "$JZ_HWM") MiB (RSS $(mib "$JZ_RSS_BEFORE") before the rounds, $(mib "$JZ_RSS") after);"
echo "  jinzhi-rl $(mib "$JZ_RL_HWM") MiB (the limiter's table: 65,536 addresses, 2.5 MiB)"
print_nginx_rss "$NG_MASTER_HWM" "${NG_WORKER_HWM[@]}"
echo "jinzhi on SIGTERM: $JZ_STOP"
print_wrk_errors
echo
printf 'RESULT licensing_public html=%s json=%s rl_html=%s rl_json=%s rl_cost_html=%s rl_cost_json=%s licences=%s\n' \
  "$RH" "$RJ" "$RLH" "$RLJ" "$CH" "$CJ" "$NLIC"
