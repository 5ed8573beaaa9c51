#!/usr/bin/env bash
# Fetches the free ip-location-db databases (IP -> country, IP -> AS number and name)
# from the npm registry into ./.geo (or $ASCRIBE_GEO_DIR), the folder
# `ascribe telemetry ingest` reads by default. Idempotent: packages already unpacked
# at the pinned version are left alone.
#
#   .geo/geo-whois-asn-country/       country ranges (CSV)   CC0-1.0; NRO data, CC BY 4.0 attribution
#   .geo/geo-whois-asn-country-mmdb/  the same as a MaxMind DB
#   .geo/asn/                         AS ranges with names   CC BY 4.0: RouteViews, DB-IP (link back to db-ip.com)
#
# Set GEO_VERSION to fetch another published version (default pinned below).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${ASCRIBE_GEO_DIR:-.geo}
VER=${GEO_VERSION:-2.3.2026061719}
mkdir -p "$DIR"
if ! command -v npm >/dev/null 2>&1; then
    echo "setup-geo: npm is needed to fetch the geolocation databases (apt-get install npm)" >&2
    exit 2
fi
for pkg in geo-whois-asn-country geo-whois-asn-country-mmdb asn; do
    if [ -f "$DIR/$pkg/package.json" ] && grep -q "\"version\": \"$VER\"" "$DIR/$pkg/package.json"; then
        echo "setup-geo: $DIR/$pkg $VER already present" >&2
        continue
    fi
    tmp=$(mktemp -d)
    tgz=$(cd "$tmp" && npm pack --silent "@ip-location-db/${pkg}@${VER}" | tail -1)
    rm -rf "${DIR:?}/$pkg.new" && mkdir -p "$DIR/$pkg.new"
    tar xzf "$tmp/$tgz" -C "$DIR/$pkg.new" --strip-components=1
    rm -rf "${DIR:?}/$pkg" && mv "$DIR/$pkg.new" "$DIR/$pkg"
    rm -rf "$tmp"
    echo "setup-geo: fetched @ip-location-db/$pkg@$VER into $DIR/$pkg" >&2
done
