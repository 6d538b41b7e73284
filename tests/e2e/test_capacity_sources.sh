#!/usr/bin/env bash
# End-to-end: capacity by source (provider_tick.capacity_h100 and
# contract_tick.capacity_h100) on tests/fixtures/capacity-sources.ini, a chain
# with stragglers, failures, a curtailment, spot preemption by a reseller that
# owns nothing, and training on leased GPUs, and on the default scenario to mid-2026
# (OpenAI owns nothing and leases from Microsoft, CoreWeave and Google).
#  1. A provider that owns no GPUs has no own capacity: the contracts it leases in
#     give all of it, on every row (to 1e-6 relative). This holds only if every
#     step that moves capacity (perf, throttle, preemption both ways, training)
#     moves it at the right contract.
#  2. Every provider: 0 <= each contract's capacity, their sum <= its capacity; an
#     inactive contract gives nothing; a lessee that sublets its whole pool keeps nothing.
#  3. The inference workloads of a tenant share its capacity: their
#     workload_tick.capacity_h100 sum to provider_tick.capacity_h100 whenever the
#     tenant has inference demand.
#  4. The sources of each inference workload (own, and each contract x its share)
#     sum to its capacity on every row, with the own part never negative.
#  5. The workload charts stack the sources: the SVGs' legends name them, the
#     lab's without an own layer (it owns nothing).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: capacity by source"
db="$tmp/cs.db"
"$CAPSIM" run "$root/tests/fixtures/capacity-sources.ini" -o "$db" -q > /dev/null || { echo "  run failed"; exit 1; }

# leased(run, tick, lessee): the sum of contract_tick.capacity_h100 over the contracts it leases in
leased="SELECT ct.run_id, ct.tick, k.lessee_id, sum(ct.capacity_h100) AS leased
  FROM contract_tick ct JOIN contract k ON k.run_id = ct.run_id AND k.id = ct.contract_id GROUP BY 1, 2, 3"
by_provider="FROM provider_tick pt JOIN provider p ON p.run_id = pt.run_id AND p.id = pt.provider_id
  LEFT JOIN ($leased) l ON l.run_id = pt.run_id AND l.tick = pt.tick AND l.lessee_id = pt.provider_id"

# the fixture exercises what it is for
expect_eq "the reseller takes spot GPUs back from the lab on some ticks" 1 \
  "$(q "$db" "SELECT count(*) > 50 FROM contract_tick ct JOIN contract k ON k.run_id = ct.run_id
   AND k.id = ct.contract_id WHERE k.name = 'reseller-lab' AND ct.active AND ct.preempted > 0")"
expect_eq "the lab's training jobs run on its leased GPUs" 1 \
  "$(q "$db" "SELECT count(*) > 500 FROM workload_tick x JOIN workload w ON w.run_id = x.run_id
   AND w.id = x.workload_id WHERE w.name = 'lab-training' AND x.jobs_running > 0")"
expect_eq "the lab has over 1,000 H100-eq on most ticks (from 15 January to May)" 1 \
  "$(q "$db" "SELECT count(*) > 800 FROM provider_tick pt JOIN provider p ON p.run_id = pt.run_id
   AND p.id = pt.provider_id WHERE p.name = 'lab' AND pt.capacity_h100 > 1000")"

default="$tmp/default.db"
"$CAPSIM" run "$root/scenarios/openai-google-coreweave.ini" -o "$default" --until 2026-06-30 -q \
  > /dev/null || { echo "  default run failed"; exit 1; }
