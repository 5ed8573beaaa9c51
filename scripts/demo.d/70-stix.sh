# STIX 2.1 and TAXII 2.1: export the example incident at TLP:AMBER and at
# TLP:CLEAR, validate both with the OASIS validator when it is installed, show
# how the estimative statement differs, then serve them over TAXII for a few
# requests. Sourced by scripts/demo with $ASCRIBE and $DB set.

STIX_DIR="$(dirname "$DB")/stix"
mkdir -p "$STIX_DIR"

step "STIX 2.1: export vaccine-research-2020 at TLP:AMBER and at TLP:CLEAR (the public view, recomputed)"
"$ASCRIBE" --db "$DB" stix export vaccine-research-2020 --tlp amber --publish --out "$STIX_DIR/vaccine-amber.json"
"$ASCRIBE" --db "$DB" stix export vaccine-research-2020 --tlp clear --publish --out "$STIX_DIR/vaccine-clear.json"

if command -v python3 >/dev/null 2>&1; then
    python3 - "$STIX_DIR/vaccine-amber.json" "$STIX_DIR/vaccine-clear.json" <<'PY'
import collections, json, sys
names = {"94868c89": "CLEAR", "bab4a63c": "GREEN", "55d920b0": "AMBER", "939a9414": "AMBER+STRICT", "e828b379": "RED"}
for path in sys.argv[1:]:
    b = json.load(open(path))
    marks = collections.Counter(names.get(o["object_marking_refs"][0].split("--")[1][:8], "?") for o in b["objects"])
    report = next(o for o in b["objects"] if o["type"] == "report")
    rel = [o for o in b["objects"] if o["type"] == "relationship" and o["source_ref"].startswith("incident--")]
    print(f"{path.rsplit('/', 1)[-1]}: {len(b['objects'])} objects by marking {dict(marks)}")
    print(f"  report: {report['description']}")
    for r in rel:
        print(f"  attributed-to confidence {r['confidence']}: {r['description']}")
PY
fi

if command -v python3 >/dev/null 2>&1 && python3 -c "import stix2validator" 2>/dev/null; then
    step "Validate both bundles with the OASIS stix2-validator 3.2.0"
    python3 -c "import sys; from stix2validator.scripts.stix2_validator import main; sys.argv[0] = 'stix2_validator'; main()" \
        --version 2.1 "$STIX_DIR/vaccine-amber.json" "$STIX_DIR/vaccine-clear.json" 2>&1 \
        | grep -E 'Results for|STIX JSON|\[X\]' || true
    echo "(warnings about UUIDv5 ids are expected: ascribe derives ids deterministically)"
else
    echo "(stix2-validator not installed: run scripts/setup-stix.sh to validate the bundles)" >&2
fi

step "TAXII 2.1: ascribe serve on a free loopback port, a user cleared to TLP:AMBER, and anonymous requests"
printf 'demo-password-amber\n' | "$ASCRIBE" --db "$DB" users add demo-amber --role reader --clearance amber --password-stdin
SERVE_LOG="$STIX_DIR/serve.log"
# Made before the server starts: the background child opens it only when it is
# scheduled, and reading a log not yet there stopped the demo (set -e, pipefail).
: >"$SERVE_LOG"
"$ASCRIBE" --db "$DB" serve --listen 127.0.0.1:0 2>"$SERVE_LOG" &
SERVE_PID=$!
TAXII_ADDR=""
for _ in $(seq 1 100); do
    TAXII_ADDR="$(sed -n 's|.*TAXII 2.1 at http://\([0-9.:]*\)/taxii2/.*|\1|p' "$SERVE_LOG" | head -n 1)"
    [ -n "$TAXII_ADDR" ] && break
    sleep 0.1
done
if [ -n "$TAXII_ADDR" ] && command -v curl >/dev/null 2>&1; then
    H='Accept: application/taxii+json;version=2.1'
    COLL=9b2e6c1d-3f4a-4d7b-8e5c-1a0f2b3c4d5e
    echo "\$ curl http://$TAXII_ADDR/api1/collections/   (anonymous)"
    curl -s -H "$H" "http://$TAXII_ADDR/api1/collections/"; echo
    count() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d.get("objects", [])), "objects:", ", ".join(sorted({o["type"] for o in d.get("objects", [])})))'; }
    echo "\$ curl .../collections/assessments/objects/   (anonymous: TLP:CLEAR only; latest visible version of each)"
    curl -s -H "$H" "http://$TAXII_ADDR/api1/collections/$COLL/objects/" | count
    echo "\$ curl -u demo-amber .../collections/assessments/objects/   (cleared to TLP:AMBER)"
    curl -s -H "$H" -u demo-amber:demo-password-amber "http://$TAXII_ADDR/api1/collections/$COLL/objects/" | count
    echo "\$ curl -u demo-amber:wrong .../collections/   (bad password: a TAXII error)"
    curl -s -H "$H" -u demo-amber:wrong "http://$TAXII_ADDR/api1/collections/"; echo
else
    echo "(the server did not report its address, or curl is missing; see $SERVE_LOG)" >&2
fi
kill "$SERVE_PID" 2>/dev/null || true
wait "$SERVE_PID" 2>/dev/null || true
