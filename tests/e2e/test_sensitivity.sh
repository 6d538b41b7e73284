#!/usr/bin/env bash
# End-to-end: sensitivity designs through the simulator.
#  - The shipped Saltelli sweep (scenarios/sweeps/sensitivity-openai.ini: 16 base points over
#    OpenAI's API demand growth and an energy price at Azure's Virginia site, 64 runs to the
#    end of March 2025): for OpenAI's shortfall the energy price's total index has an interval
#    that contains 0 and the growth's first-order index is above 0.5; every S and T row has a
#    value and an interval with low <= high; export --sensitivity, report and plot show them.
#  - A Morris sweep of the small fixture over PUE and an energy price: energy_mwh is linear in
#    PUE and does not depend on the price, so mu*(pue) = energy at PUE 1 x (1.5 - 1.1) with
#    sigma 0 (up to rounding) and mu*(price) = 0 exactly, while the energy cost, a product of
#    both, has sigma > 0; shards alone give no indices (a warning naming the missing runs) and
#    their merge gives the indices of the whole sweep, row for row.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: sensitivity"

# ---- Saltelli through the default scenario
db="$tmp/saltelli.db"
"$CAPSIM" sweep "$root/scenarios/sweeps/sensitivity-openai.ini" -o "$db" -j2 -q > "$tmp/out" 2> "$tmp/err"
expect_eq "saltelli sweep exits 0" 0 $?
expect_eq "saltelli sweep: 16 x (2 + 2) complete runs" 64 \
  "$(q "$db" "SELECT count(*) FROM run WHERE status = 'complete'")"
expect_eq "the summary names the indices" 1 "$(grep -c '^Sensitivity (saltelli): indices of' "$tmp/out")"
growth=workload.openai-api.rate_per_year
price=datacenter.azure-us-east-1.energy_price_per_mwh
metric=shortfall_h100_hours.openai-api
expect_eq "energy price: T's interval for OpenAI's shortfall contains 0" 1 \
  "$(q "$db" "SELECT low <= 0 AND high >= 0 FROM sweep_sensitivity
              WHERE metric = '$metric' AND param = '$price' AND \"index\" = 'T'")"
expect_eq "growth: S for OpenAI's shortfall above 0.5" 1 \
  "$(q "$db" "SELECT value > 0.5 FROM sweep_sensitivity
              WHERE metric = '$metric' AND param = '$growth' AND \"index\" = 'S'")"
expect_eq "growth: T for OpenAI's shortfall above 0.5" 1 \
  "$(q "$db" "SELECT value > 0.5 FROM sweep_sensitivity
              WHERE metric = '$metric' AND param = '$growth' AND \"index\" = 'T'")"
expect_zero_rows "every index has a value and an ordered interval" "$db" \
  "SELECT metric, param, \"index\" FROM sweep_sensitivity
   WHERE value IS NULL OR low IS NULL OR high IS NULL OR low > high"
expect_zero_rows "each metric with indices has S and T for both parameters" "$db" \
  "SELECT metric FROM sweep_sensitivity GROUP BY metric HAVING count(*) != 4"
expect_zero_rows "metrics without variance have no rows" "$db" \
  "SELECT s.metric FROM sweep_sensitivity s JOIN run_metric m ON m.metric = s.metric
   GROUP BY s.metric, s.param, s.\"index\" HAVING min(m.value) = max(m.value)"
rows=$(q "$db" "SELECT count(*) FROM sweep_sensitivity")
"$CAPSIM" export "$db" --sensitivity -o "$tmp/csv" -q
expect_eq "export --sensitivity: one line per row plus the header" $((rows + 1)) \
  "$(wc -l < "$tmp/csv/sensitivity.csv")"
expect_eq "export --sensitivity: the header" "metric,param,index,value,low,high" \
  "$(head -1 "$tmp/csv/sensitivity.csv" | tr -d '\r')"
expect_eq "export --sensitivity: OpenAI's shortfall, parameters in path order, S before T" \
  "$metric,$price,S|$metric,$price,T|$metric,$growth,S|$metric,$growth,T" \
  "$(grep "^$metric," "$tmp/csv/sensitivity.csv" | cut -d, -f1-3 | paste -sd'|')"
"$CAPSIM" export "$db" --sensitivity --metric 'x*' > /dev/null 2> "$tmp/err"
expect_eq "export --sensitivity --metric is refused" 2 $?
"$CAPSIM" report "$db" > "$tmp/report.txt"
expect_eq "report: a sensitivity section" 1 "$(grep -c '^Sensitivity: Sobol first-order' "$tmp/report.txt")"
expect_eq "report: OpenAI's shortfall against the growth" 1 \
  "$(grep -c "^  $metric  *$growth " "$tmp/report.txt")"
