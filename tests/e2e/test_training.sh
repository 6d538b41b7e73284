#!/usr/bin/env bash
# End-to-end: training workloads through the whole simulator (market, jobs,
# fleet kernel, store).
#  1. Erlang B: 10 one-node servers, Poisson arrivals at 4/h, exponential 2 h jobs,
#     max_wait 0. The lost share must match B(10, 8) = 0.121661 and the mean
#     number of running jobs the carried load a(1 - B) = 7.0267. Tolerances: the
#     binomial standard error sqrt(B(1-B)/N) for N arrivals, doubled for the
#     correlation between successive jobs (batch means in tests/unit/test_erlang.c
#     measured 1.2-2.1x), times 4. For the running mean over T = 8760 hourly
#     samples: sd sqrt(a(1-B)) ~ 2.65 per sample, autocorrelated over ~2 h, so the
#     standard error is ~2.65 x sqrt(2 x 2 / 8760) ~ 0.057; times 4 gives 0.23.
#  2. The fleet sees the jobs: utilisation = running x 8 / 80 and power =
#     (idle + (tdp - idle) x util) x GPUs x PUE, per tick.
#  3. A trace replay: all 200 jobs arrive; jobs needing a GPU type the lab does not
#     have never start; nothing is lost with an unlimited queue.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: training workloads"
db="$tmp/eb.db"
"$CAPSIM" run "$root/tests/fixtures/erlang-b.ini" -o "$db" -q > /dev/null || { echo "  run failed"; exit 1; }
m() { q "$db" "SELECT value FROM run_metric WHERE run_id=1 AND metric='$1'"; }
arrived=$(m jobs_arrived.jobs); lost=$(m jobs_lost.jobs)
expect_eq "lost share $lost/$arrived matches Erlang B(10, 8) = 0.121661 within 8 binomial SEs" 1 \
  "$(q "$db" "SELECT abs($lost * 1.0 / $arrived - 0.121661) <= 8 * sqrt(0.121661 * (1 - 0.121661) / $arrived)")"
running=$(q "$db" "SELECT avg(jobs_running) FROM workload_tick WHERE run_id=1")
expect_eq "mean running jobs $running matches the carried load 7.0267 within 0.23" 1 \
  "$(q "$db" "SELECT abs($running - 7.0267) <= 0.23")"
expect_eq "arrivals = started + lost + still queued (none with max_wait 0)" "$arrived" \
  "$(q "$db" "SELECT $(m jobs_started.jobs) + $lost")"
expect_zero_rows "utilisation = running jobs x 8 / 80 GPUs, every tick" "$db" \
  "SELECT d.tick FROM dc_tick d JOIN workload_tick w ON w.run_id=d.run_id AND w.tick=d.tick
   WHERE d.run_id=1 AND abs(d.mean_utilisation - w.jobs_running * 8.0 / 80) > 1e-6"
expect_zero_rows "power = (90 + 610 x util) W x 80 GPUs x PUE 1.3, every tick" "$db" \
  "SELECT tick FROM dc_tick WHERE run_id=1
   AND abs(power_mw - (90 + 610 * mean_utilisation) * 80 * 1.3 / 1e6) > 1e-6 * (1 + power_mw)"
expect_zero_rows "served + shortfall = demand for the training workload" "$db" \
  "SELECT tick FROM workload_tick WHERE run_id=1 AND abs(served_h100 + shortfall_h100 - demand_h100) > 1e-9"

db="$tmp/trace.db"
"$CAPSIM" run "$root/tests/fixtures/trace-replay.ini" -o "$db" -q > /dev/null || { echo "  trace run failed"; exit 1; }
expect_eq "every trace job arrives" 200 "$(m jobs_arrived.replay | cut -d. -f1)"
expect_eq "no job is lost with an unlimited queue" 0 "$(m jobs_lost.replay | cut -d. -f1)"
b200=$(awk -F, 'NR > 1 && $4 == "B200"' "$root/scenarios/traces/sample-training.csv" | wc -l)
expect_eq "jobs needing B200 (absent here) never start: started = 200 - $b200" "$((200 - b200))" \
  "$(m jobs_started.replay | cut -d. -f1)"
expect_eq "queued jobs at the end = the B200 jobs" "$b200" \
  "$(q "$db" "SELECT jobs_queued FROM workload_tick WHERE run_id=1 ORDER BY tick DESC LIMIT 1")"
finish
