#!/usr/bin/env bash
# End-to-end: failures, repairs and stragglers.
#   - scenarios/llama3-16k.ini, the reliability calibration: 419 unexpected interruptions in 54
#     days within the 95% Poisson interval, about 78% hardware, effective training time above
#     90% (Meta's Llama 3 report, Table 5), as run metrics, SQL over the tables and printed targets;
#   - ageing: GPU failures of the new cluster rise with infant mortality and fall with wear-out;
#   - the default scenario with failures on (a shortened horizon): GPUs fail and are repaired on
#     every datacenter, conservation holds on every row, the SLA credits come from real shortfalls
#     (a tick credits exactly when it delivers below sla_availability x committed), the same seed
#     gives the same failures and another seed different ones.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

echo "e2e: Llama 3 16k-GPU reliability calibration"
db="$tmp/llama.db"
"$CAPSIM" run "$root/scenarios/llama3-16k.ini" -o "$db" -q > "$tmp/out" || { echo "  run failed"; cat "$tmp/out"; exit 1; }
metric() { q "$db" "SELECT value FROM run_metric WHERE run_id=1 AND metric='$1'"; }
n=$(metric interruptions.llama3-405b)
expect_eq "interruptions within 419 +- 41 (simulated $n)" 1 "$(q "$db" "SELECT abs($n - 419) <= 41")"
expect_eq "hardware share within 0.78 +- 0.05 (simulated $(metric interruptions_hardware_share.llama3-405b))" 1 \
  "$(q "$db" "SELECT abs($(metric interruptions_hardware_share.llama3-405b) - 0.78) <= 0.05")"
expect_eq "effective training time above 90% (simulated $(metric effective_training_time.llama3-405b))" 1 \
  "$(q "$db" "SELECT $(metric effective_training_time.llama3-405b) > 0.90 AND $(metric effective_training_time.llama3-405b) <= 1")"
expect_eq "hardware interruptions = interruptions x share" 1 \
  "$(q "$db" "SELECT abs($(metric interruptions_hardware.llama3-405b) - $n * $(metric interruptions_hardware_share.llama3-405b)) < 1e-6")"
expect_eq "lost GPU-hours are positive and below 10% of the GPU-hours served" 1 \
  "$(q "$db" "SELECT $(metric lost_gpu_hours.llama3-405b) > 0 AND $(metric lost_gpu_hours.llama3-405b) < 0.1 * $(metric gpu_hours_served.llama3-405b)")"
expect_eq "the three targets stored as within" 3 \
  "$(q "$db" "SELECT CAST(sum(value) AS INTEGER) FROM run_metric WHERE run_id=1 AND metric LIKE 'target.%.within'")"
expect_eq "stdout prints the three targets as within" 3 "$(grep -c ': within$' "$tmp/out")"
expect_eq "GPU and node failures together are at least the interruptions" 1 \
  "$(q "$db" "SELECT $(metric gpu_failures.meta-16k) + $(metric node_failures.meta-16k) >= $n")"
expect_eq "every row conserves: installed = healthy + failed + maintenance, allocated <= healthy" 0 \
  "$(q "$db" "SELECT count(*) FROM dc_tick WHERE run_id=1 AND (installed != healthy + failed + maintenance OR allocated > healthy)")"
expect_eq "GPUs are down at some tick and every GPU is installed throughout" "1 16640" \
  "$(q "$db" "SELECT (max(failed + maintenance) > 0) || ' ' || min(installed) FROM dc_tick WHERE run_id=1")"

echo "e2e: ageing ([gpu] weibull_shape) on the Llama 3 cluster, new at the start"
# Over 54 days a new GPU has seen ~1.6% of its mean life: infant mortality (shape 0.5) fails
# many more of them than a constant rate (the Weibull CDF at that exposure is ~10x), wear-out
# (shape 2) almost none.
for k in 0.5 2; do
  "$CAPSIM" run "$root/scenarios/llama3-16k.ini" -o "$tmp/age-$k.db" -q --set gpu.H100.weibull_shape=$k > /dev/null ||
    { echo "  run with weibull_shape $k failed"; exit 1; }
