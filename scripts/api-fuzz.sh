#!/usr/bin/env bash
# OpenAPI fuzzing of a running devnet node: schemathesis (PyPI) generates requests from the
# node's own /v1/openapi.json and checks every answer against it (no 5xx, documented status
# codes, response bodies that match their schemas, content types).
#
#   scripts/api-fuzz.sh                  # build, start a fresh fleet-less devnet, fuzz, stop it
#   TERRANE_API=http://127.0.0.1:8650 scripts/api-fuzz.sh   # fuzz a node that is already up
#
# Environment: TERRANE_BIN (a built terrane binary; default: cargo build --release),
# FUZZ_EXAMPLES (examples per operation, default 200), FUZZ_SECONDS (how long the
# devnet may run, default 900), FUZZ_VENV (where schemathesis is installed, default
# target/schemathesis-venv), FUZZ_REPORT (JUnit report path, default
# target/api-fuzz/junit.xml), FUZZ_EXCLUDE (checks to skip, default
# positive_data_acceptance). Exits non-zero if any other check fails.
#
# positive_data_acceptance ("a schema-valid request was rejected") is skipped by default: two
# refusals are rules a schema cannot state, and the document says them in words and lists their
# 400s: a cell index shaped like a cell can still name no cell (a base cell above 121, a bad
# resolution digit), and a transaction that is well-formed hex can still be refused by the node
# (the POST /v1/tx examples are real signed transactions of the test chain, which any other chain
# refuses: another chain id, another nonce). Set FUZZ_EXCLUDE= to run it too.
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${FUZZ_EXAMPLES:-200}"
seconds="${FUZZ_SECONDS:-900}"
venv="${FUZZ_VENV:-target/schemathesis-venv}"
report="${FUZZ_REPORT:-target/api-fuzz/junit.xml}"
exclude="${FUZZ_EXCLUDE-positive_data_acceptance}"
mkdir -p "$(dirname "$report")"

if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'schemathesis>=4,<5'
fi

devnet_pid=""
cleanup() {
  if [ -n "$devnet_pid" ]; then
    kill -INT "$devnet_pid" 2>/dev/null || true
    wait "$devnet_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

api="${TERRANE_API:-}"
if [ -z "$api" ]; then
  port=18650
  dir="target/api-fuzz/devnet"
  bin="${TERRANE_BIN:-}"
  if [ -z "$bin" ]; then
    cargo build --release -p terrane
    bin="${CARGO_TARGET_DIR:-target}/release/terrane"
  fi
  "$bin" devnet --dir "$dir" --fresh --no-fleet \
    --api-port "$port" --p2p-port 37650 --duration-secs "$seconds" \
    >"target/api-fuzz/devnet.log" 2>&1 &
  devnet_pid=$!
  api="http://127.0.0.1:$port"
  # Wait for the first finalized block, so state endpoints answer from a real state.
  for _ in $(seq 1 120); do
    if curl -fsS "$api/v1/blocks/latest" >/dev/null 2>&1; then
      break
    fi
    sleep 1
  done
  curl -fsS "$api/v1/blocks/latest" >/dev/null
fi

"$venv/bin/schemathesis" run "$api/v1/openapi.json" \
  --url "$api" \
  --checks all \
  ${exclude:+--exclude-checks "$exclude"} \
  --max-examples "$examples" \
  --request-timeout 10 \
  --report junit --report-junit-path "$report"
