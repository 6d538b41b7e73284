#!/usr/bin/env bash
# check-metrics.sh DB [RUN_ID]: holds the run_metric rows capsim accumulated
# while the run was stored to the SQL over the run's stored rows
# (tests/tools/metrics-oracle.sql, the queries capsim used to run at the end
# of a run). Prints how many metrics are bit-equal and how many agree within
# 1e-9 relative (sums that SQLite's GROUP BY sort feeds in another order),
# and exits 1 when one is missing, extra, or further apart, naming it.
# RUN_ID defaults to the database's last run.
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 DB [RUN_ID]" >&2; exit 2; }
db=$1
here=$(cd "$(dirname "$0")" && pwd)
[ -r "$db" ] || { echo "$0: cannot read $db" >&2; exit 2; }
run=${2:-$(sqlite3 -readonly "$db" "SELECT max(id) FROM run")}
hours=$(sqlite3 -readonly "$db" "SELECT tick_seconds / 3600.0 FROM run WHERE id = $run")
[ -n "$hours" ] || { echo "$0: $db has no run $run" >&2; exit 2; }

# The families the store accumulates; the model's own metrics (jobs,
# failures, undelivered GPU-hours) and targets are not the oracle's.
families="('first_shortfall_t.%'),('sustained_shortfall_t.%'),('demand_h100_hours.%'),('served_h100_hours.%'),
 ('shortfall_h100_hours%'),('goodput_h100_hours.%'),('mean_utilisation.%'),('revenue_usd%'),
 ('lease_cost_usd.%'),('energy_cost_usd.%'),('depreciation_usd.%'),('opex_usd.%'),
 ('interest_usd.%'),('ebitda_usd.%'),('margin_usd%'),('payment_usd.%'),('payments_net_usd'),
 ('preempted_gpu_hours'),('sla_credit_usd'),('termination_fee_usd'),('contracts_procured'),
 ('net_income_usd.%'),('it_power_online_mw.%'),('revenue_share.%'),('energy_mwh'),
 ('peak_power_mw')"

out=$(sqlite3 -readonly -batch "$db" <<SQL
.parameter init
.parameter set ?1 $run
.parameter set ?2 $hours
CREATE TEMP TABLE oracle_metric (run_id INTEGER, metric TEXT, value REAL,
  PRIMARY KEY (run_id, metric));
CREATE TEMP TABLE family (pattern TEXT);
INSERT INTO family VALUES $families;
.read $here/metrics-oracle.sql
CREATE TEMP VIEW stored AS SELECT metric, value FROM run_metric
  WHERE run_id = $run AND EXISTS (SELECT 1 FROM family WHERE metric LIKE pattern);
SELECT 'total ' || count(*) FROM oracle_metric;
SELECT 'exact ' || count(*) FROM oracle_metric o JOIN stored s USING (metric) WHERE s.value = o.value;
SELECT 'close ' || count(*) FROM oracle_metric o JOIN stored s USING (metric)
  WHERE s.value <> o.value AND abs(s.value - o.value) <= 1e-9 * max(abs(s.value), abs(o.value));
SELECT 'differs ' || o.metric || ' stored ' || printf('%.17g', s.value) || ' sql '
  || printf('%.17g', o.value) FROM oracle_metric o JOIN stored s USING (metric)
  WHERE abs(s.value - o.value) > 1e-9 * max(abs(s.value), abs(o.value));
SELECT 'missing ' || metric FROM oracle_metric WHERE metric NOT IN (SELECT metric FROM stored);
SELECT 'extra ' || metric FROM stored WHERE metric NOT IN (SELECT metric FROM oracle_metric);
SELECT 'inexact ' || o.metric FROM oracle_metric o JOIN stored s USING (metric)
  WHERE s.value <> o.value;
SQL
)
total=$(sed -n 's/^total //p' <<<"$out")
exact=$(sed -n 's/^exact //p' <<<"$out")
close=$(sed -n 's/^close //p' <<<"$out")
echo "metrics of run $run: $total from SQL, $exact bit-equal, $close within 1e-9 relative"
if grep -qE '^(differs|missing|extra) ' <<<"$out"; then
  grep -E '^(differs|missing|extra) ' <<<"$out" | head -20
  exit 1
fi
grep -E '^inexact ' <<<"$out" | sed 's/^inexact /  not bit-equal: /' | head -40 || true
