#!/usr/bin/env bash
# End-to-end: the CoreWeave 2024 and 2025 calibrations. 2024: the simulated 2024 revenue must be
# within +-10% of $1.92B and Microsoft's share within +-5 points of 62% (both
# figures from CoreWeave's S-1), as run metrics and as printed target lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db="$tmp/cal.db"
echo "e2e: CoreWeave 2024 calibration"
"$CAPSIM" run "$root/scenarios/coreweave-2024.ini" -o "$db" -q > "$tmp/out" || { echo "  run failed"; cat "$tmp/out"; exit 1; }

metric() { q "$db" "SELECT value FROM run_metric WHERE run_id=1 AND metric='$1'"; }
expect_eq "revenue 2024 within 10% of \$1.92B (simulated $(metric revenue_usd.coreweave.2024))" 1 \
  "$(q "$db" "SELECT abs(value - 1.92e9) <= 0.10 * 1.92e9 FROM run_metric WHERE run_id=1 AND metric='revenue_usd.coreweave.2024'")"
expect_eq "Microsoft share within 5 points of 62% (simulated $(metric revenue_share.coreweave.microsoft.2024))" 1 \
  "$(q "$db" "SELECT abs(value - 0.62) <= 0.05 FROM run_metric WHERE run_id=1 AND metric='revenue_share.coreweave.microsoft.2024'")"
expect_eq "revenue metric equals the SQL sum over provider_tick" 1 \
  "$(q "$db" "SELECT abs((SELECT sum(revenue_usd) FROM provider_tick pt JOIN provider p ON p.run_id=1 AND p.id=pt.provider_id
                           WHERE pt.run_id=1 AND p.name='coreweave') - $(metric revenue_usd.coreweave.2024)) < 1")"
expect_eq "the four 2024 quarters add up to the year" 1 \
  "$(q "$db" "SELECT abs(sum(value) - $(metric revenue_usd.coreweave.2024)) < 1 FROM run_metric
              WHERE run_id=1 AND metric GLOB 'revenue_usd.coreweave.2024Q[1-4]'")"
expect_eq "Q3 2024 equals the SQL sum over July to September" 1 \
  "$(q "$db" "SELECT abs((SELECT sum(pt.revenue_usd) FROM provider_tick pt JOIN provider p ON p.run_id=1 AND p.id=pt.provider_id
                           JOIN tick t ON t.run_id=1 AND t.tick=pt.tick
                           WHERE pt.run_id=1 AND p.name='coreweave' AND t.date >= '2024-07-01' AND t.date < '2024-10-01')
                          - $(metric revenue_usd.coreweave.2024Q3)) < 1")"
expect_eq "IT power online at the end of 2024 is the sum of the online sites' caps" 1 \
  "$(q "$db" "SELECT abs((SELECT sum(d.power_mw) FROM datacenter d JOIN provider p ON p.run_id=1 AND p.id=d.owner_id
                           WHERE d.run_id=1 AND p.name='coreweave' AND d.online_date < '2025-01-01')
                          - $(metric it_power_online_mw.coreweave.2024)) < 1e-6")"
expect_eq "both targets stored as within" "1 1" \
  "$(q "$db" "SELECT group_concat(CAST(value AS INTEGER), ' ') FROM (SELECT value FROM run_metric WHERE run_id=1 AND metric LIKE 'target.%.within' ORDER BY metric)")"
expect_eq "stdout prints both targets as within" 2 "$(grep -c ': within$' "$tmp/out")"
expect_eq "the fleet reaches 32 data centers and > 250,000 GPUs" "32 250112" \
  "$(q "$db" "SELECT count(*) || ' ' || sum(installed) FROM dc_tick WHERE run_id=1 AND tick=(SELECT max(tick) FROM tick WHERE run_id=1)")"

# CoreWeave 2025: quarterly revenue from Q1 to Q3 within +-10% of the reported figures, the year
# within +-10% of the guidance, IT power online at the end of the year within +-15% of 850 MW
# (scenarios/coreweave-2025.ini names the two inputs that were set from these targets).
echo "e2e: CoreWeave 2025 calibration"
db25="$tmp/cal25.db"
"$CAPSIM" run "$root/scenarios/coreweave-2025.ini" -o "$db25" -q > "$tmp/out25" || { echo "  run failed"; cat "$tmp/out25"; exit 1; }
m25() { q "$db25" "SELECT value FROM run_metric WHERE run_id=1 AND metric='$1'"; }
for spec in "2025Q1 981.6e6" "2025Q2 1212.8e6" "2025Q3 1364.7e6" "2025 5.1e9"; do
  set -- $spec
  expect_eq "revenue $1 within 10% of $2 (simulated $(m25 revenue_usd.coreweave.$1))" 1 \
    "$(q "$db25" "SELECT abs(value - $2) <= 0.10 * $2 FROM run_metric WHERE run_id=1 AND metric='revenue_usd.coreweave.$1'")"
done
expect_eq "IT power online at the end of 2025 within 15% of 850 MW (simulated $(m25 it_power_online_mw.coreweave.2025))" 1 \
  "$(q "$db25" "SELECT abs(value - 850) <= 0.15 * 850 FROM run_metric WHERE run_id=1 AND metric='it_power_online_mw.coreweave.2025'")"
expect_eq "all five targets stored as within" 5 \
  "$(q "$db25" "SELECT CAST(sum(value) AS INTEGER) FROM run_metric WHERE run_id=1 AND metric LIKE 'target.%.within'")"
# The path comes from the mechanisms: the GB200 contract is short until the first site the
# build-out started comes online, and that site was started by the build-out, not written in.
expect_eq "cw-openai-2 is short until the first new site is online, then recovers" 1 \
  "$(q "$db25" "SELECT (SELECT min(t) FROM event_log WHERE run_id=1 AND kind='contract_short' AND entity='cw-openai-2')
                 < (SELECT min(t) FROM event_log WHERE run_id=1 AND kind='phase_online' AND entity='coreweave-sites-1')
                AND (SELECT min(t) FROM event_log WHERE run_id=1 AND kind='contract_recovered' AND entity='cw-openai-2')
                 >= (SELECT min(t) FROM event_log WHERE run_id=1 AND kind='phase_online' AND entity='coreweave-sites-1')")"
expect_eq "every new site was started by the build-out during 2025" 1 \
  "$(q "$db25" "SELECT count(*) >= 1 AND count(*) = (SELECT count(*) FROM datacenter WHERE run_id=1 AND name LIKE 'coreweave-sites-%')
                FROM event_log WHERE run_id=1 AND kind='build_started'")"
finish
