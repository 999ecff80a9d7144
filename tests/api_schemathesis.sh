#!/usr/bin/env bash
# Property-based testing of a running `hltwap api` from its OpenAPI document, with schemathesis
# (pinned in requirements.txt, installed in the project's .venv).
#
#   tests/api_schemathesis.sh http://127.0.0.1:8000 [more schemathesis options]
#
# Every check runs but positive_data_acceptance: the document cannot say that `end` must not be
# earlier than `start`, or that a `cursor` must come from a previous response, so some
# schema-valid requests are rightly answered 422. A fixed seed and a bounded number of examples
# keep the run reproducible and short.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${HLTWAP_VENV:-$here/../.venv}
base=${1:?usage: api_schemathesis.sh BASE_URL [schemathesis options]}
shift

if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "api_schemathesis: $venv/bin/schemathesis is missing; run make deps" >&2
  exit 2
fi
# schemathesis keeps caches and reports in the working directory: use a scratch one.
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
cd "$workdir"
"$venv/bin/schemathesis" run "$base/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}" --seed 20251101 \
  --workers 2 --request-timeout 20 --max-failures 20 \
  "$@"
