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

wrk_params
SEED="${SEED:-1}"
bench_login_param

ensure_tools wrk:wrk nginx:nginx-light curl:curl python3:python3 timeout:coreutils
resolve_jinzhi
make_tmp eqpub

MAX_LIFE=$(( 120 + ROUNDS * 4 * (DURATION + 5) + 4 * 2 + 60 ))

# ---------------------------------------------------------------- demo DB + jinzhi

small_demo "$BENCH_TMP/demo.db"
make_bench_account "$JINZHI" "$BENCH_TMP/demo.db" "$BENCH_LOGIN" "$BENCH_TMP/login.json"

JZ_PORT="$(free_port)"
BASE_URL="https://jinzhi.example.org"
JZ_ARGS=(serve --db "$BENCH_TMP/demo.db" --listen "127.0.0.1:$JZ_PORT" --web-root=)
[[ -n "${JINZHI_THREADS:-}" ]] && JZ_ARGS+=(--threads "$JINZHI_THREADS")
JZ_ERR="$BENCH_TMP/jinzhi.log"
log "starting: JINZHI_PUBLIC_BASE_URL=$BASE_URL jinzhi ${JZ_ARGS[*]} 2>$JZ_ERR"
JINZHI_PUBLIC_BASE_URL="$BASE_URL" serve_start jinzhi "$JZ_PORT" "$JZ_ERR" 30 "$JINZHI" "${JZ_ARGS[@]}" ||
  die "jinzhi serve did not become ready"
JZ_WRAPPER=$SERVE_WRAPPER JZ_PID=$SERVE_PID JZ_BASE=$SERVE_BASE

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

NG_PORT="$(free_port_except "$JZ_PORT")"
NG_LOG_PORT="$(free_port_except "$JZ_PORT" "$NG_PORT")"
nginx_prepare
{ nginx_conf_head '"text/html; charset=utf-8"'; cat <<EOF
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
} >"$NGX/nginx.conf"
NG_BASE="http://127.0.0.1:$NG_PORT"
NG_LOG_BASE="http://127.0.0.1:$NG_LOG_PORT"
nginx_start "starting nginx on ports $NG_PORT (access_log off) and $NG_LOG_PORT (access_log to file)" "$NG_BASE$PATH_Q"
wait_http_200 "$NG_LOG_BASE$PATH_Q" 15 "$NG_MASTER" || die "nginx (logging) did not become ready"

# ---------------------------------------------------------------- same bytes?

# 200, the same body as jinzhi's first answer.
fetch_same jinzhi "$JZ_BASE$PATH_Q" "$STATIC"
fetch_same nginx "$NG_BASE$PATH_Q" "$STATIC"
fetch_same nginx-log "$NG_LOG_BASE$PATH_Q" "$STATIC"
[[ "$(ctype "$BENCH_TMP/jinzhi.headers")" == "$(ctype "$BENCH_TMP/nginx.headers")" ]] ||
  die "Content-Type differs: jinzhi '$(ctype "$BENCH_TMP/jinzhi.headers")' vs nginx '$(ctype "$BENCH_TMP/nginx.headers")'"

# ---------------------------------------------------------------- measure

declare -A URL=([nginx]="$NG_BASE$PATH_Q" [nginx-log]="$NG_LOG_BASE$PATH_Q"
                [jinzhi]="$JZ_BASE$PATH_Q" [jinzhi+cookie]="$JZ_BASE$PATH_Q")
# shellcheck disable=SC2034  # CPU is filled by wrk_cpu, read by round_median and round_list
declare -A RPS CPU P50 P99
ERRORS=()
ORDER=(nginx nginx-log jinzhi jinzhi+cookie)

# run_series NAME SECS — wrk against NAME, with the server's CPU time around it.
# CPU[NAME,RUN_ID] = the server's CPU µs per request.
run_series() {
  local name="$1" server="$JZ_PID" extra=()
  [[ "$name" == nginx* ]] && server="$(nginx_pids)"
  [[ "$name" == "jinzhi+cookie" ]] && extra=(-H "$COOKIE_HDR")
  wrk_cpu "$name" "$2" "${URL[$name]}" "$server" "${extra[@]+"${extra[@]}"}"
}

wrk_warmup run_series "${ORDER[@]}"
JZ_RSS_BEFORE="$(proc_kb "$JZ_PID" VmRSS)"
wrk_rounds run_series "${ORDER[@]}"

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
nginx_hwm
serve_stop "$JZ_PID" "$JZ_WRAPPER"
JZ_STOP="$SERVE_STOP"

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
  printf '  %-14s %8.2f   (rounds: %s)\n' "$name" "$(round_median CPU "$name")" "$(round_list CPU "$name")"
done
echo
print_latency "${ORDER[@]}"
echo
echo "peak RSS after load (VmHWM):"
echo "  jinzhi serve (pid $JZ_PID): $(mib "$JZ_HWM") MiB peak; RSS $(mib "$JZ_RSS_BEFORE") MiB before the rounds, $(mib "$JZ_RSS") MiB after"
print_nginx_rss "$NG_MASTER_HWM" "${NG_WORKER_HWM[@]}"
echo "jinzhi on SIGTERM: $JZ_STOP"
print_wrk_errors
echo
printf 'RESULT equipment_public jinzhi/nginx=%.3f jinzhi/nginx-log=%.3f cookie/nginx=%.3f page_bytes=%s\n' \
  "$(median "${R1[@]}")" "$(median "${R2[@]}")" "$(median "${R3[@]}")" "$BODY_BYTES"
