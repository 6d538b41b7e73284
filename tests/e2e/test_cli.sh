#!/usr/bin/env bash
# End-to-end: the command line. Usage errors, --help, validate --print, --until,
# progress lines on a non-terminal, --replace, and a graceful SIGINT.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
scenario="$root/scenarios/openai-google-coreweave.ini"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: command line"

"$CAPSIM" >/dev/null 2>&1; expect_eq "no command: exit 2" 2 $?
"$CAPSIM" frobnicate >/dev/null 2>&1; expect_eq "unknown command: exit 2" 2 $?
for c in run validate; do
  "$CAPSIM" $c --help > "$tmp/help" 2>&1; expect_eq "$c --help: exit 0" 0 $?
  expect_eq "$c --help prints usage" 1 "$(grep -c "^usage: capsim $c" "$tmp/help")"
  "$CAPSIM" $c --no-such-option "$scenario" >/dev/null 2>&1; expect_eq "$c with a bad option: exit 2" 2 $?
done
"$CAPSIM" run >/dev/null 2>&1; expect_eq "run without a scenario: exit 2" 2 $?

"$CAPSIM" validate --print "$scenario" > "$tmp/print" 2>&1; expect_eq "validate --print: exit 0" 0 $?
expect_eq "validate --print shows Google's resale policy" 1 "$(grep -c 'google-resale' "$tmp/print" | awk '{print ($1 > 0)}')"

"$CAPSIM" run "$scenario" -o "$tmp/u.db" --until 2025-01-02 2> "$tmp/progress" > /dev/null
expect_eq "--until: exit 0" 0 $?
expect_eq "--until 2025-01-02 gives 48 ticks" 48 "$(q "$tmp/u.db" "SELECT count(*) FROM tick")"
expect_eq "progress lines on a non-terminal" 1 "$(grep -c '^progress: 100.0%' "$tmp/progress")"
"$CAPSIM" run "$scenario" -o "$tmp/u.db" --until 2024-12-01 -q >/dev/null 2>&1
expect_eq "--until before start: exit 2" 2 $?
"$CAPSIM" run "$scenario" -o "$tmp/u.db" --until 2025-13-01 -q >/dev/null 2>&1
expect_eq "--until not a date: exit 2" 2 $?
expect_eq "bad --until wrote nothing" 1 "$(q "$tmp/u.db" "SELECT count(*) FROM run")"
"$CAPSIM" run "$scenario" -o "$tmp/u.db" --until 2025-01-01 -q --replace >/dev/null
expect_eq "--replace starts afresh" "1 24" "$(q "$tmp/u.db" "SELECT count(*) FROM run") $(q "$tmp/u.db" "SELECT count(*) FROM tick")"
"$CAPSIM" run "$scenario" -o "$tmp/u.db" --until 2025-01-01 -q --set contract.cw-openai-1.gpus=96000 >/dev/null
expect_eq "--set reaches run_param" 96000 \
  "$(q "$tmp/u.db" "SELECT value FROM run_param WHERE run_id=2 AND path='contract.cw-openai-1.gpus'")"

# Analysis checks a database's identity and schema version as the store does
# (sim/store/store_file.c): another schema version is refused with exit 2.
cp "$tmp/u.db" "$tmp/v99.db"
sqlite3 "$tmp/v99.db" "PRAGMA user_version = 99"
"$CAPSIM" report "$tmp/v99.db" > /dev/null 2> "$tmp/v99.err"
expect_eq "report on schema version 99: exit 2" 2 $?
expect_eq "report names the schema version" 1 "$(grep -c 'schema version 99' "$tmp/v99.err")"
"$CAPSIM" run "$scenario" -o "$tmp/v99.db" --until 2025-01-01 -q > /dev/null 2> "$tmp/v99.err"
expect_eq "run appending to schema version 99: exit 2" 2 $?
expect_eq "run names the schema version" 1 "$(grep -c 'schema version 99' "$tmp/v99.err")"

# SIGINT: the run stops after the current tick, keeps what it wrote, and says 'interrupted'.
"$CAPSIM" run "$scenario" -o "$tmp/i.db" -q > "$tmp/i.out" 2> "$tmp/i.err" &
pid=$!
for _ in $(seq 1 100); do
  n=$(q "$tmp/i.db" "SELECT count(*) FROM tick" 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 0 ] && break; sleep 0.1
done
kill -INT $pid; wait $pid; code=$?
expect_eq "SIGINT: exit 1" 1 $code
expect_eq "SIGINT: run marked interrupted" interrupted "$(q "$tmp/i.db" "SELECT status FROM run")"
expect_eq "SIGINT: committed ticks are consecutive" 1 \
  "$(q "$tmp/i.db" "SELECT count(*) = max(tick) + 1 AND count(*) > 0 AND count(*) < 43824 FROM tick")"
expect_eq "SIGINT: the run row counts the ticks" "$(q "$tmp/i.db" "SELECT count(*) FROM tick")" \
  "$(q "$tmp/i.db" "SELECT ticks FROM run")"
finish
