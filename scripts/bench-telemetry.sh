#!/usr/bin/env bash
# The telemetry benchmark: ascribe against the DuckDB peer (and optionally chDB and the
# Python baseline) on the same gen_eve.py output, in the same run, under /usr/bin/time -v
# (wall time, peak RSS), outputs compared byte for byte; then the ratios.
#
#   bash scripts/bench-telemetry.sh [LINES] [INDICATORS]     (defaults 10000000 100000)
#
# Needs ../shared/bench (gen_eve.py, run_bench.py, peers/), ./.geo (scripts/setup-geo.sh)
# and duckdb (scripts/setup-bench.sh). Data goes to $BENCH_DIR (default /tmp/ascribe-bench),
# never into the repository. PEERS=duckdb,chdb,python to run more peers; REPEAT=N for best of N.
# The parse floor (shared/bench/jsonbound in sonic-alert mode: skip non-alert lines, parse
# the alert ones with sonic-rs, nothing else) is measured in the same run; PROBE=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LINES=${1:-10000000}
NIND=${2:-100000}
B=${SHARED:-$ROOT/../shared}/bench
D=${BENCH_DIR:-/tmp/ascribe-bench}
PEERS=${PEERS:-duckdb}
REPEAT=${REPEAT:-1}
THREADS=${THREADS:-2}
mkdir -p "$D"
[ -f "$B/gen_eve.py" ] || { echo "bench: $B/gen_eve.py not found (set SHARED=path/to/shared)" >&2; exit 2; }
[ -d .geo ] || bash scripts/setup-geo.sh
EVE=$D/eve_$LINES.json
IND=$D/ind_${LINES}_$NIND.csv
if [ ! -s "$EVE" ] || [ ! -s "$IND" ]; then
    echo "bench: generating $LINES lines and $NIND indicators into $D (takes a while)" >&2
    python3 "$B/gen_eve.py" --lines "$LINES" --out "$EVE" --indicators "$NIND" --ind-out "$IND" --jobs 2
fi
# The peers read GEO/flat/ (prep_geo.py); ascribe reads the packages as fetched.
GEO=$D/geo
if [ ! -d "$GEO/flat" ]; then
    mkdir -p "$GEO"
    for p in geo-whois-asn-country geo-whois-asn-country-mmdb asn; do ln -sfn "$ROOT/.geo/$p" "$GEO/$p"; done
    python3 "$B/prep_geo.py" "$GEO"
fi
cargo build --release --locked -p ascribe-cli >&2
BIN=$ROOT/target/release/ascribe
JSON=$D/results_${LINES}_$NIND.jsonl
rm -f "$JSON"
echo "bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 "$B/run_bench.py" --eve "$EVE" --ind "$IND" --geo "$GEO" --peers "$PEERS" --repeat "$REPEAT" \
    --threads "$THREADS" --out-dir "$D/out" --json "$JSON" \
    --cmd "ascribe=$BIN --db /dev/null telemetry ingest {eve} --indicators {ind} --geo $ROOT/.geo --threads $THREADS --format csv --out {out} > /dev/null"
python3 - "$JSON" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ours = next((r for r in rows if r["peer"] == "ascribe"), None)
if ours is None:
    sys.exit("bench: no ascribe result")
print(f"\n{'':10s} {'wall s':>8s} {'peak RSS MB':>12s} {'wall / ascribe':>15s} {'RSS / ascribe':>14s}")
for r in rows:
    print(f"{r['peer']:10s} {r['wall_s']:8.2f} {r['max_rss_kb']/1024:12.0f} "
          f"{r['wall_s']/ours['wall_s']:15.1f} {r['max_rss_kb']/ours['max_rss_kb']:14.1f}")
PY
if [ "${PROBE:-1}" != 0 ] && [ -f "$B/jsonbound/Cargo.toml" ]; then
    CARGO_TARGET_DIR=$D/jsonbound-target cargo build --release --quiet --manifest-path "$B/jsonbound/Cargo.toml" >&2
    best=""
    for _ in $(seq "$REPEAT"); do
        t=$("$D/jsonbound-target/release/jsonbound" sonic-alert "$EVE" "$THREADS" | sed -n 's/.*total_s=\([0-9.]*\).*/\1/p')
        best=$(python3 -c "import sys; v=[float(x) for x in sys.argv[1:] if x]; print(min(v))" $best $t)
    done
    python3 - "$JSON" "$best" "$THREADS" <<'PY'
import json, sys
ours = next(r for r in map(json.loads, open(sys.argv[1])) if r["peer"] == "ascribe")
floor = float(sys.argv[2])
print(f"\nparse floor (jsonbound sonic-alert, {sys.argv[3]} threads, best of the run): {floor:.2f} s; "
      f"ascribe / floor: {ours['wall_s'] / floor:.2f}")
PY
fi
