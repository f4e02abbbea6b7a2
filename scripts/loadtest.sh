#!/usr/bin/env bash
# Load test: `mieru serve` (release build) on loopback over a synthetic registry, driven by wrk.
#
#   ./scripts/loadtest.sh                  # 10,000 facilities, 60 s per scenario, 128 connections
#   FACILITIES=1000 DURATION=10s ./scripts/loadtest.sh
#
# Scenarios, one after the other against the same server: /healthz (the machine's ceiling),
# search pages (/search?q=… over a varied query list), facility pages (/facilities/{id} over
# a list of IDs), and the JSON search API (/api/v1/search?q=…). Each prints requests/s, p50,
# p99 and errors; non-2xx/3xx responses and socket errors must be 0, or the script fails.
#
# Needs wrk (Debian: `apt-get install wrk`) and curl; installs nothing. Bounded in time: the
# data is prepared once (`mieru synth`, kept in DATA_DIR for the next run), then each scenario
# runs DURATION. Rate limiting is lifted for the run (MIERU_RATE_PER_SEC / MIERU_RATE_BURST);
# per-request access logs are off (RUST_LOG, see README) unless ACCESS_LOG=1.
set -euo pipefail
# Character-wise text tools (the lists are Japanese).
export LC_ALL=C.UTF-8

cd "$(dirname "$0")/.."
FACILITIES=${FACILITIES:-10000}
EVENTS_PER=${EVENTS_PER:-10}
DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-128}
THREADS=${THREADS:-2}
ADDR=${ADDR:-127.0.0.1:18080}
DATA_DIR=${DATA_DIR:-target/loadtest/synth-$FACILITIES}
BIN=${BIN:-}
OUT=${OUT:-target/loadtest/results.txt}
SCENARIOS=${SCENARIOS:-healthz search facility api_search}

need() { command -v "$1" >/dev/null || { echo "loadtest: $1 is required ($2)" >&2; exit 2; }; }
need wrk "Debian: apt-get install wrk"
need curl "Debian: apt-get install curl"

if [ -z "$BIN" ]; then
  # Always through cargo (a no-op when up to date), so a stale binary is never measured.
  cargo build --release --bin mieru
  BIN=target/release/mieru
fi

mkdir -p "$(dirname "$OUT")" "$DATA_DIR"
if [ ! -f "$DATA_DIR/loaded" ]; then
  echo "preparing $FACILITIES synthetic facilities in $DATA_DIR…" >&2
  rm -rf "$DATA_DIR" && mkdir -p "$DATA_DIR"
  "$BIN" --data-dir "$DATA_DIR" synth --facilities "$FACILITIES" --events-per "$EVENTS_PER" \
    | tee "$DATA_DIR/synth.txt"
  touch "$DATA_DIR/loaded"
fi

LOG="$DATA_DIR/serve.log"
if [ "${ACCESS_LOG:-0}" = 1 ]; then
  LOG_FILTER="info,tantivy=warn,html5ever=error"
else
  LOG_FILTER="info,tantivy=warn,html5ever=error,mieru_web::access=warn"
fi
MIERU_RATE_PER_SEC=1000000 MIERU_RATE_BURST=1000000 RUST_LOG="$LOG_FILTER" \
  "$BIN" --data-dir "$DATA_DIR" serve --addr "$ADDR" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  curl -fsS "http://$ADDR/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited; see $LOG" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "http://$ADDR/healthz" >/dev/null

# Lists drawn from the served data: facility IDs and names from the API's facility list.
LISTS="$DATA_DIR/lists"
mkdir -p "$LISTS"
: >"$LISTS/ids.txt"
: >"$LISTS/names.txt"
cursor=""
for _ in $(seq 1 20); do
  page=$(curl -fsS "http://$ADDR/api/v1/facilities?kind=facility&limit=100${cursor:+&cursor=$cursor}")
  grep -o '"id":"F[^"]*"' <<<"$page" | cut -d'"' -f4 >>"$LISTS/ids.txt" || true
  grep -o '"name":"[^"]*"' <<<"$page" | cut -d'"' -f4 >>"$LISTS/names.txt" || true
  cursor=$(grep -o '"next_cursor":"[^"]*"' <<<"$page" | cut -d'"' -f4 || true)
  [ -n "$cursor" ] || break
done
sort -u -o "$LISTS/ids.txt" "$LISTS/ids.txt"
# Queries: whole names, their first four characters (partial names), and everyday searches.
{
  head -n 400 "$LISTS/names.txt"
  head -n 400 "$LISTS/names.txt" | sed -E 's/^(.{4}).*/\1/' | sort -u
  printf '%s\n' 再生医療 幹細胞 改善命令 東京都 さくら ｻｸﾗ クリニック "銀座 さくら" CLINIK \
    regenerativ 医療法人社団 "細胞培養加工" 2025 "大阪府 整形" 美容外科
} | awk 'length > 0' >"$LISTS/queries.txt"
echo "lists: $(wc -l <"$LISTS/ids.txt") facility IDs, $(wc -l <"$LISTS/queries.txt") queries" >&2
[ -s "$LISTS/ids.txt" ] || { echo "no facility IDs from the API" >&2; exit 1; }

SCRIPT=scripts/loadtest/paths.lua
run() {
  local label=$1 prefix=$2 list=${3:-}
  echo "== $label: $DURATION, $CONNECTIONS connections" >&2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "$SCRIPT" \
    "http://$ADDR" -- "$label" "$prefix" $list | tee -a "$OUT.raw" | grep '^RESULT' | tee -a "$OUT"
}
: >"$OUT"
: >"$OUT.raw"
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores; $FACILITIES facilities × $EVENTS_PER events;"
  echo "# $CONNECTIONS connections, $THREADS wrk threads, $DURATION per scenario"
} | tee -a "$OUT"
for s in $SCENARIOS; do
  case $s in
    healthz) run healthz /healthz ;;
    search) run search "/search?q=" "$LISTS/queries.txt" ;;
    facility) run facility "/facilities/" "$LISTS/ids.txt" ;;
    api_search) run api_search "/api/v1/search?q=" "$LISTS/queries.txt" ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done

kill -0 "$SERVER" 2>/dev/null || { echo "server died during the run; see $LOG" >&2; exit 1; }
bad=$(awk '/^RESULT/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] ~ /^(non2xx3xx|connect|read|write|timeout)$/) n += kv[2] } } END { print n + 0 }' "$OUT")
if [ "$bad" -ne 0 ]; then
  echo "loadtest: $bad errors (see $OUT.raw and $LOG)" >&2
  exit 1
fi
echo "loadtest: no errors; results in $OUT" >&2
