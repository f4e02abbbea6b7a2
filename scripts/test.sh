#!/usr/bin/env bash
# The whole test suite: the module structure, formatting, lints, every test of every crate,
# and the doctests.
# PostgreSQL tests run when MIERU_TEST_DATABASE_URL is set (.ci/run sets it); without it each
# test warns that it skipped its PostgreSQL half, and MIERU_REQUIRE_POSTGRES=1 (.ci/run sets
# it too) turns that skip into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# Structure first (it takes a second): a module cycle or a function over 120 lines outside
# tests fails the suite.
# The tool lives in the shared checkout beside this repository (../shared), as on CI.
cycles_tool=../shared/tools/module_cycles.py
if [ ! -f "$cycles_tool" ]; then
  echo "test.sh: $cycles_tool not found (the shared tools checkout belongs beside the repo)" >&2
  exit 1
fi
cycles=0
for crate_src in src web/src crawler/src text/src; do
  # The tool exits 1 when it finds a cycle OR a long function; only its output decides here.
  status=0
  report=$(python3 "$cycles_tool" "$crate_src") || status=$?
  printf '%s\n' "$report"
  # A Python error also exits 1: the closing summary line tells a finished run apart.
  if [ "$status" -gt 1 ] || ! grep -q "^$crate_src: [0-9]* modules" <<<"$report"; then
    echo "test.sh: module_cycles.py failed on $crate_src (exit $status)" >&2
    exit 1
  fi
  if grep -q '^cycle:\|^long fn:' <<<"$report"; then
    cycles=1
  fi
done
if [ "$cycles" -ne 0 ]; then
  echo "test.sh: module cycles or long functions found (the 'cycle:' / 'long fn:' lines above)" >&2
  exit 1
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace --all-targets
# --all-targets leaves the doctests out.
cargo test --doc --workspace

