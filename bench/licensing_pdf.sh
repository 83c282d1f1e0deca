#!/usr/bin/env bash
# Licensing: certificates rendered per second. lc_pdf_bench (bench/lc_pdf_bench.c) renders
# COUNT food production licence certificates (each its own number, holder and address; Chinese,
# Tibetan and English, a QR code) with pdf_certificate_render, ROUNDS times on one thread and
# ROUNDS times on two, and reports the median rate of each. The same-run reference is poppler's
# pdftocairo re-rendering one produced certificate to PDF (`pdftocairo -pdf`: parse the PDF,
# draw its page through cairo again, subset and embed the same fonts): REF_COUNT runs per
# round, ROUNDS rounds, the median rate; the ratio of the two is printed. pdftocairo's figure
# includes starting a process per document, which a server rendering in-process does not pay.
#
#   bench/licensing_pdf.sh               # 5 rounds of 200 certificates, 40 pdftocairo runs
#   ROUNDS=1 COUNT=20 bench/licensing_pdf.sh   # a quick check
#
# Environment (all optional):
#   ROUNDS        rounds (default 5, 1..50)
#   COUNT         certificates per round (default 200, 2..100000)
#   REF_COUNT     pdftocairo runs per round (default 40, 1..10000)
#   BUILD_DIR     the build folder (default build-bench/, RelWithDebInfo)
#   BENCH_TMPDIR  parent of the temp dir (default /tmp)
. "$(dirname "$0")/lib.sh"

ROUNDS="${ROUNDS:-5}"
COUNT="${COUNT:-200}"
REF_COUNT="${REF_COUNT:-40}"
BUILD="${BUILD_DIR:-$REPO_ROOT/build-bench}"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 50 ]] || die "ROUNDS must be 1..50"
[[ "$COUNT" =~ ^[0-9]+$ && "$COUNT" -ge 2 && "$COUNT" -le 100000 ]] || die "COUNT must be 2..100000"
[[ "$REF_COUNT" =~ ^[0-9]+$ && "$REF_COUNT" -ge 1 && "$REF_COUNT" -le 10000 ]] ||
  die "REF_COUNT must be 1..10000"

BENCH_LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
ensure_tools cmake:cmake timeout:coreutils pdftocairo:poppler-utils pdfinfo:poppler-utils
make_tmp licensing-pdf

# ---------------------------------------------------------------- build

log "building lc_pdf_bench (RelWithDebInfo) in $BUILD"
build_targets "$BUILD" lc_pdf_bench

# ---------------------------------------------------------------- run

SAMPLE="$BENCH_TMP/certificate.pdf"
ARGS=(--rounds "$ROUNDS" --count "$COUNT" --write "$SAMPLE")
log "lc_pdf_bench ${ARGS[*]}"
timeout --foreground 3600 "$BUILD/lc_pdf_bench" "${ARGS[@]}" >"$BENCH_TMP/bench.out" ||
  { cat "$BENCH_TMP/bench.out"; die "lc_pdf_bench failed"; }
field() { awk -v k="$1" '$1 == k { print $2 }' "$BENCH_TMP/bench.out"; }
pages="$(pdfinfo "$SAMPLE" | awk '$1 == "Pages:" { print $2 }')"
[[ "$pages" == 1 ]] || die "the sample certificate has ${pages:-no} pages"

log "reference: pdftocairo -pdf, $REF_COUNT runs x $ROUNDS rounds"
ref_rates=()
for ((r = 0; r < ROUNDS; r++)); do
  t0=$(date +%s.%N)
  for ((i = 0; i < REF_COUNT; i++)); do
    timeout 60 pdftocairo -pdf "$SAMPLE" "$BENCH_TMP/again.pdf" || die "pdftocairo failed"
  done
  t1=$(date +%s.%N)
  ref_rates+=("$(awk -v n="$REF_COUNT" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", n / (b - a) }')")
done
REF="$(median "${ref_rates[@]}")"
ONE="$(field single_per_s)"
TWO="$(field two_threads_per_s)"

echo "== licensing: certificates rendered per second (cairo + pango, PDF) =="
machine_summary
echo "build:   $BUILD (CMAKE_BUILD_TYPE=RelWithDebInfo): lc_pdf_bench (bench/lc_pdf_bench.c + jzcore)"
echo "run:     lc_pdf_bench --rounds $ROUNDS --count $COUNT; pdftocairo -pdf x $REF_COUNT x $ROUNDS"
echo "sample:  $(stat -c %s "$SAMPLE") bytes, 1 page (mean certificate $(field bytes_mean) bytes)"
echo
printf '%-46s %12s\n' "pdf_certificate_render, 1 thread, median/s" "$ONE"
printf '%-46s %12s\n' "pdf_certificate_render, 2 threads, median/s" "$TWO"
printf '%-46s %12s\n' "pdftocairo -pdf of one certificate, median/s" "$REF"
printf '%-46s %12s\n' "1 thread / pdftocairo" "$(ratio "$ONE" "$REF")"
printf '%-46s %12s\n' "2 threads / 1 thread" "$(ratio "$TWO" "$ONE")"
