#!/usr/bin/env bash
# End-to-end: capsim export writes, byte for byte, the files that
# tests/e2e/export_check.py builds from SQL alone (the roll-up views, the
# joins with the tick and entity tables, per-tick values summed in tick
# order for wide files), for every layout, every table or some, every run
# or one; formula-like names included. capsim reads each per-tick table in
# one streaming pass; this is the check that the pass gives the views'
# bytes. TEST_SCOPE=quick uses shorter runs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
expect="$PY $here/export_check.py"
scenario="$root/scenarios/openai-google-coreweave.ini"
until=2025-03-31; until_m=2025-01-20
[ "${TEST_SCOPE:-all}" = quick ] && { until=2025-01-10; until_m=2025-01-04; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: export (same bytes as SQL)"

cd "$root"
"$CAPSIM" run "$scenario" -o "$tmp/a.db" --until $until -q > /dev/null
expect_eq "short run: exit 0" 0 $?
for s in 1 2; do "$CAPSIM" run "$scenario" -o "$tmp/m.db" --until $until_m --seed $s -q > /dev/null; done
expect_eq "two replications" 2 "$(q "$tmp/m.db" "SELECT count(*) FROM run WHERE status='complete'")"
"$CAPSIM" run "$root/tests/fixtures/formula-names.ini" -o "$tmp/f.db" -q > /dev/null
expect_eq "formula-names run: exit 0" 0 $?

# same DB LAYOUT [selection...]: capsim's files equal the expected ones
same() {
  local db=$1 layout=$2; shift 2
  local opts
  case $layout in
    long) opts="" ;; daily) opts="--daily" ;; monthly) opts="--monthly" ;;
    wide) opts="--wide" ;; wide-daily) opts="--wide --daily" ;; wide-monthly) opts="--wide --monthly" ;;
  esac
  local name; name=$(basename "$db" .db)-$layout$(echo "$*" | tr -c 'a-z0-9\n' '_')
  "$CAPSIM" export "$db" $opts "$@" -o "$tmp/got/$name" -q --force
  local code=$?
  $expect "$db" "$tmp/want/$name" "$layout" "$@"
  expect_eq "export $(basename "$db") $opts $*: exit 0" 0 $code
  local n; n=$(ls "$tmp/want/$name" | wc -l | tr -d ' ')
  if [ "$n" -gt 0 ] && diff -r "$tmp/want/$name" "$tmp/got/$name" > "$tmp/diff" 2>&1; then
    expect_eq "export $(basename "$db") $opts $*: $n files, the same bytes as SQL" same same
  else
    expect_eq "export $(basename "$db") $opts $*: the same bytes as SQL ($n files)" same \
      "$(head -c 300 "$tmp/diff")"
  fi
}

for layout in long daily monthly wide wide-daily wide-monthly; do
  same "$tmp/a.db" $layout
  same "$tmp/m.db" $layout
  same "$tmp/m.db" $layout --run 2
  same "$tmp/f.db" $layout
done
same "$tmp/m.db" daily --table dc_tick --table workload_tick
same "$tmp/m.db" long --table provider_tick --table contract
same "$tmp/m.db" wide-daily --run 1 --table provider_tick --table workload_tick
# daily rows read YYYY-MM-DD and monthly rows YYYY-MM, long and wide, no time of day
dates() { # FILE PATTERN: how many data rows' dates do not match ("no rows" when there are none)
  [ "$(tail -n +2 "$1" 2>/dev/null | wc -l)" -gt 0 ] || { echo "no rows"; return; }
  tail -n +2 "$1" | cut -d, -f2 | grep -cv "$2"
}
expect_eq "daily dates are YYYY-MM-DD" 0 "$(dates "$tmp/got/a-daily/workload_daily.csv" '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]$')"
expect_eq "monthly dates are YYYY-MM" 0 "$(dates "$tmp/got/m-monthly/provider_monthly.csv" '^[0-9]\{4\}-[0-9][0-9]$')"
expect_eq "wide daily dates are YYYY-MM-DD" 0 \
  "$(dates "$tmp/got/a-wide-daily/workload_shortfall_h100_daily.csv" '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]$')"
