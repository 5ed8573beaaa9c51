#!/usr/bin/env bash
# The nightly toolchain and cargo-fuzz, which scripts/fuzz (and so scripts/test's short
# fuzz run) needs: libFuzzer's instrumentation is a nightly-only compiler option.
# Idempotent: an installed nightly and cargo-fuzz are left alone.
set -euo pipefail
if ! cargo +nightly --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if cargo fuzz --version >/dev/null 2>&1; then
    echo "setup-fuzz: $(cargo fuzz --version) already installed" >&2
    exit 0
fi
cargo install cargo-fuzz --version 0.13.2 --locked
