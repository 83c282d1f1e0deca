#!/usr/bin/env bash
# The web console's files: jinzhi serve --web-root (every file in memory, precompressed body
# chosen by Accept-Encoding) against nginx serving the very same bytes from the same
# directory (gzip_static). Two requests, measured in the same run, alternating rounds:
#   (a) the largest JavaScript file of web/dist/assets with `Accept-Encoding: gzip`: jinzhi
#       sends the build's X.gz, nginx sends the same X.gz with gzip_static; plus a variant of
#       jinzhi with a session cookie (a browser sends it with every asset request; the static
#       path must not look at it)
#   (b) GET / (index.html), no compression
# Ratios are medians of per-round ratios.
#
#   bench/web_console.sh
#
# Environment (all optional):
#   JINZHI_BIN      binary to test (default: build a Release binary in build-bench/)
#   DURATION        seconds per wrk run (default 10)
#   ROUNDS          alternating rounds (default 3)
#   CONNECTIONS     wrk connections (default 64); WRK_THREADS wrk threads (default 1)
#   JINZHI_THREADS  passed to `jinzhi serve --threads`
#   WEB_DIST        the built console to copy and serve (default web/dist; built with
#                   `sh scripts/web.sh` when it has no index.html)
#   BENCH_LOGIN     login of the account the script creates and signs in with (default bench-wrk)
#   KEEP_TMP=1      keep the temp dir (DB, copy of the console, nginx config, logs, wrk output)
#   BENCH_TMPDIR    parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