days=$(( ($(date -u -d "$until" +%s) - $(date -u -d 2025-01-01 +%s)) / 86400 + 1 ))  # the run starts 2025-01-01
expect_eq "the daily file has one row per day and workload ($days days x 3)" $((days * 3)) \
  "$(tail -n +2 "$tmp/got/a-daily/workload_daily.csv" | wc -l | tr -d ' ')"
expect_eq "no .part file is left" 0 "$(find "$tmp/got" -name '*.part' | wc -l | tr -d ' ')"

# --wide-dir: the long or rolled-up files and the wide ones from one pass
# over each per-tick table, the same bytes as each layout alone
for layout in long daily monthly; do
  case $layout in long) opts="" ;; daily) opts="--daily" ;; monthly) opts="--monthly" ;; esac
  wide=wide${opts:+-$layout}
  for db in a m; do
    out="$tmp/both/$db-$layout"
    "$CAPSIM" export "$tmp/$db.db" $opts -o "$out" --wide-dir "$out/wide" -q --force
    expect_eq "export $db $opts --wide-dir: exit 0" 0 $?
    expect_eq "export $db $opts --wide-dir: the $layout files as alone" "" \
      "$(diff -r -x wide "$tmp/want/$db-$layout" "$out" 2>&1 | head -c 300)"
    expect_eq "export $db $opts --wide-dir: the wide files as --wide alone" "" \
      "$(diff -r "$tmp/want/$db-$wide" "$out/wide" 2>&1 | head -c 300)"
  done
done
"$CAPSIM" export "$tmp/a.db" --daily -o "$tmp/both/metric" --wide-dir "$tmp/both/metric/w" \
  --metric power_mw -q
expect_eq "--wide-dir --metric: exit 0" 0 $?
expect_eq "--wide-dir --metric: only that column's wide files" \
  "$(ls "$tmp/want/a-wide-daily" | grep -c '_power_mw_daily\.csv$')" "$(ls "$tmp/both/metric/w" | wc -l | tr -d ' ')"
expect_eq "--wide-dir --metric: every rolled-up file" "$(ls "$tmp/want/a-daily" | wc -l | tr -d ' ')" \
  "$(ls "$tmp/both/metric" | grep -c '\.csv$')"
for bad in "--wide --wide-dir $tmp/x" "--wide-dir $tmp/x -o $tmp/y.csv" "--wide-dir $tmp/x" \
           "--wide-dir $tmp/x.csv -o $tmp/y" "--runs --wide-dir $tmp/x -o $tmp/y"; do
  "$CAPSIM" export "$tmp/a.db" --daily $bad > /dev/null 2> "$tmp/err"
  expect_eq "export $bad: exit 2" 2 $?
  expect_eq "export $bad: says why" 1 "$(grep -c -e '--wide-dir' "$tmp/err")"
done
expect_eq "a refused --wide-dir writes nothing" 0 "$(ls -d "$tmp/x" "$tmp/x.csv" "$tmp/y" "$tmp/y.csv" 2>/dev/null | wc -l | tr -d ' ')"
expect_eq "no .part file is left" 0 "$(find "$tmp/both" -name '*.part' | wc -l | tr -d ' ')"

# make run's export: the rolled-up files, and the wide ones in a folder below
"$CAPSIM" export "$tmp/a.db" --daily -o "$tmp/run/csv" --wide-dir "$tmp/run/csv/wide" -q
expect_eq "make run's export: exit 0" 0 $?
expect_eq "make run's daily files" "$(ls "$tmp/want/a-daily" | wc -l | tr -d ' ')" \
  "$(ls "$tmp/run/csv" | grep -c '\.csv$')"
expect_eq "make run's wide files" "$(ls "$tmp/want/a-wide-daily" | wc -l | tr -d ' ')" \
  "$(ls "$tmp/run/csv/wide" | grep -c '\.csv$')"
finish
