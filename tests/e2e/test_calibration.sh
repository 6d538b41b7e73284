#!/usr/bin/env bash
# End-to-end: the CoreWeave 2024 calibration. The simulated 2024 revenue must be
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
finish
