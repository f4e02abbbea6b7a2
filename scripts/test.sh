#!/usr/bin/env bash
# The whole test suite: formatting, lints, then every test of every crate.
# PostgreSQL tests run when MIERU_TEST_DATABASE_URL is set (.ci/run sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace --all-targets
