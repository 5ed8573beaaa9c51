#!/usr/bin/env bash
# Installs the OASIS Python tools the STIX/TAXII tests and benchmark run against:
# the STIX 2.1 validator (pinned to 3.2.0: 3.3.1 ships without its schemas),
# the TAXII 2.1 client and the reference TAXII server medallion.
# Idempotent: pip leaves already-satisfied pins alone.
set -euo pipefail

PY="${PYTHON:-python3}"
if ! command -v "$PY" >/dev/null 2>&1; then
    echo "setup-stix: $PY not found; the STIX validator and TAXII client tests will be skipped" >&2
    exit 0
fi
"$PY" -m pip install --quiet --disable-pip-version-check \
    "stix2-validator==3.2.0" "taxii2-client==2.3.0" "medallion==3.0.0"
"$PY" - <<'PY'
import importlib
for m in ("stix2validator", "taxii2client", "medallion"):
    importlib.import_module(m)
print("setup-stix: stix2-validator, taxii2-client and medallion are installed")
PY
