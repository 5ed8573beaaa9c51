#!/usr/bin/env bash
# Python tools the telemetry tests and benchmark compare against: the DuckDB peer in
# ../shared/bench/peers/ (pinned as measured in shared/reference/perf-peers.md).
# Idempotent: pip leaves an installed pinned version alone.
set -euo pipefail
if ! command -v python3 >/dev/null 2>&1; then
    echo "setup-bench: python3 is needed for the DuckDB peer" >&2
    exit 2
fi
if python3 -c 'import duckdb, sys; sys.exit(0 if duckdb.__version__ == "2.0.0" else 1)' 2>/dev/null; then
    echo "setup-bench: duckdb 2.0.0 already installed" >&2
    exit 0
fi
python3 -m pip install --quiet duckdb==2.0.0
