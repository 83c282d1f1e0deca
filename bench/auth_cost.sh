#!/usr/bin/env bash
# Cost of authentication on GET /api/v1/enterprises/{credit_code}: the current jinzhi with a
# session cookie and with an API token, against the same endpoint public — jinzhi as it was
# at the commit before accounts came in (PUBLIC_COMMIT, 7595cdf), serving the same database
# file. Measured in the same run, alternating rounds; ratios of the medians of per-round
# ratios.
#
#   bench/auth_cost.sh
#
# Environment (all optional):
#   JINZHI_BIN      current binary (default: build a Release binary in build-bench/)
#   PUBLIC_BIN      the "public" reference binary (default: PUBLIC_TREE/build-bench/jinzhi,
#                   built there as Release if missing)
#   PUBLIC_COMMIT   commit of the public reference (default 7595cdf)
#   PUBLIC_TREE     where its detached worktree is (default /tmp/jz-public; created with
#                   `git worktree add --detach` if absent)
#   DURATION        seconds per wrk run (default 10)
#   ROUNDS          alternating rounds (default 3)
#   CONNECTIONS     wrk connections (default 64); WRK_THREADS wrk threads (default 1)
#   JINZHI_THREADS  passed to `jinzhi serve --threads` of both servers
#   BENCH_LOGIN     login of the account the script creates (default bench-wrk)
#   SEED            demo seed (default 1)
#   KEEP_TMP=1      keep the temp dir (DB, logs, raw wrk output) for inspection
#   BENCH_TMPDIR    parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

wrk_params
SEED="${SEED:-1}"
bench_login_param
PUBLIC_COMMIT="${PUBLIC_COMMIT:-7595cdf}"
PUBLIC_TREE="${PUBLIC_TREE:-/tmp/jz-public}"

ensure_tools wrk:wrk curl:curl python3:python3 timeout:coreutils git:git
resolve_jinzhi

# ---------------------------------------------------------------- the public reference

