#!/usr/bin/env bash
# Installs what the browser test (crates/ascribe-server/tests/browser.rs) drives:
# Debian's chromium (apt) and, from the npm registry, playwright-core and
# @axe-core/playwright pinned by tests/browser/package-lock.json (`npm ci`).
# No browser is downloaded by npm: playwright-core has no install script and
# the test launches /usr/bin/chromium. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            chromium fonts-dejavu-core >/dev/null
    else
        echo "setup-browser: chromium is missing and apt-get (as root) is not available; the browser test will be skipped" >&2
    fi
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "setup-browser: npm not found; the browser test will be skipped" >&2
    exit 0
fi
if [ ! -f tests/browser/node_modules/.package-lock.json ] ||
    ! cmp -s tests/browser/package-lock.json tests/browser/node_modules/.ascribe-lock; then
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
    cp tests/browser/package-lock.json tests/browser/node_modules/.ascribe-lock
fi
echo "setup-browser: $(command -v chromium || echo 'no chromium'), playwright-core and @axe-core/playwright in tests/browser/node_modules" >&2
