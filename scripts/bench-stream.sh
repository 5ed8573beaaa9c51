#!/usr/bin/env bash
# Telemetry past one machine (issue 22), measured end to end on this machine:
#
#   single node   ascribe telemetry ingest (2 threads) on the same file, same run
#   end to end    ascribe ship -> JetStream -> 2 ascribe workers -> PostgreSQL, from
#                 the shipper's start to the last batch applied (polled every 0.1 s)
#   transport     ascribe ship -> JetStream -> ascribe worker --transport-only (pull,
#                 unpack and acknowledge, no counting, no database), to the last batch
#                 received; then the two halves apart, as the broker's reference figures
#                 are taken: publish alone into an empty stream, and pull alone from the
#                 full stream
#
# COMPRESS=none ships the log's bytes (`ship --compress`); the default, as ship's, is zstd.
#
# and checks that `telemetry report` prints the bytes `telemetry ingest` prints. Each
# timed phase starts after `sync`: the broker writes every batch to its store, and the
# previous phase's pages being written back would otherwise take CPU from the next.
# Prints lines/s, rows upserted/s, the aggregation gain (rows upserted / final rows)
# and the workers' peak RSS (/usr/bin/time -v), for each size given (default 200000
# and 2000000 lines: time per line at 1x and 10x; 100x is 14 GB of log).
#
#   bash scripts/bench-stream.sh [LINES...]        (BIN=path/to/ascribe to skip the build)
#
# Needs nats-server (JetStream) on 127.0.0.1:4222, PostgreSQL on 127.0.0.1:5432
# (PG=postgres://USER@HOST/DB to change), ../shared/bench/gen_eve.py, ./.geo
# (scripts/setup-geo.sh). Data goes to $BENCH_DIR (default /tmp/ascribe-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=${SHARED:-$ROOT/../shared}/bench
D=${BENCH_DIR:-/tmp/ascribe-bench}
PG=${PG:-postgres://postgres@127.0.0.1:5432/test}
NATS=${NATS:-nats://127.0.0.1:4222}
WORKERS=${WORKERS:-2}
COMPRESS=${COMPRESS:-zstd}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(200000 2000000)
mkdir -p "$D"
[ -d .geo ] || bash scripts/setup-geo.sh
if [ -z "${BIN:-}" ]; then
    cargo build --release --locked -p ascribe-cli >&2
    BIN=$ROOT/target/release/ascribe
fi
now() { date +%s.%N; }
for LINES in "${SIZES[@]}"; do
    EVE=$D/eve_$LINES.json
    IND=$D/ind_${LINES}_100000.csv
    if [ ! -s "$EVE" ] || [ ! -s "$IND" ]; then
        echo "bench: generating $LINES lines into $D" >&2
        python3 "$B/gen_eve.py" --lines "$LINES" --out "$EVE" --indicators 100000 --ind-out "$IND" --jobs 2
    fi
    TAG=b$$_$LINES
    S=${TAG^^}
    DB="$PG?options=-c%20search_path%3D$TAG"
    psql "$PG" -qc "DROP SCHEMA IF EXISTS $TAG CASCADE; CREATE SCHEMA $TAG" >/dev/null
    BROKER=(--nats "$NATS" --stream "$S" --subject-prefix "bench.$TAG")
    # Single node, the oracle.
    sync
    t0=$(now)
    "$BIN" --db /dev/null telemetry ingest "$EVE" --indicators "$IND" --geo .geo --format csv --out "$D/single_$LINES.csv" >/dev/null 2>"$D/single_$LINES.log"
    single=$(echo "$(now) - $t0" | bc -l)
    # End to end: workers first (they migrate the empty schema), then the shipper.
    pids=()
    for i in $(seq 1 "$WORKERS"); do
        /usr/bin/time -v -o "$D/worker${i}_$LINES.time" "$BIN" --db "$DB" worker "${BROKER[@]}" --geo .geo \
            --indicators "$IND" --idle-exit 4 --name "w$i" >"$D/worker${i}_$LINES.json" 2>"$D/worker${i}_$LINES.log" &
        pids+=($!)
    done
    sleep 2
    rm -f "$D/ckpt_$TAG.json"
    sync
    t0=$(now)
    "$BIN" ship "$EVE" --sensor bench --compress "$COMPRESS" "${BROKER[@]}" --checkpoint "$D/ckpt_$TAG.json" >"$D/ship_$LINES.json" 2>"$D/ship_$LINES.log"
    shipped=$(echo "$(now) - $t0" | bc -l)
    until [ "$(psql "$DB" -Atc 'SELECT coalesce(sum(lines),0) FROM ingested_batches')" -ge "$LINES" ]; do sleep 0.1; done
    e2e=$(echo "$(now) - $t0" | bc -l)
    for p in "${pids[@]}"; do wait "$p"; done
    "$BIN" --db "$DB" telemetry report --format csv >"$D/report_$LINES.csv"
    if cmp -s "$D/report_$LINES.csv" "$D/single_$LINES.csv"; then same=identical; else same=DIFFERENT; fi
    read -r upserted txs < <(psql "$DB" -Atc "SELECT sum(rows_upserted), sum(transactions) FROM stream_workers" | tr '|' ' ')
    final=$(psql "$DB" -Atc "SELECT count(*) FROM telemetry_counts")
    batches=$(psql "$DB" -Atc "SELECT count(*) FROM ingested_batches")
    rss=$(for i in $(seq 1 "$WORKERS"); do awk -F': ' '/Maximum resident/ {print $2}' "$D/worker${i}_$LINES.time"; done | sort -n | tail -1)
    # Transport alone, on a stream of its own.
    S2=${S}_T
    BROKER2=(--nats "$NATS" --stream "$S2" --subject-prefix "bench.${TAG}_t")
    "$BIN" --db "$DB" worker "${BROKER2[@]}" --no-geo --transport-only --idle-exit 3 >"$D/drain_$LINES.json" 2>/dev/null &
    dp=$!
    sleep 1
    rm -f "$D/ckpt_${TAG}_t.json"
    # PostgreSQL writes the end to end run's pages now, not during the transport run.
    psql "$PG" -qc CHECKPOINT
    sync
    t0=$(now)
    "$BIN" ship "$EVE" --sensor bench --compress "$COMPRESS" "${BROKER2[@]}" --checkpoint "$D/ckpt_${TAG}_t.json" >/dev/null 2>&1
    wait "$dp"
    last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["last_at"])' "$D/drain_$LINES.json")
    transport=$(echo "$last - $t0" | bc -l)
    # The halves apart: publish into an empty stream with no one pulling, then pull it all.
    S3=${S}_P
    BROKER3=(--nats "$NATS" --stream "$S3" --subject-prefix "bench.${TAG}_p")
    rm -f "$D/ckpt_${TAG}_p.json"
    sync
    t0=$(now)
    "$BIN" ship "$EVE" --sensor bench --compress "$COMPRESS" "${BROKER3[@]}" --checkpoint "$D/ckpt_${TAG}_p.json" >/dev/null 2>&1
    publish=$(echo "$(now) - $t0" | bc -l)
    sync
    t0=$(now)
    "$BIN" --db "$DB" worker "${BROKER3[@]}" --no-geo --transport-only --idle-exit 2 >"$D/pull_$LINES.json" 2>/dev/null
    last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["last_at"])' "$D/pull_$LINES.json")
    pull=$(echo "$last - $t0" | bc -l)
    python3 - "$LINES" "$single" "$shipped" "$e2e" "$transport" "$upserted" "$txs" "$final" "$batches" "$rss" "$same" "$publish" "$pull" "$COMPRESS" <<'PY'
