#!/usr/bin/env bash
# The bad-input corpus: every tests/bad/*.ini must be refused by both
# `capsim validate` and `capsim run` with exit code 2, an error on stderr
# that names the file, the line and the expected fragment, and no output
# database. See tests/bad/README.md for the header lines each case carries.
#
# Usage: tests/bad/run.sh            (CAPSIM=path/to/capsim, default build/capsim)
# Prints "ok - NAME" or "not ok - NAME: reason" per check, then "N passed, M failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
CAPSIM=${CAPSIM:-${B:-build}/capsim}
if [ ! -x "$CAPSIM" ]; then
  echo "tests/bad/run.sh: no capsim binary at $CAPSIM (set CAPSIM)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }

# header FILE KEY: the value of the "; KEY: value" comment line, trimmed.
header() {
  sed -n "s/^; $2: *//p" "$1" | head -n 1 | sed 's/[[:space:]]*$//'
}

# check NAME EXPECTED_FILE LINE FRAGMENT STATUS STDERR_FILE: the common checks.
check() {
  local name=$1 file=$2 line=$3 fragment=$4 status=$5 err=$6
  if [ "$status" -ne 2 ]; then
    not_ok "$name" "exit code $status, expected 2"
  elif [ "$line" = 0 ] && ! grep -q -e '^--set ' "$err"; then
    not_ok "$name" "stderr does not start a line with '--set ': $(head -c 300 "$err")"
  elif [ "$line" != 0 ] && ! grep -qF -- "$file" "$err"; then
    not_ok "$name" "stderr does not name $file: $(head -c 300 "$err")"
  elif [ "$line" != 0 ] && ! grep -qF -- "$file:$line:" "$err"; then
    not_ok "$name" "stderr does not name line $file:$line: $(head -c 300 "$err")"
  elif ! grep -qF -- "$fragment" "$err"; then
    not_ok "$name" "stderr lacks '$fragment': $(head -c 300 "$err")"
  else
    ok "$name"
  fi
}

for ini in tests/bad/*.ini; do
  base=$(basename "$ini" .ini)
  fragment=$(header "$ini" expect)
  line=$(header "$ini" line)
  file=$(header "$ini" file)
  file=${file:-$(basename "$ini")}
  read -r -a args <<< "$(header "$ini" args)"
  if [ -z "$fragment" ] || [ -z "$line" ]; then
    not_ok "$base" "missing '; expect:' or '; line:' header"
    continue
  fi
  "$CAPSIM" validate "$ini" "${args[@]}" > "$tmp/out" 2> "$tmp/err"
  check "$base validate" "$file" "$line" "$fragment" $? "$tmp/err"
  rm -f "$tmp/out.db"
  "$CAPSIM" run "$ini" -o "$tmp/out.db" "${args[@]}" > "$tmp/out" 2> "$tmp/err"
  status=$?
  if [ -e "$tmp/out.db" ]; then
    not_ok "$base run" "wrote $tmp/out.db"
  else
    check "$base run" "$file" "$line" "$fragment" "$status" "$tmp/err"
  fi
done

# Bad sweep files (tests/bad/sweep/*.ini, same header lines): `capsim sweep`
# and `capsim sweep --dry-run` must refuse them the same way, writing nothing.
for ini in tests/bad/sweep/*.ini; do
  base=sweep/$(basename "$ini" .ini)
  fragment=$(header "$ini" expect)
  line=$(header "$ini" line)
  file=$(header "$ini" file)
  file=${file:-$(basename "$ini")}
  if [ -z "$fragment" ] || [ -z "$line" ]; then
    not_ok "$base" "missing '; expect:' or '; line:' header"
    continue
  fi
  "$CAPSIM" sweep "$ini" --dry-run > "$tmp/out" 2> "$tmp/err"
  check "$base sweep --dry-run" "$file" "$line" "$fragment" $? "$tmp/err"
  rm -f "$tmp/out.db"
  "$CAPSIM" sweep "$ini" -o "$tmp/out.db" -q > "$tmp/out" 2> "$tmp/err"
  status=$?
  if [ -e "$tmp/out.db" ] || ls "$tmp" | grep -q '\.tmp\.'; then
    not_ok "$base sweep" "wrote $tmp/out.db"
  else
    check "$base sweep" "$file" "$line" "$fragment" "$status" "$tmp/err"
  fi
done

# A valid scenario with -o naming a file that is not a capsim database: it
# must be refused and left byte for byte as it was.
printf 'my notes, not a database\n' > "$tmp/notes.txt"
before=$(sha256sum < "$tmp/notes.txt")
"$CAPSIM" run tests/fixtures/base.ini -o "$tmp/notes.txt" > "$tmp/out" 2> "$tmp/err"
status=$?
after=$(sha256sum < "$tmp/notes.txt")
if [ "$status" -ne 2 ]; then
  not_ok "run -o a non-capsim file" "exit code $status, expected 2"
elif [ "$before" != "$after" ]; then
  not_ok "run -o a non-capsim file" "the file was modified"
else
  ok "run -o a non-capsim file"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
