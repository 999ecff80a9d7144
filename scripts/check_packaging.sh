#!/usr/bin/env bash
# `make check-packaging`: lints the files no test runs, offline, with the linters `make deps`
# installs (pinned in requirements.txt, package-lock.json and scripts/deps.sh):
#   Dockerfile               hadolint (.hadolint.yaml)
#   docker-compose.yml       dclint (.dclintrc) and the Compose specification's schema
#   .github/workflows/*.yml  the GitHub workflow schema
#   shell scripts            shellcheck (*.sh and files with a shell shebang)
#   systemd units            systemd-analyze verify, against a stub of the installed binary
# Any finding at warning level or above fails; a rule turned off is turned off in the linter's
# configuration file, with its reason.
#
#   scripts/check_packaging.sh              every such file in git, but the fixtures
#   scripts/check_packaging.sh --self-test  each check on the broken fixtures in tests/packaging/,
#                                           which it must reject, so that no check passes vacuously
set -euo pipefail
cd "$(dirname "$0")/.."

fixtures=tests/packaging
hadolint=.venv/bin/hadolint
check_jsonschema=.venv/bin/check-jsonschema
dclint=node_modules/.bin/dclint
# The path the units run hltwap from; verified against a stub, as hltwap is not installed here.
installed_hltwap=/usr/local/bin/hltwap

for tool in "$hadolint" "$check_jsonschema" "$dclint" shellcheck systemd-analyze; do
  if ! command -v "$tool" >/dev/null; then
    echo "check_packaging: $tool is missing; run make deps" >&2
    exit 2
  fi
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# --- the checks: each takes files, prints its findings and fails on any ---------------------------
lint_dockerfile() { "$hadolint" --config .hadolint.yaml --no-color "$@"; }
lint_compose() { "$dclint" --config .dclintrc --no-color --max-warnings 0 "$@"; }
check_compose_schema() { "$check_jsonschema" --builtin-schema vendor.compose-spec "$@"; }
check_workflow_schema() { "$check_jsonschema" --builtin-schema vendor.github-workflows "$@"; }
lint_shell() { shellcheck --severity=warning "$@"; }

# systemd-analyze verify exits 0 on a value it ignores as invalid: any message is a finding.
verify_units() {
  local dir out unit
  dir=$(mktemp -d "$scratch/units.XXXXXX")
  mkdir "$dir/bin"
  printf '#!/bin/sh\nexit 0\n' >"$dir/bin/hltwap"
  chmod +x "$dir/bin/hltwap"
  for unit in "$@"; do
    sed "s|$installed_hltwap|$dir/bin/hltwap|g" "$unit" >"$dir/${unit##*/}"
  done
  local rc=0
  out=$(cd "$dir" && systemd-analyze verify --man=no "${@##*/}" 2>&1) || rc=$?
  [ -z "$out" ] || printf '%s\n' "$out"
  [ "$rc" -eq 0 ] && [ -z "$out" ]
}

# --- every packaging file in git (tracked, or new and not ignored), but the fixtures -------------
scan() {
  local dockerfiles=() composefiles=() workflows=() scripts=() units=() file first
  local shebang='^#!(/usr/bin/env[[:space:]]+|/bin/|/usr/bin/)(ba|da|k)?sh([[:space:]]|$)'
  while IFS= read -r file; do
    [ -f "$file" ] || continue
    case "$file" in
      "$fixtures"/*) continue ;;
      .github/workflows/*.yml | .github/workflows/*.yaml) workflows+=("$file") ;;
      *.service | *.timer | *.socket | *.path | *.mount | *.target) units+=("$file") ;;
    esac
    case "${file##*/}" in
      Dockerfile | Dockerfile.* | *.Dockerfile | Containerfile) dockerfiles+=("$file") ;;
      docker-compose.yml | docker-compose.yaml | docker-compose.*.yml | docker-compose.*.yaml \
        | compose.yml | compose.yaml | compose.*.yml | compose.*.yaml) composefiles+=("$file") ;;
      *.sh) scripts+=("$file") ;;
      *)
        first=$(head -c 128 "$file" | head -n 1 | tr -d '\0')
        [[ $first =~ $shebang ]] && scripts+=("$file")
        ;;
    esac
  done < <(git ls-files --cached --others --exclude-standard)

  local failed=0
  run() {  # run NAME CHECK FILES...: a kind without files is a failure too (a broken discovery)
    local name=$1 check=$2
    shift 2
    if [ $# -eq 0 ]; then
      echo "check_packaging: $name: no files found"
      failed=1
    elif "$check" "$@"; then
      echo "check_packaging: $name: $# file(s) ok"
    else
      echo "check_packaging: $name: FAILED"
      failed=1
    fi
  }
  run "hadolint" lint_dockerfile "${dockerfiles[@]+"${dockerfiles[@]}"}"
  run "dclint" lint_compose "${composefiles[@]+"${composefiles[@]}"}"
  run "compose schema" check_compose_schema "${composefiles[@]+"${composefiles[@]}"}"
  run "workflow schema" check_workflow_schema "${workflows[@]+"${workflows[@]}"}"
  run "shellcheck" lint_shell "${scripts[@]+"${scripts[@]}"}"
  run "systemd-analyze verify" verify_units "${units[@]+"${units[@]}"}"
  return $failed
}

# --- the fixtures: each check must fail on its fixture and name the defect planted there ---------
self_test() {
  local failed=0
  expect() {  # expect CHECK FIXTURE PATTERN
    local check=$1 fixture=$fixtures/$2 pattern=$3 out rc=0
    out=$("$check" "$fixture" 2>&1) || rc=$?
    if [ "$rc" -ne 0 ] && grep -qE -- "$pattern" <<<"$out"; then
      echo "check_packaging self-test: $check rejects $fixture ($pattern)"
    else
      printf 'check_packaging self-test: FAILED: %s did not report %s in %s (exit %d):\n%s\n' \
        "$check" "$pattern" "$fixture" "$rc" "$out"
      failed=1
    fi
  }
  expect lint_dockerfile Dockerfile DL4006
  expect lint_dockerfile Dockerfile SC2046
  expect lint_compose compose-public-ports.yml no-unbound-port-interfaces
  expect lint_compose compose-public-ports.yml no-build-and-image
  expect lint_compose compose-public-ports.yml service-image-require-explicit-tag
  expect check_compose_schema compose-invalid-schema.yml "'enviroment'"
  expect check_compose_schema compose-invalid-schema.yml "is not of type 'array'"
  expect check_workflow_schema workflow-invalid.yml "'runs-on' is a required property"
  expect lint_shell ls-loop.sh SC2045
  expect verify_units unknown-key.service "Unknown key 'ExecStrat'"
  expect verify_units bad-value.service "Failed to parse service type"
  return $failed
}

case "${1:-}" in
  "") scan ;;
  --self-test) self_test ;;
  *)
    echo "usage: scripts/check_packaging.sh [--self-test]" >&2
    exit 2
    ;;
esac