done
aged() { q "$tmp/age-$1.db" "SELECT value FROM run_metric WHERE run_id=1 AND metric='gpu_failures.meta-16k'"; }
const=$(metric gpu_failures.meta-16k)
expect_eq "GPU failures: shape 0.5 > 3x shape 1 > 3x shape 2 ($(aged 0.5), $const, $(aged 2))" 1 \
  "$(q "$db" "SELECT $(aged 0.5) > 3 * $const AND $const > 3 * $(aged 2)")"
"$CAPSIM" validate "$root/scenarios/llama3-16k.ini" --set gpu.H100.weibull_shape=0 > "$tmp/bad" 2>&1
rc=$?
expect_eq "weibull_shape 0 is refused with exit 2 and the allowed range" "2 1" \
  "$rc $(grep -c 'weibull_shape: 0 is out of range; it must be >= 0.1 and <= 10' "$tmp/bad")"

echo "e2e: the default scenario with failures"
until_date=2025-06-30; [ "${TEST_SCOPE:-all}" = quick ] && until_date=2025-02-28
dd="$tmp/default.db"
"$CAPSIM" run "$root/scenarios/openai-google-coreweave.ini" -o "$dd" -q --until "$until_date" > /dev/null ||
  { echo "  run failed"; exit 1; }
expect_eq "every datacenter online has GPU failures" 0 \
  "$(q "$dd" "SELECT count(*) FROM datacenter d WHERE d.run_id=1 AND d.online_date <= '2025-01-01'
              AND NOT EXISTS (SELECT 1 FROM run_metric m WHERE m.run_id=1 AND m.metric='gpu_failures.' || d.name AND m.value > 0)")"
expect_eq "failed and drained GPUs appear in dc_tick, and conservation holds on every row" "1 0" \
  "$(q "$dd" "SELECT (sum(failed) > 0 AND sum(maintenance) > 0) || ' ' ||
                     sum(installed != healthy + failed + maintenance OR allocated > healthy) FROM dc_tick WHERE run_id=1")"
expect_eq "no contract delivers more than committed" 0 \
  "$(q "$dd" "SELECT count(*) FROM contract_tick WHERE run_id=1 AND delivered > committed")"
expect_eq "SLA credits only in ticks below sla_availability x committed, and in all of them" 0 \
  "$(q "$dd" "SELECT count(*) FROM contract_tick t JOIN contract c ON c.run_id=1 AND c.id=t.contract_id
              WHERE t.run_id=1 AND t.active=1 AND c.sla_availability > 0
                AND ((t.sla_credit_usd > 0) != (t.delivered < c.sla_availability * t.committed AND t.payment_usd > 0))")"
expect_eq "payments and credits still net to zero every tick" 0 \
  "$(q "$dd" "SELECT count(*) FROM (SELECT tick, sum(revenue_usd) - sum(lease_cost_usd) AS net FROM provider_tick
              WHERE run_id=1 GROUP BY tick) WHERE abs(net) > 1e-3")"
d2="$tmp/default2.db"
"$CAPSIM" run "$root/scenarios/openai-google-coreweave.ini" -o "$d2" -q --until 2025-01-31 > /dev/null &&
"$CAPSIM" run "$root/scenarios/openai-google-coreweave.ini" -o "$d2" -q --until 2025-01-31 > /dev/null &&
"$CAPSIM" run "$root/scenarios/openai-google-coreweave.ini" -o "$d2" -q --until 2025-01-31 --seed 7 > /dev/null ||
  { echo "  runs failed"; exit 1; }
expect_eq "the same seed gives the same failures, another seed other ones" "0 1" \
  "$(q "$d2" "SELECT (SELECT count(*) FROM dc_tick a JOIN dc_tick b ON b.run_id=2 AND b.tick=a.tick AND b.datacenter_id=a.datacenter_id
                       WHERE a.run_id=1 AND (a.failed != b.failed OR a.maintenance != b.maintenance)) || ' ' ||
                     (SELECT count(*) > 0 FROM dc_tick a JOIN dc_tick b ON b.run_id=3 AND b.tick=a.tick AND b.datacenter_id=a.datacenter_id
                       WHERE a.run_id=1 AND a.failed != b.failed)")"
finish
