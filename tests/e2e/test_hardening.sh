#!/usr/bin/env bash
# End-to-end: results are never reported for data that was not kept, no other
# program's file is touched, and no input is read without end. Each case is one
# of the holes found by trying it: --replace under a running run, '' and
# :memory:, a "file:" path, a full device and a closed pipe under every
# command that writes results, a killed export's .part file, a new database on
# a full disk, damaged and read-only databases, unfinished runs, endless and
# special input files, numbers and dates out of range, --set series paths, a
# trace with a byte order mark and CRLF, and a tick too small for the period.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
scenario="$root/scenarios/openai-google-coreweave.ini"
base="$root/tests/fixtures/base.ini"
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
echo "e2e: hardening"
cd "$tmp"

# ---- results that are lost or land in the wrong place
"$CAPSIM" run "$scenario" -o "$tmp/busy.db" --until 2025-04-30 -q >/dev/null 2>&1 &
pid=$!
# wait until it is writing ticks (it holds its lock from the moment its file is set up)
for _ in $(seq 100); do
  [ "$(q "$tmp/busy.db" "SELECT count(*) FROM tick" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.1
done
"$CAPSIM" run "$base" -o "$tmp/busy.db" --until 2025-01-02 -q --replace >/dev/null 2> err
expect_eq "--replace while another run writes: exit 1" 1 $?
expect_eq "--replace says the database is in use" 1 "$(grep -c 'in use by another capsim process' err)"
wait $pid; expect_eq "the other run completes: exit 0" 0 $?
expect_eq "the other run is kept, complete" "complete" "$(q "$tmp/busy.db" "SELECT group_concat(status) FROM run")"
"$CAPSIM" run "$base" -o "$tmp/busy.db" --until 2025-01-02 -q --replace >/dev/null 2>&1
expect_eq "--replace once nobody writes: exit 0" 0 $?

for path in "" ":memory:"; do
  "$CAPSIM" run "$base" -o "$path" --until 2025-01-02 -q >/dev/null 2> err
  expect_eq "-o '$path': exit 2" 2 $?
  expect_eq "-o '$path' says it keeps nothing" 1 "$(grep -c 'keeps nothing' err)"
done

sqlite3 "$tmp/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1); PRAGMA application_id = 7;"
"$CAPSIM" run "$base" -o file:other.db --until 2025-01-02 -q >/dev/null 2>&1
expect_eq "-o file:other.db: exit 0 (a file of that name)" 0 $?
expect_eq "another program's database is untouched" "7 t" \
  "$(q "$tmp/other.db" "PRAGMA application_id") $(q "$tmp/other.db" "SELECT group_concat(name) FROM sqlite_master")"
expect_eq "the run went to a file named file:other.db" 1 "$(q "$tmp/file:other.db" "SELECT count(*) FROM run")"

"$CAPSIM" run "$base" -o "$tmp/r.db" --until 2025-01-10 -q >/dev/null 2>&1
for cmd in "report r.db" "export r.db --table dc_tick -o -" "compare r.db r.db" "runs r.db" \
           "validate $scenario --print"; do
  $CAPSIM $cmd > /dev/full 2> err
  expect_eq "$cmd into a full device: exit 1" 1 $?
  expect_eq "$cmd into a full device says so" 1 "$(grep -c 'No space left on device' err)"
done
# a pipe whose reader has already gone: every write fails with EPIPE
closed_pipe() { python3 -c 'import os, subprocess, sys
r, w = os.pipe(); os.close(r)
sys.exit(subprocess.call(sys.argv[1:], stdout=w))' "$@"; }
closed_pipe "$CAPSIM" validate "$scenario" --print 2> err
expect_eq "validate --print into a closed pipe: exit 1" 1 $?
expect_eq "validate --print into a closed pipe says so" 1 "$(grep -c 'Broken pipe' err)"
( "$CAPSIM" run "$scenario" -o "$tmp/pipe.db" --until 2025-09-30 --progress 2>&1; echo $? > rc ) | head -1 > /dev/null
expect_eq "run whose progress reader is gone: exit 1" 1 "$(cat rc)"
expect_eq "that run is kept, marked interrupted" "interrupted" "$(q "$tmp/pipe.db" "SELECT status FROM run")"
expect_eq "its ticks are committed" 1 "$(q "$tmp/pipe.db" "SELECT count(*) > 0 AND count(*) = (SELECT ticks FROM run) FROM tick")"

"$CAPSIM" run "$scenario" -o "$tmp/big.db" --until 2026-06-30 -q >/dev/null 2>&1
mkdir "$tmp/csv"
"$CAPSIM" export "$tmp/big.db" --all --daily --wide -o "$tmp/csv" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do ls "$tmp/csv"/*.part >/dev/null 2>&1 && break; sleep 0.05; done
kill -INT $pid; wait $pid 2>/dev/null
expect_eq "a killed export leaves no .part file" 0 "$(ls "$tmp/csv" | grep -c '\.part$')"

( trap '' XFSZ; ulimit -f 2; "$CAPSIM" run "$base" -o "$tmp/full.db" --until 2025-01-02 -q >/dev/null 2> err )
expect_eq "a new database on a full disk: exit 1" 1 $?
expect_eq "the message names the path" 1 "$(grep -c "$tmp/full.db" err)"
expect_eq "no empty file is left behind" 0 "$(ls "$tmp" | grep -c '^full.db')"

# ---- reading what is not a healthy capsim database
cp "$tmp/r.db" "$tmp/cut.db"; truncate -s 65536 "$tmp/cut.db"
head -c 5000 /dev/urandom > "$tmp/noise.db"
for db in cut.db noise.db; do
  for cmd in "report $db" "export $db --table dc_tick -o -" "plot $db -o plots" "compare $db r.db"; do
    $CAPSIM $cmd > /dev/null 2> err
    expect_eq "$cmd: exit 2" 2 $?
    expect_eq "$cmd says damaged" 1 "$(grep -c 'damaged' err)"
  done
done
mkdir "$tmp/ro"; cp "$tmp/r.db" "$tmp/ro/r.db"; chmod 555 "$tmp/ro"; chmod 444 "$tmp/ro/r.db"
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
  as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
else
  as_nobody() { "$@"; }
fi
chmod 755 "$tmp"
as_nobody "$CAPSIM" report "$tmp/ro/r.db" > out 2> err
expect_eq "a database on read-only storage is read: exit 0" 0 $?
expect_eq "its report is there" 1 "$(grep -c '^  scenario_name' out)"
cp "$base" "$tmp/base-copy.ini"; chmod 644 "$tmp/base-copy.ini"   # readable where the checkout is not
as_nobody "$CAPSIM" run "$tmp/base-copy.ini" -o "$tmp/ro/new.db" --until 2025-01-02 -q > /dev/null 2> err
expect_eq "a run into read-only storage: exit 1" 1 $?
expect_eq "it says read-only" 1 "$(grep -c 'read-only' err)"
"$CAPSIM" report "$tmp/pipe.db" > /dev/null 2> err
expect_eq "report of an interrupted run warns" 1 "$(grep -c "warning: run 1 is 'interrupted'" err)"
"$CAPSIM" compare "$tmp/pipe.db" "$tmp/r.db" > /dev/null 2> err
expect_eq "compare of an interrupted run warns" 1 "$(grep -c "warning: run 1 is 'interrupted'" err)"
"$CAPSIM" plot "$tmp/pipe.db" -o "$tmp/plots" > /dev/null 2> err
expect_eq "plot of an interrupted run warns" 1 "$(grep -c "warning: run 1 is 'interrupted'" err)"

# ---- input that never ends, or numbers that overflow
"$CAPSIM" validate /dev/zero > /dev/null 2> err
expect_eq "/dev/zero as a scenario: exit 2" 2 $?
expect_eq "it is named a character device" 1 "$(grep -c 'character device' err)"
"$CAPSIM" sweep /dev/zero -o "$tmp/sw.db" > /dev/null 2> err
expect_eq "/dev/zero as a sweep file: exit 2" 2 $?
expect_eq "the sweep file is named a character device" 1 "$(grep -c 'character device' err)"
printf '[scenario]\ninclude = /dev/zero\n' > inc.ini
"$CAPSIM" validate inc.ini > /dev/null 2> err
expect_eq "include = /dev/zero: exit 2" 2 $?
expect_eq "the include line is named" 1 "$(grep -c '^inc.ini:2:' err)"
"$CAPSIM" validate "$scenario" --set workload.openai-chatgpt.series=/dev/zero > /dev/null 2> err
expect_eq "series = /dev/zero: exit 2" 2 $?
"$CAPSIM" validate <(yes ';' | head -c 20000000) > /dev/null 2> err
expect_eq "an endless pipe as a scenario: exit 2" 2 $?
expect_eq "it names the limit" 1 "$(grep -c 'limit' err)"
for set in "gpu.H100.capex_usd=1e308" "datacenter.azure-us-east-1.energy_price_per_mwh=1e300" \
           "scenario.end=9999-12-31"; do
  "$CAPSIM" validate "$scenario" --set "$set" > /dev/null 2> err
  expect_eq "--set $set: exit 2" 2 $?
done
"$CAPSIM" run "$base" --set scenario.end=2199-12-31 --until 2025-01-02 -o "$tmp/late.db" -q >/dev/null 2>&1
# run.end_date is the end instant: the midnight after the last day
expect_eq "the last year is stored right" "2200-01-01 00:00:00" "$(q "$tmp/late.db" "SELECT end_date FROM run")"
"$CAPSIM" validate "$scenario" --set "workload.openai-chatgpt.series=$root/scenarios/series/openai-chatgpt.csv" >/dev/null 2>&1
expect_eq "--set workload.W.series=ABSOLUTE: exit 0" 0 $?
printf '\xEF\xBB\xBF' > bom.csv; sed 's/$/\r/' "$root/scenarios/traces/sample-training.csv" >> bom.csv
"$CAPSIM" validate "$root/tests/fixtures/trace-replay.ini" --set "workload.replay.trace=$tmp/bom.csv" > /dev/null 2> err
expect_eq "a trace with a byte order mark and CRLF: exit 0" 0 $?
"$CAPSIM" run "$base" --set scenario.tick=1s --set scenario.end=2029-12-31 -o "$tmp/tiny.db" >/dev/null 2> err
expect_eq "a 1 s tick over five years: exit 2" 2 $?
expect_eq "it says the rows and the size" 1 "$(grep -c 'rows (.*GiB)' err)"
expect_eq "and writes nothing" 0 "$(ls "$tmp" | grep -c '^tiny.db')"

finish
