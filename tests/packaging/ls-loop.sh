#!/usr/bin/env bash
# Broken on purpose for `scripts/check_packaging.sh --self-test`: shellcheck must report SC2045
# (iterating over ls output, which splits names on spaces and expands globs in them).
set -euo pipefail
for version in $(ls /etc/postgresql); do
  echo "$version"
done
