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

# One meaning per short option across every command (capsim help lists them),
# -q everywhere, usage errors in one line with the nearest option.
commands=$("$CAPSIM" help | sed -n 's/^  \([a-z]*\)  .*/\1/p')
expect_ne "capsim help lists the commands" "" "$commands"
for c in $commands; do
  "$CAPSIM" help "$c" > "$tmp/h.$c" 2>&1; expect_eq "help $c: exit 0" 0 $?
  for pair in "o:out" "r:run" "f:format" "m:metric" "t:table" "s:set" "j:jobs" "q:quiet" "h:help"; do
    short=${pair%%:*}; long=${pair#*:}
    bad=$(grep -oE -- "-$short, --[a-z-]+" "$tmp/h.$c" | grep -v -- "--$long\$" || true)
    expect_eq "$c: -$short means --$long" "" "$bad"
  done
  [ "$c" = completion ] && continue
  expect_eq "$c takes -q" 1 "$(grep -c -- '-q, --quiet' "$tmp/h.$c")"
  "$CAPSIM" "$c" --no-such-option > /dev/null 2> "$tmp/e.$c"
  expect_eq "$c: a bad option is exit 2" 2 $?
  expect_eq "$c: a bad option is one line" 1 "$(wc -l < "$tmp/e.$c")"
  expect_eq "$c: the line points to --help" 1 "$(grep -c "see capsim $c --help" "$tmp/e.$c")"
done
"$CAPSIM" report --formt json x.db 2> "$tmp/e"
expect_eq "a mistyped option gets the nearest" 1 "$(grep -c 'did you mean --format' "$tmp/e")"
"$CAPSIM" reprot x.db 2> "$tmp/e"
expect_eq "a mistyped command gets the nearest" 1 "$(grep -c "did you mean 'report'" "$tmp/e")"
"$CAPSIM" export "$tmp/u.db" --daily --monthly -o - > /dev/null 2> "$tmp/e"
expect_eq "--daily --monthly: exit 2" 2 $?
expect_eq "--daily --monthly is refused as two roll-ups" 1 "$(grep -c 'two roll-ups' "$tmp/e")"
"$CAPSIM" run "$scenario" -o "$tmp/late.db" --until 2041-01-01 --set scenario.end=2025-01-02 -q > /dev/null 2> "$tmp/e"
expect_eq "--until past the end: exit 0" 0 $?
expect_eq "--until past the end is warned about" 1 "$(grep -c "past the scenario's last day 2025-01-02" "$tmp/e")"
"$CAPSIM" export "$tmp/u.db" --table dc_tik -o - > /dev/null 2> "$tmp/e"
expect_eq "a mistyped table gets the nearest" 1 "$(grep -c "did you mean 'dc_tick'" "$tmp/e")"
"$CAPSIM" report "$tmp/u.db" --run 99 2> "$tmp/e"
expect_eq "a missing run names the ids there are" 1 "$(grep -c 'no run 99 in this database; its' "$tmp/e")"
"$CAPSIM" validate "$scenario" --seed 7 -q > "$tmp/o" 2>&1
expect_eq "validate --seed -q: exit 0, silent" "0 0" "$? $(wc -c < "$tmp/o")"
source <("$CAPSIM" completion bash)
COMP_WORDS=("$CAPSIM" rep); COMP_CWORD=1; _capsim
expect_eq "completion: commands" "report" "${COMPREPLY[*]}"
COMP_WORDS=("$CAPSIM" export --mon); COMP_CWORD=2; _capsim
expect_eq "completion: a command's options" "--monthly" "${COMPREPLY[*]}"
finish