"$CAPSIM" report "$db" --metric 'shortfall_h100_hours.openai-*' --format csv > "$tmp/report.csv"
expect_eq "report --metric: only the matching metrics' indices" 4 \
  "$(grep -c '^shortfall_h100_hours.openai-[a-z]*,' "$tmp/report.csv")"
"$CAPSIM" plot "$db" -o "$tmp/plots" > /dev/null 2>&1
n_png=$(ls "$tmp/plots" | grep -c '^sensitivity-.*\.png$')
expect_eq "plot: 8 sensitivity bar charts" 8 "$n_png"
expect_eq "plot: index.html links them" 8 \
  "$(grep -o 'img src="sensitivity-[^"]*\.png"' "$tmp/plots/index.html" | wc -l)"

# ---- Morris through the small fixture
scenario="$root/tests/fixtures/base.ini"
write_morris() {
  cat > "$1" <<EOT
[sweep]
name = e2e morris
scenario = $scenario
method = morris
samples = 6
levels = 4
replications = 2
seed = 5
until = 2025-02-28

[param datacenter.cw-plano.pue]
range = 1.1 .. 1.5

[param datacenter.cw-plano.energy_price_per_mwh]
range = 40 .. 140
EOT
}
write_morris "$tmp/morris.ini"
m="$tmp/morris.db"
"$CAPSIM" sweep "$tmp/morris.ini" -o "$m" -j2 -q > /dev/null 2>&1
expect_eq "morris sweep: 6 x (2 + 1) points x 2 replications" 36 \
  "$(q "$m" "SELECT count(*) FROM run WHERE status = 'complete'")"
"$CAPSIM" run "$scenario" --set datacenter.cw-plano.pue=1 --until 2025-02-28 -o "$tmp/pue1.db" -q > /dev/null
it=$(q "$tmp/pue1.db" "SELECT value FROM run_metric WHERE metric = 'energy_mwh'")
idx() { q "$m" "SELECT value FROM sweep_sensitivity WHERE metric = '$1' AND param = '$2' AND \"index\" = '$3'"; }
expect_eq "energy_mwh: mu*(pue) = energy at PUE 1 x 0.4 (to 1e-9)" 1 \
  "$(q "$m" "SELECT abs($(idx energy_mwh datacenter.cw-plano.pue mu_star) - $it * 0.4) <= 1e-9 * $it")"
expect_eq "energy_mwh: mu(pue) = mu*(pue)" 1 \
  "$(q "$m" "SELECT abs($(idx energy_mwh datacenter.cw-plano.pue mu) - $(idx energy_mwh datacenter.cw-plano.pue mu_star)) <= 1e-9 * $it")"
expect_eq "energy_mwh: sigma(pue) = 0 up to rounding" 1 \
  "$(q "$m" "SELECT $(idx energy_mwh datacenter.cw-plano.pue sigma) <= 1e-9 * $it")"
expect_eq "energy_mwh: the energy price has mu* = 0" 0.0 \
  "$(idx energy_mwh datacenter.cw-plano.energy_price_per_mwh mu_star)"
expect_eq "energy cost: the product of both has sigma > 0 for each" 2 \
  "$(q "$m" "SELECT count(*) FROM sweep_sensitivity WHERE metric = 'energy_cost_usd.coreweave'
              AND \"index\" = 'sigma' AND value > 0")"
# shards: no indices until merged; the merge has those of the whole sweep
for i in 1 2; do
  "$CAPSIM" sweep "$tmp/morris.ini" -o "$tmp/shard$i.db" --shard $i/2 -j2 -q > /dev/null 2> "$tmp/shard$i.err"
done
expect_eq "a shard alone: no indices" 0 "$(q "$tmp/shard1.db" "SELECT count(*) FROM sweep_sensitivity")"
expect_eq "a shard alone: the warning names the missing runs" 1 \
  "$(grep -c 'sensitivity indices not computed: 18 of the plan.s 36 runs are missing' "$tmp/shard1.err")"
"$CAPSIM" merge "$tmp/merged.db" "$tmp/shard1.db" "$tmp/shard2.db" > "$tmp/merge.out"
expect_eq "merge of the shards: the summary names the indices" 1 \
  "$(grep -c '^Sensitivity (morris)' "$tmp/merge.out")"
dump_sens() { q "$1" "SELECT * FROM sweep_sensitivity ORDER BY metric, param, \"index\""; }
if [ -n "$(dump_sens "$m")" ] && cmp -s <(dump_sens "$m") <(dump_sens "$tmp/merged.db"); then
  expect_eq "merged shards: the same indices as one sweep" same same
else
  expect_eq "merged shards: the same indices as one sweep" same differs
fi
finish
