#!/usr/bin/env bash
# PostgreSQL for the tests that run the store against it (the behaviour
# suite, the `ascribe` binary on postgres://): Debian's packages, the main
# cluster on 127.0.0.1:5432, trust authentication for local connections (a
# test machine only), and a database `test`. CI then sets
# ASCRIBE_REQUIRE_POSTGRES=1 so those tests fail rather than skip.
# Idempotent: a server that already answers is only given its database.
set -euo pipefail

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    hba=/etc/postgresql/$version/main/pg_hba.conf
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
        # Trust first, so it wins over the packaged password rules.
        sed -i '1i local all all trust\nhost all all 127.0.0.1/32 trust' "$hba"
    fi
    pg_ctlcluster "$version" main start || pg_ctlcluster "$version" main reload
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p 5432 && break
        sleep 1
    done
fi

for user in postgres root; do
    if psql -h 127.0.0.1 -U "$user" -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
        if [ "$(psql -h 127.0.0.1 -U "$user" -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'test'")" != 1 ]; then
            psql -h 127.0.0.1 -U "$user" -d postgres -qc 'CREATE DATABASE test'
        fi
        echo "PostgreSQL at 127.0.0.1:5432, database test, user $user" >&2
        exit 0
    fi
done
echo "PostgreSQL at 127.0.0.1:5432 does not let user postgres or root in (trust auth expected)" >&2
exit 1