import sys
lines, single, shipped, e2e, transport = int(sys.argv[1]), *map(float, sys.argv[2:6])
upserted, txs, final, batches, rss, same = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9]), int(sys.argv[10]), sys.argv[11]
publish, pull, compress = float(sys.argv[12]), float(sys.argv[13]), sys.argv[14]
print(f"\n{lines:,} EVE lines, {batches:,} batches (compress: {compress}), {final:,} output rows; report vs single node: {same}")
print(f"  single node (ingest, 2 threads) {single:7.2f} s  {lines/single:12,.0f} lines/s  {single/lines*1e9:8.0f} ns/line")
print(f"  end to end (ship->2 workers->PG){e2e:7.2f} s  {lines/e2e:12,.0f} lines/s  {e2e/lines*1e9:8.0f} ns/line  (shipper alone {shipped:.2f} s)")
print(f"  transport (ship->JetStream->pull){transport:6.2f} s  {lines/transport:12,.0f} lines/s  {transport/lines*1e9:8.0f} ns/line")
print(f"    publish alone                {publish:7.2f} s  {lines/publish:12,.0f} lines/s  {publish/lines*1e9:8.0f} ns/line")
print(f"    pull alone                   {pull:7.2f} s  {lines/pull:12,.0f} lines/s  {pull/lines*1e9:8.0f} ns/line")
print(f"  rows upserted {upserted:,} in {txs} transactions: {upserted/e2e:,.0f} rows/s over the run; aggregation gain {upserted/final:.2f} (rows upserted / final rows)")
print(f"  worker peak RSS {rss/1024:.0f} MB")
PY
    psql "$PG" -qc "DROP SCHEMA IF EXISTS $TAG CASCADE" >/dev/null
    "$BIN" status "${BROKER[@]}" --delete-stream
    "$BIN" status "${BROKER2[@]}" --delete-stream
    "$BIN" status "${BROKER3[@]}" --delete-stream
done