# resolve_public — sets PUBLIC to the reference binary and PUBLIC_NOTE to where it came from.
resolve_public() {
  if [[ -n "${PUBLIC_BIN:-}" ]]; then
    PUBLIC="$PUBLIC_BIN"
    [[ "$PUBLIC" == /* ]] || PUBLIC="$REPO_ROOT/$PUBLIC"
    [[ -x "$PUBLIC" ]] || die "PUBLIC_BIN=$PUBLIC_BIN is not an executable file"
    PUBLIC_NOTE="given by PUBLIC_BIN (commit and build type unknown to the benchmark)"
    return
  fi
  local want have
  want="$(git -C "$REPO_ROOT" rev-parse --verify --quiet "$PUBLIC_COMMIT^{commit}")" ||
    die "PUBLIC_COMMIT=$PUBLIC_COMMIT is not a commit of this repository"
  if [[ ! -e "$PUBLIC_TREE" ]]; then
    log "adding a detached worktree of $PUBLIC_COMMIT at $PUBLIC_TREE"
    git -C "$REPO_ROOT" worktree add --detach "$PUBLIC_TREE" "$want" >/dev/null 2>&1 ||
      die "git worktree add --detach $PUBLIC_TREE $PUBLIC_COMMIT failed"
  fi
  have="$(git -C "$PUBLIC_TREE" rev-parse HEAD 2>/dev/null || true)"
  [[ "$have" == "$want" ]] ||
    die "$PUBLIC_TREE is not a checkout of $PUBLIC_COMMIT (HEAD ${have:-none}); remove it or set PUBLIC_TREE"
  [[ -z "$(git -C "$PUBLIC_TREE" status --porcelain --untracked-files=no)" ]] ||
    die "$PUBLIC_TREE has local changes; it must be $PUBLIC_COMMIT as committed"
  PUBLIC="$PUBLIC_TREE/build-bench/jinzhi"
  if [[ ! -x "$PUBLIC" ]]; then
    ensure_tools cmake:cmake
    log "building the public reference (Release) in $PUBLIC_TREE/build-bench/"
    local blog
    blog="$(mktemp "${BENCH_TMPDIR:-/tmp}/jinzhi-bench-build.XXXXXX")"
    if ! ( cmake -S "$PUBLIC_TREE" -B "$PUBLIC_TREE/build-bench" -DCMAKE_BUILD_TYPE=Release &&
           cmake --build "$PUBLIC_TREE/build-bench" -j2 --target jinzhi ) >"$blog" 2>&1; then
      tail -n 40 "$blog" >&2
      rm -f "$blog"
      die "Release build of $PUBLIC_COMMIT in $PUBLIC_TREE failed"
    fi
    rm -f "$blog"
  fi
  [[ -x "$PUBLIC" ]] || die "no binary at $PUBLIC"
  PUBLIC_NOTE="commit $(git -C "$PUBLIC_TREE" rev-parse --short HEAD), $PUBLIC_TREE/build-bench/ (CMAKE_BUILD_TYPE=Release)"
}
resolve_public
make_tmp auth

# Servers live at most as long as the whole measurement plus a margin, then stop by themselves.
MAX_LIFE=$(( 120 + ROUNDS * 3 * (DURATION + 5) + 60 ))

# ---------------------------------------------------------------- one DB, account, token

DB="$BENCH_TMP/demo.db"
small_demo "$DB"   # with the current binary
make_bench_account "$JINZHI" "$DB" "$BENCH_LOGIN" "$BENCH_TMP/login.json"
log "issuing an API token (registry:read, 1 day) with jinzhi user token"
timeout --foreground 60 "$JINZHI" user token "$BENCH_LOGIN" --db "$DB" --name bench \
  --scope registry:read --days 1 >"$BENCH_TMP/token.out" 2>"$BENCH_TMP/token.err" ||
  { cat "$BENCH_TMP/token.err" >&2; die "jinzhi user token failed"; }
TOKEN="$(grep -o 'jzt_[A-Za-z0-9_-]\{20,\}' "$BENCH_TMP/token.out" | head -n 1)"
[[ -n "$TOKEN" ]] || die "no jzt_ token in the output of jinzhi user token"

# ---------------------------------------------------------------- both servers

# start_server NAME BINARY — jinzhi serve on a free port, log to <tmp>/NAME.log; sets
# PID_OF[NAME], WRAP_OF[NAME], BASE_OF[NAME].
declare -A PID_OF WRAP_OF BASE_OF ARGS_OF
start_server() {
  local name="$1" bin="$2" port args
  port="$(free_port)"
  args=(serve --db "$DB" --listen "127.0.0.1:$port")
  [[ -n "${JINZHI_THREADS:-}" ]] && args+=(--threads "$JINZHI_THREADS")
  ARGS_OF[$name]="${args[*]:1}"
  log "starting $name: $bin ${args[*]}"
  serve_start "$name" "$port" "$BENCH_TMP/$name.log" 30 "$bin" "${args[@]}" || die "$name did not become ready"
  WRAP_OF[$name]=$SERVE_WRAPPER
  PID_OF[$name]=$SERVE_PID
  BASE_OF[$name]=$SERVE_BASE
}
start_server public "$PUBLIC"
start_server auth "$JINZHI"
PUB_BASE="${BASE_OF[public]}"
JZ_BASE="${BASE_OF[auth]}"

SESSION="$(login_session "$JZ_BASE" "$BENCH_TMP/login.json")" || die "could not sign in as $BENCH_LOGIN"
log "signed in as $BENCH_LOGIN (session cookie, ${#SESSION} characters)"

# The same enterprise for all three, read from the public list.
curl -sS --max-time 10 -o "$BENCH_TMP/list.json" "$PUB_BASE/api/v1/enterprises?limit=1" ||
  die "list request to the public server failed"
CODE="$(python3 - "$BENCH_TMP/list.json" <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
code = doc["items"][0]["credit_code"]
if not re.fullmatch(r"[0-9A-Z]{18}", code):
    sys.exit("unexpected credit code %r" % code)
print(code)
EOF
)" || { head -c 500 "$BENCH_TMP/list.json" >&2; echo >&2; die "could not read a credit code from the public list"; }
PATH_Q="/api/v1/enterprises/$CODE"
log "credit code: $CODE"

# The credentials each side sends (none for the public one).
auth_args() {   # auth_args NAME — sets AUTH_ARGS to the curl/wrk -H options of NAME
  case "$1" in
    public) AUTH_ARGS=() ;;
    cookie) AUTH_ARGS=(-H "Cookie: jz_session=$SESSION") ;;
    token)  AUTH_ARGS=(-H "Authorization: Bearer $TOKEN") ;;
    *) die "unknown side $1" ;;
  esac
}
declare -A URL=([public]="$PUB_BASE$PATH_Q" [cookie]="$JZ_BASE$PATH_Q" [token]="$JZ_BASE$PATH_Q")

# ---------------------------------------------------------------- checks

# fetch NAME URL [CURL ARGS...] — GET into <tmp>/NAME.body and .headers; prints the status.
fetch() {
  local name="$1" url="$2"; shift 2
  curl -sS --max-time 10 "$@" -D "$BENCH_TMP/$name.headers" -o "$BENCH_TMP/$name.body" \
    -w '%{http_code}' "$url"
}
for name in public cookie token; do
  auth_args "$name"
  code="$(fetch "$name" "${URL[$name]}" "${AUTH_ARGS[@]+"${AUTH_ARGS[@]}"}")"
  [[ "$code" == 200 ]] || { head -c 300 "$BENCH_TMP/$name.body" >&2; echo >&2; die "$name answered $code for $PATH_Q"; }
done
cmp -s "$BENCH_TMP/public.body" "$BENCH_TMP/cookie.body" || die "the cookie answer's body differs from the public one"
cmp -s "$BENCH_TMP/public.body" "$BENCH_TMP/token.body" || die "the token answer's body differs from the public one"
BODY_BYTES="$(stat -c %s "$BENCH_TMP/public.body")"
# The current binary must refuse the request without credentials (else nothing is measured).
NOAUTH_CODE="$(fetch noauth "$JZ_BASE$PATH_Q")"
[[ "$NOAUTH_CODE" == 401 ]] || die "the current binary answered $NOAUTH_CODE without credentials, not 401"

# ---------------------------------------------------------------- measure

declare -A SERVER_OF=([public]=public [cookie]=auth [token]=auth)

# run_wrk NAME SECONDS — runs wrk against NAME with its credentials, sets WRK_RPS and
# CPU[NAME,RUN_ID] (server CPU microseconds per request); records wrk's error lines. (Not called
# in $(...): it sets globals.)
run_wrk() {
  auth_args "$1"
  wrk_cpu "$1" "$2" "${URL[$1]}" "${PID_OF[${SERVER_OF[$1]}]}" "${AUTH_ARGS[@]+"${AUTH_ARGS[@]}"}"
}

declare -A RPS CPU P50 P99
ERRORS=()
ORDER=(public cookie token)

wrk_warmup run_wrk "${ORDER[@]}"
RSS_BEFORE_PUB="$(proc_kb "${PID_OF[public]}" VmRSS)"
RSS_BEFORE_JZ="$(proc_kb "${PID_OF[auth]}" VmRSS)"
wrk_rounds run_wrk "${ORDER[@]}"

# Still signed in at the end? (A session that ended mid-run would show as non-2xx above.)
auth_args cookie
AFTER_CODE="$(fetch after "$JZ_BASE$PATH_Q" "${AUTH_ARGS[@]}")"

# ---------------------------------------------------------------- memory, shutdown

declare -A HWM RSS STOP LINES
for name in public auth; do
  HWM[$name]="$(proc_kb "${PID_OF[$name]}" VmHWM)"
  RSS[$name]="$(proc_kb "${PID_OF[$name]}" VmRSS)"
done
for name in public auth; do
  serve_stop "${PID_OF[$name]}" "${WRAP_OF[$name]}"
  STOP[$name]="$SERVE_STOP"
  LINES[$name]="$(grep -c ' GET /api/v1/enterprises/' "$BENCH_TMP/$name.log" || true)"
done

# ---------------------------------------------------------------- report

echo
echo "== Cost of authentication: GET $PATH_Q with a session cookie / an API token vs public =="
machine_summary
echo "current: $JINZHI [$JINZHI_BUILD_NOTE]"
echo "public:  $PUBLIC [$PUBLIC_NOTE] — the same endpoint before accounts: no credentials"
echo "servers: public 'serve ${ARGS_OF[public]}', current 'serve ${ARGS_OF[auth]}'" | sed "s|$BENCH_TMP|<tmp>|g"
echo "         the same DB file (made by the current binary: jinzhi demo --scale small --seed $SEED, plus"
echo "         account $BENCH_LOGIN and its token), both running throughout, per-request log to a file each"
echo "sides:   public = old binary, no credentials; cookie = current binary, Cookie: jz_session=<${#SESSION} chars>"
echo "         (session of $BENCH_LOGIN, sysadmin, from POST /api/v1/auth/login); token = current binary,"
echo "         Authorization: Bearer <${#TOKEN} chars, jzt_...> (jinzhi user token --scope registry:read --days 1)"
echo "load:    wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, order rotated each round, 2 s warm-up each"
echo "body:    $BODY_BYTES bytes, identical from all three (checked); the current binary without credentials: $NOAUTH_CODE"
echo "headers: public $(hdr_bytes "$BENCH_TMP/public.headers") bytes ($(hdr_names "$BENCH_TMP/public.headers"))"
echo "         cookie $(hdr_bytes "$BENCH_TMP/cookie.headers") bytes ($(hdr_names "$BENCH_TMP/cookie.headers"))"
echo "         token  $(hdr_bytes "$BENCH_TMP/token.headers") bytes"
echo
printf '%-7s %13s %13s %13s %14s %13s\n' round "public req/s" "cookie req/s" "token req/s" "cookie/public" "token/public"
RC=() RT=() A=() B=() C=()
for ((r = 1; r <= ROUNDS; r++)); do
  a="${RPS[public,$r]}"; b="${RPS[cookie,$r]}"; c="${RPS[token,$r]}"
  A+=("$a"); B+=("$b"); C+=("$c")
  RC+=("$(ratio "$b" "$a")"); RT+=("$(ratio "$c" "$a")")
  printf '%-7s %13.0f %13.0f %13.0f %14s %13s\n' "$r" "$a" "$b" "$c" "${RC[-1]}" "${RT[-1]}"
done
printf '%-7s %13.0f %13.0f %13.0f %14.3f %13.3f\n' median "$(median "${A[@]}")" "$(median "${B[@]}")" \
  "$(median "${C[@]}")" "$(median "${RC[@]}")" "$(median "${RT[@]}")"
echo
echo "server CPU per request (user + system time of the server process from /proc/PID/stat during"
echo "the run / requests wrk completed; less sensitive than req/s to other work on the machine):"
printf '%-7s %13s %13s %13s %14s %13s\n' round "public us" "cookie us" "token us" "cookie/public" "token/public"
CC=() CT=() CPU_A=() CPU_B=() CPU_C=()
for ((r = 1; r <= ROUNDS; r++)); do
  a="${CPU[public,$r]}"; b="${CPU[cookie,$r]}"; c="${CPU[token,$r]}"
  CPU_A+=("$a"); CPU_B+=("$b"); CPU_C+=("$c")
  CC+=("$(ratio "$b" "$a")"); CT+=("$(ratio "$c" "$a")")
  printf '%-7s %13.2f %13.2f %13.2f %14s %13s\n' "$r" "$a" "$b" "$c" "${CC[-1]}" "${CT[-1]}"
done
printf '%-7s %13.2f %13.2f %13.2f %14.3f %13.3f\n' median "$(median "${CPU_A[@]}")" "$(median "${CPU_B[@]}")" \
  "$(median "${CPU_C[@]}")" "$(median "${CC[@]}")" "$(median "${CT[@]}")"
echo
echo "latency (wrk p50 / p99 per round):"
for ((r = 1; r <= ROUNDS; r++)); do
  printf '  round %-3s public %s / %s   cookie %s / %s   token %s / %s\n' "$r" \
    "${P50[public,$r]}" "${P99[public,$r]}" "${P50[cookie,$r]}" "${P99[cookie,$r]}" \
    "${P50[token,$r]}" "${P99[token,$r]}"
done
echo
echo "peak RSS after load (VmHWM), and RSS before the rounds / after them (VmRSS):"
echo "  public (old binary, pid ${PID_OF[public]}):  $(mib "${HWM[public]}") MiB peak; RSS $(mib "$RSS_BEFORE_PUB") MiB before, $(mib "${RSS[public]}") MiB after"
echo "  current (cookie + token, pid ${PID_OF[auth]}): $(mib "${HWM[auth]}") MiB peak; RSS $(mib "$RSS_BEFORE_JZ") MiB before, $(mib "${RSS[auth]}") MiB after"
echo "  (the current binary's peak includes Argon2id's 64 MiB: one hash at start in acc_init(), one verification at sign-in)"
echo "log lines of enterprise GETs: public ${LINES[public]}, current ${LINES[auth]}"
echo "session still valid after the rounds: GET with the cookie answered $AFTER_CODE"
echo "on SIGTERM: public ${STOP[public]}; current ${STOP[auth]}"
print_wrk_errors
echo
printf 'RESULT auth_cost cookie/public=%.3f token/public=%.3f cpu_per_req_cookie/public=%.3f cpu_per_req_token/public=%.3f public_peak_rss_mib=%s current_peak_rss_mib=%s\n' \
  "$(median "${RC[@]}")" "$(median "${RT[@]}")" "$(median "${CC[@]}")" "$(median "${CT[@]}")" \
  "$(mib "${HWM[public]}")" "$(mib "${HWM[auth]}")"
