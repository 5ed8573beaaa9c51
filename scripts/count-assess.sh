#!/usr/bin/env bash
# Instructions per evidence item of the assessment alone (`ascribe_assess::assess`,
# no parsing), counted by valgrind's callgrind at 1,000, 10,000 and 100,000 items.
# Instruction counts do not depend on the machine's load, so this shows how the
# work grows with the case even on a busy machine; cache misses are not in it
# (the criterion bench, `cargo bench -p ascribe-assess --bench assess`, has time).
# Usage: scripts/count-assess.sh [SIZES...]   (SKIP_BUILD=1 to use the built example)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
command -v valgrind >/dev/null || { echo "count-assess: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    cargo build --release --locked -p ascribe-assess --example assess_synth
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%9s  %16s  %16s\n' items instructions "per item"
for n in "${sizes[@]}"; do
    valgrind --tool=callgrind --callgrind-out-file="$work/out" \
        --toggle-collect='ascribe_assess::assess' \
        target/release/examples/assess_synth "$n" 1 >/dev/null 2>"$work/log" || {
        echo "count-assess: valgrind failed at $n items:" >&2; cat "$work/log" >&2; exit 1; }
    ir=$(grep -oE 'Collected : [0-9]+' "$work/log" | grep -oE '[0-9]+$')
    printf '%9d  %16d  %16.0f\n' "$n" "$ir" "$(awk -v a="$ir" -v b="$n" 'BEGIN { print a / b }')"
done
