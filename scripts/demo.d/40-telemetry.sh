# Sensor logs: attacks by source territory and network, indicators matched, evidence.
# Sourced by scripts/demo with $ASCRIBE and $DB set and the example case imported.
GEO_DIR=${ASCRIBE_GEO:-.geo}
if [ ! -d "$GEO_DIR/geo-whois-asn-country" ] && [ ! -d "$GEO_DIR/flat" ] && ! ls "$GEO_DIR"/*.mmdb >/dev/null 2>&1; then
    step "Telemetry: no geolocation database in $GEO_DIR"
    echo "The IP -> country/AS databases are missing. Fetch them (npm registry, ~37 MB) with:" >&2
    echo "    bash scripts/setup-geo.sh" >&2
    echo "then run bash scripts/demo again. Skipping the telemetry step." >&2
else
    step "Telemetry: ingest a Suricata EVE sample (examples/telemetry/, 2,000 lines, gzip) with indicators linked to APT29/APT28, attach to vaccine-research-2020"
    echo "(The sample and the actor links are illustrative: generated with shared/bench/gen_eve.py, links invented for the demo.)" >&2
    "$ASCRIBE" --db "$DB" telemetry ingest examples/telemetry/eve-sample.json.gz \
        --indicators examples/telemetry/indicators.csv --geo "$GEO_DIR" \
        --event-types alert,dns,http,tls --incident vaccine-research-2020 --limit 10

    step "Telemetry: the same alerts as the CSV the benchmark peers write (first lines)"
    "$ASCRIBE" --db "$DB" telemetry ingest examples/telemetry/eve-sample.json.gz \
        --indicators examples/telemetry/indicators.csv --geo "$GEO_DIR" --format csv 2>/dev/null | head -6

    step "Telemetry: the assessment with the sightings and source geolocation as evidence"
    "$ASCRIBE" --db "$DB" assess vaccine-research-2020
fi