for f in "$db" "$default"; do
  expect_zero_rows "$(basename "$f"): a provider without GPUs of its own gets all its capacity from its leases, every row" "$f" \
    "SELECT p.name, pt.tick, pt.capacity_h100, l.leased $by_provider
     WHERE NOT EXISTS (SELECT 1 FROM datacenter d WHERE d.run_id = p.run_id AND d.owner_id = p.id)
     AND abs(pt.capacity_h100 - coalesce(l.leased, 0)) > 1e-6 * (1 + pt.capacity_h100)"
  expect_zero_rows "$(basename "$f"): the leases never give more than the lessee's capacity" "$f" \
    "SELECT p.name, pt.tick, pt.capacity_h100, l.leased $by_provider
     WHERE coalesce(l.leased, 0) > pt.capacity_h100 * (1 + 1e-6) + 1e-6"
  expect_zero_rows "$(basename "$f"): contract capacity is never negative, and 0 when inactive" "$f" \
    "SELECT contract_id, tick, active, capacity_h100 FROM contract_tick
     WHERE capacity_h100 < 0 OR (NOT active AND capacity_h100 != 0)"
  # a lessee that sublets its whole pool (Google in the default scenario) keeps nothing
  sublets_all="FROM contract_tick ct JOIN contract k ON k.run_id = ct.run_id AND k.id = ct.contract_id
     JOIN provider_tick pt ON pt.run_id = ct.run_id AND pt.tick = ct.tick AND pt.provider_id = k.lessee_id
     WHERE ct.active AND pt.pool = pt.leased_out"
  expect_zero_rows "$(basename "$f"): a lessee that sublets its whole pool keeps nothing of what it leases" "$f" \
    "SELECT ct.contract_id, ct.tick, ct.capacity_h100 $sublets_all AND ct.capacity_h100 != 0"
  expect_zero_rows "$(basename "$f"): inference workloads share their tenant's capacity, every row with demand" "$f" \
    "SELECT pt.provider_id, pt.tick, pt.capacity_h100, s.capacity FROM provider_tick pt
     JOIN (SELECT x.run_id, x.tick, w.tenant_id, sum(x.capacity_h100) AS capacity,
       sum(x.demand_h100) AS demand FROM workload_tick x
       JOIN workload w ON w.run_id = x.run_id AND w.id = x.workload_id
       WHERE w.type = 'inference' GROUP BY 1, 2, 3) s
     ON s.run_id = pt.run_id AND s.tick = pt.tick AND s.tenant_id = pt.provider_id
     WHERE s.demand > 0 AND abs(pt.capacity_h100 - s.capacity) > 1e-6 * (1 + pt.capacity_h100)"
  # own part of workload w = capacity - share x leased, share = capacity / tenant capacity
  expect_zero_rows "$(basename "$f"): each inference workload's sources sum to its capacity, own never negative" "$f" \
    "SELECT x.workload_id, x.tick, x.capacity_h100, own, lease FROM (
       SELECT x.workload_id, x.tick, x.capacity_h100,
         CASE WHEN pt.capacity_h100 > 0 THEN coalesce(l.leased, 0) * x.capacity_h100 / pt.capacity_h100
         ELSE 0 END AS lease,
         x.capacity_h100 - CASE WHEN pt.capacity_h100 > 0
         THEN coalesce(l.leased, 0) * x.capacity_h100 / pt.capacity_h100 ELSE 0 END AS own
       FROM workload_tick x JOIN workload w ON w.run_id = x.run_id AND w.id = x.workload_id
       JOIN provider_tick pt ON pt.run_id = x.run_id AND pt.tick = x.tick AND pt.provider_id = w.tenant_id
       LEFT JOIN ($leased) l ON l.run_id = x.run_id AND l.tick = x.tick AND l.lessee_id = w.tenant_id
       WHERE w.type = 'inference') x
     WHERE own < -1e-6 * (1 + x.capacity_h100) OR abs(own + lease - x.capacity_h100) > 1e-6 * (1 + x.capacity_h100)"
done
expect_eq "default: Google sublets its whole pool on over 1,000 ticks (the check above is not empty)" 1 \
  "$(q "$default" "SELECT count(*) > 1000 $sublets_all")"

if command -v gnuplot > /dev/null; then
  "$CAPSIM" plot "$db" -o "$tmp/plots" > /dev/null 2>&1; expect_eq "plot: exit 0" 0 $?
  legend() { grep -o "$2" "$tmp/plots/$1.svg" | sort -u | tr '\n' ';'; }
  expect_eq "lab-chat stacks one layer per lessor, the reseller's named with its source" \
    "lease from neo (neo-lab);lease from reseller, resold from neo (reseller-lab);" \
    "$(legend workload-2-lab-chat 'lease from [^<]*')"
  expect_eq "lab-chat has no own layer (the lab owns no datacenter)" "" \
    "$(legend workload-2-lab-chat 'own GPUs')"
  expect_eq "neo-inference is its own GPUs alone" "own GPUs;" \
    "$(legend workload-0-neo-inference 'own GPUs\|lease from [^<]*')"
  expect_eq "finance: a run of whole quarters has no partial-quarter bars" 0 \
    "$(grep -c 'partial quarter' "$tmp/plots/finance.svg")"
  expect_eq "the shortfall and demand are in every workload chart's legend" 5 \
    "$(grep -l 'shortfall (demand not served)' "$tmp"/plots/workload-*.svg | xargs grep -l '>demand<' | wc -l)"
else
  expect_eq "gnuplot installed (make deps)" yes no
fi

finish
