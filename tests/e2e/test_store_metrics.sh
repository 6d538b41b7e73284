#!/usr/bin/env bash
# End-to-end: the end-of-run metrics capsim accumulates while the writer
# thread stores the ticks equal the SQL over the stored rows
# (tests/tools/metrics-oracle.sql, via tests/tools/check-metrics.sh): bit for
# bit where SQLite adds the same terms in the same order, within 1e-9
# relative where its GROUP BY sort may order them otherwise. Also for runs
# stopped by SIGINT and SIGTERM while the writer is busy: the run is marked
# interrupted, every tick handed over is stored whole, and the metrics
# describe exactly the stored ticks.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: accumulated metrics against the SQL over the stored rows"
until=2026-03-31
[ "${TEST_SCOPE:-all}" = quick ] && until=2025-03-31

# Sums in tick order must be bit-equal; only these may differ in the last bits.
check() { # name db
  local out status
  out=$(bash "$root/tests/tools/check-metrics.sh" "$2"); status=$?
  echo "$out" | sed 's/^/    /'
  expect_eq "$1: every metric as the SQL gives it" 0 "$status"
  expect_eq "$1: no metric summed in tick order differs in any bit" "" \
    "$(grep 'not bit-equal' <<<"$out" | grep -vE 'revenue_share\.|it_power_online_mw\.|\.[0-9]{4}(Q[1-4])?$')"
}

db="$tmp/default.db"
"$CAPSIM" run "$root/scenarios/openai-google-coreweave.ini" -o "$db" -q --until $until \
  > /dev/null || { echo "  run failed"; exit 1; }
expect_eq "default run is complete" complete "$(q "$db" "SELECT status FROM run")"
expect_eq "default run has revenue shares and quarters" 1 \
  "$(q "$db" "SELECT count(*) > 0 FROM run_metric WHERE metric LIKE 'revenue_share.%'")"
check "default scenario to $until" "$db"

db="$tmp/cw.db"
"$CAPSIM" run "$root/scenarios/coreweave-2025.ini" -o "$db" -q > /dev/null 2>&1
expect_eq "coreweave-2025 run is complete" complete "$(q "$db" "SELECT status FROM run")"
check "coreweave-2025" "$db"

# Stopped by a signal part-way: the writer drains, commits, the run is marked.
for sig in INT TERM; do
  db="$tmp/stop-$sig.db"
  "$CAPSIM" run "$root/scenarios/openai-google-coreweave.ini" -o "$db" -q > /dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do  # until the first batch is committed
    n=$(q "$db" "SELECT count(*) FROM tick" 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 512 ] && break
    sleep 0.05
  done
  kill -$sig $pid; wait $pid; status=$?
  expect_eq "SIG$sig: exit status 1" 1 "$status"
  expect_eq "SIG$sig: run marked interrupted" interrupted "$(q "$db" "SELECT status FROM run")"
  expect_eq "SIG$sig: run.ticks = the stored ticks" 1 \
    "$(q "$db" "SELECT ticks = (SELECT count(*) FROM tick) AND ticks >= 512 FROM run")"
  expect_eq "SIG$sig: every stored tick is whole" 0 \
    "$(q "$db" "SELECT count(*) FROM tick t WHERE (SELECT count(*) FROM provider_tick p
                 WHERE p.tick = t.tick) <> (SELECT count(*) FROM provider)")"
  check "SIG$sig" "$db"
done
finish
