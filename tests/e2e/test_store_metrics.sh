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
# The sustained shortfall against a hand-computed case: tests/fixtures/search-linear.ini's
# demand grows linearly from 2,000 (2025-01-01) to 12,000 H100-equivalents (2026-01-01), one
# lease of 8,000 GPUs at speed 1.25 serves 10,000, daily ticks. Day k's demand is
# 2000 + 10000 k / 365: the first shortfall is the first k with demand > 10,000 (k = 293), the
# sustained one the first k whose shortfall exceeds 1% of demand, 0.99 demand > 10,000
# (k > 295.69: k = 296); with a share of 5%, 0.95 demand > 10,000 (k > 311.58: k = 312).
"$CAPSIM" run "$root/tests/fixtures/search-linear.ini" -o "$tmp/lin.db" -q > /dev/null
expect_eq "first shortfall on day 293" 293 \
  "$(q "$tmp/lin.db" "SELECT CAST(value / 86400 AS INTEGER) FROM run_metric WHERE metric = 'first_shortfall_t.lab-inference'")"
expect_eq "sustained shortfall (1%) on day 296" 296 \
  "$(q "$tmp/lin.db" "SELECT CAST(value / 86400 AS INTEGER) FROM run_metric WHERE metric = 'sustained_shortfall_t.lab-inference'")"
"$CAPSIM" run "$root/tests/fixtures/search-linear.ini" -o "$tmp/lin.db" -q \
  --set scenario.sustained_shortfall_share=0.05 > /dev/null
expect_eq "sustained shortfall (5%) on day 312" 312 \
  "$(q "$tmp/lin.db" "SELECT CAST(value / 86400 AS INTEGER) FROM run_metric WHERE run_id = 2 AND metric = 'sustained_shortfall_t.lab-inference'")"
check "the 5% run" "$tmp/lin.db"
finish
