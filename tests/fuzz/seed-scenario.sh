#!/usr/bin/env bash
# Seeds fuzz_scenario's corpus (the directory given) with the bad-input
# corpus tests/bad/*.ini (as bad-NAME.ini) and the valid fixtures
# tests/fixtures/*.ini (as fixture-NAME.ini), rewritten for the harness's
# temporary directory, which holds base.ini, series.csv and trace.csv beside
# the input (scenario.ini):
#   include = ../fixtures/X      ->  include = X   (a bare directory: '.')
#   include = ./NAME.ini         ->  include = scenario.ini   (the input itself)
#   series = X.csv, trace = X.csv -> series.csv, trace.csv
#   "; args: --set A --set B"    ->  a line `--set`, then A and B, at the end
# so every seed reaches the check it was written for. Run by `make fuzz`.
set -eu
dest=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dest"

rewrite() {
  sed -e 's|^include = \.\./fixtures/$|include = .|' \
      -e 's|^include = \.\./fixtures/|include = |' \
      -e 's|^include = \./[^/]*\.ini$|include = scenario.ini|' \
      -e 's|^series = .*\.csv$|series = series.csv|' \
      -e 's|^trace = .*\.csv$|trace = trace.csv|' "$1"
  local args
  args=$(sed -n 's/^; args: *//p' "$1" | head -n 1)
  if [ -n "$args" ]; then
    echo "--set"
    for word in $args; do
      [ "$word" = "--set" ] || echo "$word"
    done
  fi
}

for ini in "$root"/tests/bad/*.ini; do
  rewrite "$ini" > "$dest/bad-$(basename "$ini")"
done
for ini in "$root"/tests/fixtures/*.ini; do
  rewrite "$ini" > "$dest/fixture-$(basename "$ini")"
done