wrk_params
bench_login_param
WEB_DIST="${WEB_DIST:-$REPO_ROOT/web/dist}"
[[ "$WEB_DIST" == /* ]] || WEB_DIST="$REPO_ROOT/$WEB_DIST"

ensure_tools wrk:wrk nginx:nginx-light curl:curl python3:python3 timeout:coreutils gzip:gzip
resolve_jinzhi
make_tmp web

# 7 wrk runs per round plus warm-ups; servers stop by themselves after this.
MAX_LIFE=$(( 180 + ROUNDS * 7 * (DURATION + 5) + 60 ))

# ---------------------------------------------------------------- the console's files

# A built console: index.html and .js files under assets/.
dist_built() {
  [[ -s "$WEB_DIST/index.html" ]] &&
    [[ -n "$(find "$WEB_DIST/assets" -maxdepth 1 -type f -name '*.js' 2>/dev/null | head -n 1)" ]]
}
# ... with the .gz scripts/web.sh writes beside each file.
dist_compressed() {
  local js
  js="$(find "$WEB_DIST/assets" -maxdepth 1 -type f -name '*.js' 2>/dev/null | head -n 1)"
  [[ -n "$js" && -s "$js.gz" ]]
}
if ! dist_built; then
  [[ "$WEB_DIST" == "$REPO_ROOT/web/dist" ]] || die "WEB_DIST=$WEB_DIST has no index.html and assets/*.js"
  ensure_tools node:nodejs npm:npm
  log "web/dist is missing or empty: building the console with sh scripts/web.sh"
  timeout --foreground 900 sh "$REPO_ROOT/scripts/web.sh" >"$BENCH_TMP/web-build.log" 2>&1 ||
    { tail -n 40 "$BENCH_TMP/web-build.log" >&2; die "sh scripts/web.sh failed: no console to serve"; }
  dist_built || die "sh scripts/web.sh ran but $WEB_DIST still has no index.html and assets/*.js"
fi
# A build may be under way in the work tree (Vite empties dist first, the .gz/.br come last
# from web/scripts/budget.mjs): give it a bounded time to finish.
for ((i = 0; i < 30; i++)); do dist_compressed && break; sleep 1; done

# Serve a private copy, so a rebuild in the work tree during the run changes nothing.
WWW="$BENCH_TMP/www"
cp -a "$WEB_DIST" "$WWW"
chmod -R a+rX "$WWW"
# A dist built by `vite build` alone has no .gz/.br: make them in the copy (never in web/)
# exactly as web/scripts/budget.mjs does (node zlib: gzip level 9, brotli quality 11), so
# jinzhi and nginx still serve the very same precompressed file.
SIBLINGS="from the build (scripts/web.sh)"
if ! find "$WWW/assets" -maxdepth 1 -type f -name '*.js.gz' | grep -q .; then
  ensure_tools node:nodejs
  log "the copy has no .gz/.br siblings (a plain vite build): making them as web/scripts/budget.mjs does"
  timeout --foreground 300 node - "$WWW" <<'JSEOF' || die "could not compress the console's files"
const { readFileSync, writeFileSync, readdirSync, statSync } = require('node:fs')
const { join, extname } = require('node:path')
const { gzipSync, brotliCompressSync, constants } = require('node:zlib')
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt'])
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue
    const p = join(dir, name)
    if (statSync(p).isDirectory()) { walk(p); continue }
    if (!COMPRESSIBLE.has(extname(name))) continue
    const body = readFileSync(p)
    const gz = gzipSync(body, { level: 9 })
    const br = brotliCompressSync(body, { params: {
      [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
    if (gz.length < body.length) writeFileSync(p + '.gz', gz)
    if (br.length < body.length) writeFileSync(p + '.br', br)
  }
}
walk(process.argv[2])
JSEOF
  chmod -R a+rX "$WWW"
  SIBLINGS="made in the copy by this script (node zlib, as web/scripts/budget.mjs: the dist had none)"
fi

# (a): the largest .js under assets/ (by its own size); its .gz is what both servers send.
ASSET_FILE="$(find "$WWW/assets" -maxdepth 1 -type f -name '*.js' -printf '%s %p\n' | sort -rn | head -n 1 | cut -d' ' -f2-)"
[[ -n "$ASSET_FILE" ]] || die "no .js file under $WWW/assets"
ASSET_PATH="/assets/$(basename "$ASSET_FILE")"
[[ -s "$ASSET_FILE.gz" ]] || die "$ASSET_FILE has no .gz beside it"
# The copy must be one consistent build: the .gz is the gzip of this very file, and every
# asset index.html names is there.
gzip -dc "$ASSET_FILE.gz" | cmp -s - "$ASSET_FILE" ||
  die "$ASSET_PATH.gz is not the gzip of $ASSET_PATH (copied during a rebuild? run again)"
for ref in $(grep -o '/assets/[A-Za-z0-9._-]*' "$WWW/index.html" | sort -u); do
  [[ -f "$WWW$ref" ]] || die "index.html names $ref, missing from the copy (copied during a rebuild? run again)"
done
ASSET_BYTES="$(stat -c %s "$ASSET_FILE")"
ASSET_GZ_BYTES="$(stat -c %s "$ASSET_FILE.gz")"
INDEX_BYTES="$(stat -c %s "$WWW/index.html")"
NFILES="$(find "$WWW" -type f -not -path '*/.*' | wc -l)"
log "console copy: $NFILES files; (a) $ASSET_PATH ($ASSET_BYTES bytes, .gz $ASSET_GZ_BYTES); (b) index.html ($INDEX_BYTES bytes)"

# ---------------------------------------------------------------- DB + jinzhi

log "fresh database: jinzhi migrate"
timeout --foreground 120 "$JINZHI" migrate --db "$BENCH_TMP/jz.db" >"$BENCH_TMP/migrate.out" 2>&1 ||
  { cat "$BENCH_TMP/migrate.out" >&2; die "jinzhi migrate failed"; }
make_bench_account "$JINZHI" "$BENCH_TMP/jz.db" "$BENCH_LOGIN" "$BENCH_TMP/login.json"

JZ_PORT="$(free_port)"
JZ_ARGS=(serve --db "$BENCH_TMP/jz.db" --listen "127.0.0.1:$JZ_PORT" --web-root "$WWW")
[[ -n "${JINZHI_THREADS:-}" ]] && JZ_ARGS+=(--threads "$JINZHI_THREADS")
JZ_ERR="$BENCH_TMP/jinzhi.log"
log "starting: jinzhi ${JZ_ARGS[*]} 2>$JZ_ERR"
serve_start jinzhi "$JZ_PORT" "$JZ_ERR" 30 "$JINZHI" "${JZ_ARGS[@]}" || die "jinzhi serve did not become ready"
JZ_WRAPPER=$SERVE_WRAPPER JZ_PID=$SERVE_PID JZ_BASE=$SERVE_BASE
JZ_CONSOLE_LINE="$(grep -m1 'jinzhi: web console' "$JZ_ERR" || true)"
[[ "$JZ_CONSOLE_LINE" == *"files ("* ]] || { cat "$JZ_ERR" >&2; die "jinzhi did not load the console from $WWW"; }

# A real sign-in, for the cookie variant of (a).
SESSION="$(login_session "$JZ_BASE" "$BENCH_TMP/login.json")" || die "could not sign in as $BENCH_LOGIN"
COOKIE_HDR="Cookie: jz_session=$SESSION"
log "signed in as $BENCH_LOGIN (session cookie, ${#SESSION} characters)"

# ---------------------------------------------------------------- nginx

NG_PORT="$(free_port_except "$JZ_PORT")"
NG_LOG_PORT="$(free_port_except "$JZ_PORT" "$NG_PORT")"
nginx_prepare
grep -q -- '--with-http_gzip_static_module' <<<"$NGV" || die "this nginx has no gzip_static module"
# The headers jinzhi sends on these answers (src/platform/http.c send_static): the CSPs are
# copied from there. add_header in a location replaces the server's, so each location has all.
CSP_API="default-src 'self'; frame-ancestors 'none'"
CSP_CONSOLE="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
cat >"$NGX/site.conf" <<EOF
location = / {
    default_type "text/html; charset=utf-8";
    try_files /index.html =404;
    add_header Cache-Control no-cache;
    add_header Vary Accept-Encoding;
    add_header X-Request-Id \$request_id;
    add_header X-Content-Type-Options nosniff;
    add_header Referrer-Policy no-referrer;
    add_header Content-Security-Policy "$CSP_CONSOLE";
}
location /assets/ {
    default_type "text/javascript; charset=utf-8";
    gzip_static on;
    gzip_vary on;
    add_header Cache-Control "public, max-age=31536000, immutable";
    add_header X-Request-Id \$request_id;
    add_header X-Content-Type-Options nosniff;
    add_header Referrer-Policy no-referrer;
    add_header Content-Security-Policy "$CSP_API";
}
EOF
{ nginx_conf_head application/octet-stream; cat <<EOF
    etag on;
    $TEMP_PATHS
    log_format jz '\$remote_addr - [\$time_local] "\$request" \$status \$body_bytes_sent \$request_time';
    server {
        listen 127.0.0.1:$NG_PORT;
        root $WWW;
        access_log off;
        include $NGX/site.conf;
    }
    server {
        listen 127.0.0.1:$NG_LOG_PORT;
        root $WWW;
        access_log $NGX/access.log jz;
        include $NGX/site.conf;
    }
}
EOF
} >"$NGX/nginx.conf"
NG_BASE="http://127.0.0.1:$NG_PORT"
NG_LOG_BASE="http://127.0.0.1:$NG_LOG_PORT"
nginx_start "starting nginx on ports $NG_PORT (access_log off) and $NG_LOG_PORT (access_log to file)" "$NG_BASE/"
wait_http_200 "$NG_LOG_BASE/" 15 "$NG_MASTER" || die "nginx (logging) did not become ready"
NG_WORKERS=()
for ((i = 0; i < 50 && ${#NG_WORKERS[@]} == 0; i++)); do
  mapfile -t NG_WORKERS < <(pgrep -P "$NG_MASTER" || true)
  ((${#NG_WORKERS[@]})) || sleep 0.1
done
((${#NG_WORKERS[@]})) || die "no nginx worker processes found"

# ---------------------------------------------------------------- same bytes?

GZ_HDR="Accept-Encoding: gzip"
fetch_same a-jinzhi "$JZ_BASE$ASSET_PATH" "$ASSET_FILE.gz" -H "$GZ_HDR"
fetch_same a-jinzhi-cookie "$JZ_BASE$ASSET_PATH" "$ASSET_FILE.gz" -H "$GZ_HDR" -H "$COOKIE_HDR"
fetch_same a-nginx "$NG_BASE$ASSET_PATH" "$ASSET_FILE.gz" -H "$GZ_HDR"
fetch_same a-nginx-log "$NG_LOG_BASE$ASSET_PATH" "$ASSET_FILE.gz" -H "$GZ_HDR"
fetch_same b-jinzhi "$JZ_BASE/" "$WWW/index.html"
fetch_same b-nginx "$NG_BASE/" "$WWW/index.html"
fetch_same b-nginx-log "$NG_LOG_BASE/" "$WWW/index.html"
for s in a-jinzhi a-nginx; do
  [[ "$(hdr "$BENCH_TMP/$s.headers" Content-Encoding)" == gzip ]] || die "$s: no Content-Encoding: gzip on $ASSET_PATH"
done
for s in b-jinzhi b-nginx; do
  [[ -z "$(hdr "$BENCH_TMP/$s.headers" Content-Encoding)" ]] || die "$s: / came compressed without Accept-Encoding"
done
for pair in "a Content-Type" "a Cache-Control" "a Vary" "b Content-Type" "b Cache-Control" "b Vary"; do
  set -- $pair
  j="$(hdr "$BENCH_TMP/$1-jinzhi.headers" "$2")"; n="$(hdr "$BENCH_TMP/$1-nginx.headers" "$2")"
  [[ "$j" == "$n" ]] || log "WARNING: ($1) $2 differs: jinzhi '$j' vs nginx '$n'"
done
# The cookie must change nothing in the answer (no Set-Cookie, no private Cache-Control).
[[ "$(hdr "$BENCH_TMP/a-jinzhi-cookie.headers" Cache-Control)" == "$(hdr "$BENCH_TMP/a-jinzhi.headers" Cache-Control)" ]] ||
  log "WARNING: with the cookie jinzhi's Cache-Control is '$(hdr "$BENCH_TMP/a-jinzhi-cookie.headers" Cache-Control)'"
[[ -z "$(hdr "$BENCH_TMP/a-jinzhi-cookie.headers" Set-Cookie)" ]] || log "WARNING: jinzhi set a cookie on a static file"
log "checked: 200 and byte-identical bodies from jinzhi and nginx for (a) and (b)"

# ---------------------------------------------------------------- measure

declare -A URL=(
  [a-nginx]="$NG_BASE$ASSET_PATH" [a-nginx-log]="$NG_LOG_BASE$ASSET_PATH"
  [a-jinzhi]="$JZ_BASE$ASSET_PATH" [a-jinzhi-cookie]="$JZ_BASE$ASSET_PATH"
  [b-nginx]="$NG_BASE/" [b-nginx-log]="$NG_LOG_BASE/" [b-jinzhi]="$JZ_BASE/")
# shellcheck disable=SC2034  # CPU is filled by wrk_cpu, read by round_median and round_list
declare -A RPS CPU MBS P50 P99
ERRORS=()
ORDER_A=(a-nginx a-nginx-log a-jinzhi a-jinzhi-cookie)
ORDER_B=(b-nginx b-nginx-log b-jinzhi)

# run_wrk NAME SECONDS — sets WRK_RPS, CPU[NAME,RUN_ID] (server CPU µs per request; nginx =
# master + workers) and WRK_MBS (transfer MB/s as wrk reports it); records wrk's error lines.
# (Not called in $(...).)
run_wrk() {
  local name="$1" secs="$2" server="$NG_MASTER ${NG_WORKERS[*]}" hdrs=()
  [[ "$name" == a-* ]] && hdrs+=(-H "$GZ_HDR")
  [[ "$name" == *-cookie ]] && hdrs+=(-H "$COOKIE_HDR")
  [[ "$name" == *jinzhi* ]] && server="$JZ_PID"
  wrk_cpu "$name" "$secs" "${URL[$name]}" "$server" "${hdrs[@]+"${hdrs[@]}"}"
  WRK_MBS="$(awk '/^Transfer\/sec:/ { v = $2; u = substr(v, length(v) - 1); v += 0;
    if (u == "GB") v *= 1024; else if (u == "KB") v /= 1024; printf "%.0f\n", v }' "$WRK_OUT")"
}

log "warm-up: 2 s each"
RUN_ID=warmup
for name in "${ORDER_A[@]}" "${ORDER_B[@]}"; do run_wrk "$name" 2; done

JZ_RSS_BEFORE="$(proc_kb "$JZ_PID" VmRSS)"
for ((r = 1; r <= ROUNDS; r++)); do
  # Rotate the order inside each group every round, and swap which group goes first.
  ra=$(( (r - 1) % ${#ORDER_A[@]} )); rb=$(( (r - 1) % ${#ORDER_B[@]} ))
  ga=("${ORDER_A[@]:ra}" "${ORDER_A[@]:0:ra}")
  gb=("${ORDER_B[@]:rb}" "${ORDER_B[@]:0:rb}")
  if ((r % 2)); then this=("${ga[@]}" "${gb[@]}"); else this=("${gb[@]}" "${ga[@]}"); fi
  RUN_ID="$r"
  # shellcheck disable=SC2034  # MBS is read through round_median
  for name in "${this[@]}"; do
    log "round $r/$ROUNDS: $name (${DURATION}s)"
    run_wrk "$name" "$DURATION"
    RPS["$name,$r"]="$WRK_RPS"; MBS["$name,$r"]="$WRK_MBS"
  done
done

# ---------------------------------------------------------------- memory, shutdown

JZ_HWM="$(proc_kb "$JZ_PID" VmHWM)"
JZ_RSS="$(proc_kb "$JZ_PID" VmRSS)"
nginx_hwm
JZ_LOG_LINES="$(grep -c ' GET /' "$JZ_ERR" || true)"
NG_LOG_LINES="$(wc -l <"$NGX/access.log" 2>/dev/null || echo 0)"
COOKIE_AFTER="$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "$COOKIE_HDR" "$JZ_BASE/api/v1/auth/me" || true)"

serve_stop "$JZ_PID" "$JZ_WRAPPER"
JZ_STOP="$SERVE_STOP"

# ---------------------------------------------------------------- report

echo
echo "== web console files: jinzhi serve --web-root vs nginx serving the same bytes =="
machine_summary
echo "jinzhi:  $JINZHI [$JINZHI_BUILD_NOTE]"
echo "         serve ${JZ_ARGS[*]:1}, per-request log to a file" | sed "s|$BENCH_TMP|<tmp>|g"
echo "         ${JZ_CONSOLE_LINE//$BENCH_TMP/<tmp>}"
echo "         fresh DB (jinzhi migrate) + account $BENCH_LOGIN; console = a copy of ${WEB_DIST#"$REPO_ROOT/"} ($NFILES files on disk, .gz/.br included)"
echo "         .gz/.br siblings: $SIBLINGS"
echo "nginx:   $(nginx -v 2>&1 | sed 's/^nginx version: //'), worker_processes auto (${#NG_WORKERS[@]} workers), same directory as root, sendfile + open_file_cache,"
echo "         keepalive_requests 100000; /assets/: gzip_static on + gzip_vary on; / : try_files /index.html;"
echo "         add_header Cache-Control, X-Request-Id, X-Content-Type-Options, Referrer-Policy, Content-Security-Policy (as jinzhi)"
echo "         'nginx' = access_log off; 'nginx-log' = access_log to a file (one line per request, like jinzhi)"
echo "load:    wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, order rotated each round, 2 s warm-up each"
echo "(a):     GET $ASSET_PATH with 'Accept-Encoding: gzip': body = its .gz, $ASSET_GZ_BYTES bytes ($ASSET_BYTES uncompressed),"
echo "         byte-identical from jinzhi and nginx (checked, raw gzip bytes); 'jinzhi+cookie' also sends"
echo "         Cookie: jz_session=<${#SESSION} chars> (a real session from POST /api/v1/auth/login)"
echo "(b):     GET / (index.html), no Accept-Encoding: body $INDEX_BYTES bytes, byte-identical (checked)"
for t in a b; do
  echo "headers ($t): jinzhi $(hdr_bytes "$BENCH_TMP/$t-jinzhi.headers") bytes ($(hdr_names "$BENCH_TMP/$t-jinzhi.headers"))"
  echo "             nginx  $(hdr_bytes "$BENCH_TMP/$t-nginx.headers") bytes ($(hdr_names "$BENCH_TMP/$t-nginx.headers"))"
done
echo "ctype:   (a) jinzhi '$(hdr "$BENCH_TMP/a-jinzhi.headers" Content-Type)', nginx '$(hdr "$BENCH_TMP/a-nginx.headers" Content-Type)';" \
     "(b) jinzhi '$(hdr "$BENCH_TMP/b-jinzhi.headers" Content-Type)', nginx '$(hdr "$BENCH_TMP/b-nginx.headers" Content-Type)'"
echo "etag:    (a) jinzhi $(hdr "$BENCH_TMP/a-jinzhi.headers" ETag), nginx $(hdr "$BENCH_TMP/a-nginx.headers" ETag)"

echo
echo "(a) $ASSET_PATH, gzip body ($ASSET_GZ_BYTES bytes) — req/s"
printf '%-7s %11s %11s %11s %13s %9s %11s %11s %13s\n' round nginx nginx-log jinzhi jinzhi+cookie "j/nginx" "j/ngx-log" "j+c/ngx-log" "j+c/jinzhi"
A1=() A2=() A3=() A4=() AA=() AB=() AC=() AD=()
for ((r = 1; r <= ROUNDS; r++)); do
  a="${RPS[a-nginx,$r]}"; b="${RPS[a-nginx-log,$r]}"; c="${RPS[a-jinzhi,$r]}"; d="${RPS[a-jinzhi-cookie,$r]}"
  AA+=("$a"); AB+=("$b"); AC+=("$c"); AD+=("$d")
  A1+=("$(ratio "$c" "$a")"); A2+=("$(ratio "$c" "$b")"); A3+=("$(ratio "$d" "$b")"); A4+=("$(ratio "$d" "$c")")
  printf '%-7s %11.0f %11.0f %11.0f %13.0f %9s %11s %11s %13s\n' "$r" "$a" "$b" "$c" "$d" "${A1[-1]}" "${A2[-1]}" "${A3[-1]}" "${A4[-1]}"
done
printf '%-7s %11.0f %11.0f %11.0f %13.0f %9.3f %11.3f %11.3f %13.3f\n' median "$(median "${AA[@]}")" "$(median "${AB[@]}")" \
  "$(median "${AC[@]}")" "$(median "${AD[@]}")" "$(median "${A1[@]}")" "$(median "${A2[@]}")" "$(median "${A3[@]}")" "$(median "${A4[@]}")"
echo
echo "(b) GET / (index.html, $INDEX_BYTES bytes, identity) — req/s"
printf '%-7s %11s %11s %11s %9s %11s\n' round nginx nginx-log jinzhi "j/nginx" "j/ngx-log"
B1=() B2=() BA=() BB=() BC=()
for ((r = 1; r <= ROUNDS; r++)); do
  a="${RPS[b-nginx,$r]}"; b="${RPS[b-nginx-log,$r]}"; c="${RPS[b-jinzhi,$r]}"
  BA+=("$a"); BB+=("$b"); BC+=("$c")
  B1+=("$(ratio "$c" "$a")"); B2+=("$(ratio "$c" "$b")")
  printf '%-7s %11.0f %11.0f %11.0f %9s %11s\n' "$r" "$a" "$b" "$c" "${B1[-1]}" "${B2[-1]}"
done
printf '%-7s %11.0f %11.0f %11.0f %9.3f %11.3f\n' median "$(median "${BA[@]}")" "$(median "${BB[@]}")" \
  "$(median "${BC[@]}")" "$(median "${B1[@]}")" "$(median "${B2[@]}")"

echo
echo "server CPU per request, µs (user + system of the server's processes from /proc/PID/stat during"
echo "the run / requests wrk completed; nginx = master + workers), medians over rounds; and wrk's MB/s:"
ALL=("${ORDER_A[@]}" "${ORDER_B[@]}")
for name in "${ALL[@]}"; do
  printf '  %-16s %8.2f us/req   %6.0f MB/s   (rounds: %s)\n' "$name" "$(round_median CPU "$name")" \
    "$(round_median MBS "$name")" "$(round_list CPU "$name")"
done
echo
print_latency "${ALL[@]}"
echo
echo "peak RSS after load (VmHWM):"
echo "  jinzhi serve (pid $JZ_PID): $(mib "$JZ_HWM") MiB peak; RSS $(mib "$JZ_RSS_BEFORE") MiB before the rounds, $(mib "$JZ_RSS") MiB after"
print_nginx_rss "$NG_MASTER_HWM" "${NG_WORKER_HWM[@]}"
echo "log lines written: jinzhi $JZ_LOG_LINES GETs, nginx-log $NG_LOG_LINES"
echo "session after the rounds: GET /api/v1/auth/me with the cookie answered $COOKIE_AFTER"
echo "jinzhi on SIGTERM: $JZ_STOP"
print_wrk_errors
echo
printf 'RESULT web_console asset_gzip_jinzhi/nginx=%.3f asset_gzip_jinzhi/nginx-log=%.3f asset_gzip_cookie/nginx-log=%.3f cookie/no_cookie=%.3f index_jinzhi/nginx=%.3f index_jinzhi/nginx-log=%.3f\n' \
  "$(median "${A1[@]}")" "$(median "${A2[@]}")" "$(median "${A3[@]}")" "$(median "${A4[@]}")" "$(median "${B1[@]}")" "$(median "${B2[@]}")"
