#!/usr/bin/env bash
# Runs formcheck's whole test suite on a fresh machine: installs what the tests need
# (system packages, ONNX Runtime, chromium for the report test), then `cargo test`.
# Tests that use the real clips in ../shared/realvids skip with a printed reason when those
# are absent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
scripts/setup.sh --deps-only --with-test-tools
# --show-output prints what passing tests wrote, so every "skipped: <reason>" is visible.
cargo test --release --locked "$@" -- --show-output
