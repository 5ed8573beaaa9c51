#!/usr/bin/env bash
# `ascribe assess` at the size of real incidents, through the release binary:
# seeded synthetic cases (ascribe_assess::synth) of 1,000, 10,000 and 100,000
# evidence items; wall and CPU time (medians of RUNS) and peak RSS of
#   check   `case check FILE`                 reading and parsing the case file
#   json    `assess FILE --format json`       parse + assessment + JSON out
#   text    `assess FILE`                     parse + assessment + report
#   import  `case import FILE`                parse + storing it (fresh database)
#   by-id   `assess ID --format json`         reading it from the store + assessment
# Usage: scripts/bench-assess.sh [SIZES...]   (RUNS=3 by default; SKIP_BUILD=1 to
# use the binaries already in target/release)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
runs=${RUNS:-3}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    cargo build --release --locked -p ascribe-cli --bin ascribe -p ascribe-assess --example synth_case
fi
bin=target/release/ascribe
gen=target/release/examples/synth_case
[ -x /usr/bin/time ] || { echo "bench-assess: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a command RUNS times; prints "wall/cpu MB": the median wall time, the
# median CPU time (user + system: what the command itself used, which the load
# of a shared machine does not inflate) and the peak RSS, all in one cell.
measure() {
    local walls=() cpus=() peak=0 t u sy m
    for _ in $(seq "$runs"); do
        [ -z "${FRESH_DB:-}" ] || rm -f "$FRESH_DB" "$FRESH_DB-wal" "$FRESH_DB-shm"
        /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
            echo "bench-assess: failed: $*" >&2; cat "$work/err" >&2; exit 1; }
        read -r t u sy m <"$work/time"
        walls+=("$t")
        cpus+=("$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')")
        [ "$m" -gt "$peak" ] && peak=$m
    done
    local mid=$(( (runs + 1) / 2 ))
    printf '%s/%s %d' \
        "$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "${mid}p")" \
        "$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "${mid}p")" \
        $(( (peak + 1023) / 1024 ))
}

echo "# $(date -u +%FT%TZ) $(uptime | sed 's/.*load/load/'); nproc $(nproc); median of $runs runs"
printf '%9s %7s | %-17s| %-17s| %-17s| %-17s| %-17s\n' items file \
    "check wall/cpu MB" "json wall/cpu MB" "text wall/cpu MB" "import wall/cpu MB" "by-id wall/cpu MB"
for n in "${sizes[@]}"; do
    file="$work/case-$n.toml"
    "$gen" "$n" 1 >"$file"
    id="synthetic-$n-1"
    db="$work/db-$n.sqlite"
    check=$(measure "$bin" --db "$work/none.db" case check "$file")
    json=$(measure "$bin" --db "$work/none.db" assess "$file" --format json)
    text=$(measure "$bin" --db "$work/none.db" assess "$file")
    import=$(FRESH_DB="$db" measure "$bin" --db "$db" case import "$file")
    "$bin" --db "$db" case import "$file" 2>/dev/null
    byid=$(measure "$bin" --db "$db" assess "$id" --format json)
    mb=$(du -m "$file" | cut -f1)
    printf '%9d %5sMB | %-17s| %-17s| %-17s| %-17s| %-17s\n' "$n" "$mb" "$check" "$json" "$text" "$import" "$byid"
done
