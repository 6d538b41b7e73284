#!/usr/bin/env bash
# End-to-end: capsim search on tests/fixtures/search-linear.ini, whose answer
# follows from a closed form: a linear demand from D0 (at the series' first
# date) to D1 (at its second) served by one lease of GPUs of infer_speed s,
# daily ticks, so the peak over the year is the demand at the last tick and
# the smallest lease without shortfall is ceil(peak / s / 8) x 8 GPUs. The
# expected values are computed here from the fixture's own numbers.
#  - without noise the search returns exactly that, its lower neighbour
#    fails, and the database holds every probe (sweep method 'search',
#    sweep_param, search_probe, runs) for `runs`, `export --points`, `report`;
#  - -j1 and -j2 give the same probes; JSON output has the documented keys;
#  - with noise and --reps 8 the answer is within one step and intervals are
#    printed; --largest finds the largest lease whose take-or-pay cost stays
#    under a budget (gpus x price x hours, another closed form);
#  - no answer in the range (holds at LO, fails at HI) exits 1 and says so;
#    a metric that is not monotone over the probes is named in a warning;
#  - bad input exits 2: target syntax, unknown metric (with the close
#    names), unknown path, a gpus step off whole nodes, an existing output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
fixture="$root/tests/fixtures/search-linear.ini"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: goal search"
metric=shortfall_h100_hours.lab-inference

# ---- the closed form, from the fixture's numbers ----
key() { sed -n "/^\[$1\]/,/^\[/p" "$fixture" | awk -F'=' -v k="$2" \
          '{gsub(/[ \t]/, "", $1)} $1 == k {sub(/;.*/, "", $2); gsub(/[ \t]/, "", $2); print $2; exit}'; }
day() { echo $(( $(date -u -d "$1" +%s) / 86400 )); }
speed=$(key "gpu X125" infer_speed)
start=$(day "$(key scenario start)")
end=$(day "$(key scenario end)")
series="$(dirname "$fixture")/$(key "workload lab-inference" series)"
read -r t0 d0 t1 d1 < <(awk -F, 'NR == 2 {a = $1; b = $2} NR == 3 {print a, b, $1, $2}' "$series")
t0=$(day "$t0"); t1=$(day "$t1")
# the last tick is the last day's midnight: day end - start from the start
expected=$(awk -v d0="$d0" -v d1="$d1" -v t0="$t0" -v t1="$t1" -v last="$end" -v s="$speed" \
  'BEGIN { peak = d0 + (d1 - d0) * (last - t0) / (t1 - t0); n = peak / s / 8;
           nodes = (n == int(n)) ? n : int(n) + 1; printf "%d", nodes * 8 }')
echo "  closed form: peak demand at day $((end - start)), $speed H100-eq per GPU: $expected GPUs"

search() { "$CAPSIM" search "$fixture" --param contract.lease.gpus --target "$metric <= 0" "$@"; }

# ---- without noise: exactly the closed form ----
out=$(search --range 8..20000 -o "$tmp/a.db" -j2 2> "$tmp/a.err"); code=$?
expect_eq "search exits 0" 0 "$code"
expect_eq "answer is the closed form" "answer: contract.lease.gpus = $expected" \
  "$(echo "$out" | grep '^answer:')"
db="$tmp/a.db"
expect_eq "stored answer" "found|$expected" "$(q "$db" "SELECT outcome, answer FROM search")"
expect_eq "the neighbour below was probed and fails" "$((expected - 8))|0" \
  "$(q "$db" "SELECT p.value, p.holds FROM search s JOIN search_probe p ON p.point = s.neighbour_point")"
expect_eq "the answer holds with zero shortfall" "$expected|1|0.0" \
  "$(q "$db" "SELECT p.value, p.holds, p.mean FROM search s JOIN search_probe p ON p.point = s.answer_point")"
probes=$(q "$db" "SELECT count(*) FROM search_probe")
grid=2500   # 8..20000 by 8
bound=$(awk -v n=$grid 'BEGIN { b = log(n - 1) / log(2); printf "%d", 2 + (b == int(b) ? b : int(b) + 1) }')
expect_eq "probes within 2 + ceil(log2(n - 1)) = $bound" 1 "$([ "$probes" -le "$bound" ] && echo 1 || echo 0)"
expect_eq "one complete run per probe" "$probes|$probes" \
  "$(q "$db" "SELECT count(*), sum(status = 'complete') FROM run")"
expect_eq "sweep row: method search, points = probes" "search|$probes|$probes|common" \
  "$(q "$db" "SELECT method, points, runs, seeds FROM sweep")"
expect_zero_rows "every run's value of the parameter is its probe's" "$db" \
  "SELECT r.id FROM run r JOIN search_probe p ON p.point = r.sweep_point
   JOIN run_param rp ON rp.run_id = r.id AND rp.path = 'contract.lease.gpus'
   WHERE rp.value <> p.value"
expect_zero_rows "verdicts follow the metric" "$db" \
  "SELECT p.point FROM search_probe p JOIN run r ON r.sweep_point = p.point
   JOIN run_metric m ON m.run_id = r.id AND m.metric = '$metric'
   WHERE p.holds <> (m.value <= 0) OR p.mean <> m.value"
expect_eq "the summary counts the runs" "$probes probes, $probes runs; written to $db" \
  "$(echo "$out" | tail -1)"
expect_eq "progress names every probe on stderr" "$probes" "$(grep -c '^search: probe' "$tmp/a.err")"
expect_eq "capsim runs lists them" "$probes" \
  "$("$CAPSIM" runs "$db" --format csv | tail -n +2 | wc -l | tr -d ' ')"
expect_eq "export --points: one row per probe" "$probes" \
  "$("$CAPSIM" export "$db" --points -o - | tail -n +2 | wc -l | tr -d ' ')"
"$CAPSIM" report "$db" > "$tmp/report.txt"; expect_eq "report reads it" 0 $?
expect_eq "report names the method" 1 "$(grep -c 'method  *search' "$tmp/report.txt")"

# -j1 gives the same probes, values and verdicts; -q is quiet
search --range 8..20000 -o "$tmp/b.db" -j1 -q > /dev/null 2> "$tmp/b.err"
expect_eq "-j1 and -j2 probe alike" "$(q "$db" "SELECT * FROM search_probe ORDER BY point")" \
  "$(q "$tmp/b.db" "SELECT * FROM search_probe ORDER BY point")"
expect_eq "-q: nothing on stderr" "" "$(cat "$tmp/b.err")"

# JSON
search --range 8..20000 -o "$tmp/c.db" -q --format json > "$tmp/c.json"
expect_eq "json keys and values" "$expected $metric 0.0 62.4657534 $probes" \
  "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(d["answer"], d["metric"], float(d["value_at_answer"]), round(d["value_below_answer"], 7), d["runs"])' "$tmp/c.json")"

# ---- with noise and 8 replications: within one step, intervals printed ----
step=80
grid_expected=$(awk -v e="$expected" -v s=$step 'BEGIN { k = (e - 8) / s; k = (k == int(k)) ? k : int(k) + 1; print 8 + k * s }')
out=$(search --range 8..20000 --step $step --reps 8 -j2 -q -o "$tmp/n.db" \
        --set workload.lab-inference.noise_sigma=0.002); code=$?
expect_eq "noisy search exits 0" 0 "$code"
answer=$(echo "$out" | sed -n 's/^answer: contract.lease.gpus = //p')
diff=$(( answer > grid_expected ? answer - grid_expected : grid_expected - answer ))
expect_eq "noisy answer $answer within one step of $grid_expected" 1 \
  "$([ -n "$answer" ] && [ "$diff" -le $step ] && echo 1 || echo 0)"
expect_eq "intervals printed at the answer and below it" 2 \
  "$(echo "$out" | grep -c '95% interval .* 8 replications')"
n_db="$tmp/n.db"
expect_eq "8 runs per probe, replication r with one seed at every probe" "8|8" \
  "$(q "$n_db" "SELECT count(DISTINCT replication), count(DISTINCT seed) FROM run")"
expect_zero_rows "the failing neighbour's interval is above 0" "$n_db" \
  "SELECT p.point FROM search s JOIN search_probe p ON p.point = s.neighbour_point
   WHERE NOT (p.high > 0 AND p.low < p.mean AND p.mean < p.high)"

# ---- --largest: the biggest lease whose take-or-pay cost stays <= 1e8 ----
price=$(key "contract lease" price_per_gpu_hour)
hours=$(( ($(day "$(key "contract lease" end)") - $(day "$(key "contract lease" start)") + 1) * 24 ))
largest=$(awk -v p="$price" -v h=$hours 'BEGIN { printf "%d", int(1e8 / (p * h) / 8) * 8 }')
out=$("$CAPSIM" search "$fixture" --param contract.lease.gpus --range 8..20000 --largest \
        --target 'lease_cost_usd.lab <= 1e8' -q -o "$tmp/l.db" --format json)
expect_eq "--largest: gpus x price x hours <= budget" "$largest above" \
  "$(echo "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["answer"], d["neighbour_side"])')"

# ---- no answer in the range: exit 1 ----
out=$(search --range "$((expected + 16))..20000" -q -o "$tmp/lo.db"); code=$?
expect_eq "holds at LO: exit 1" 1 "$code"
expect_eq "holds at LO: says so" 1 "$(echo "$out" | grep -c 'already holds at contract.lease.gpus = ')"
expect_eq "holds at LO: stored" "holds_at_lo|2" "$(q "$tmp/lo.db" "SELECT outcome, (SELECT count(*) FROM search_probe) FROM search")"
out=$(search --range "8..$((expected - 8))" -q -o "$tmp/hi.db" --format json); code=$?
expect_eq "fails at HI: exit 1" 1 "$code"
expect_eq "fails at HI: outcome, no answer, the shortfall at HI" "fails_at_hi None True" \
  "$(echo "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["outcome"], d["answer"], d["value_at_end"] > 0)')"

# ---- a metric that is not monotone over the probes: a warning naming them ----
# with daily ticks at midnight the diurnal factor is 1 + 0.2 cos(2 pi peak_hour / 24):
# lowest at 12, so the shortfall falls and then rises again over 0..20
"$CAPSIM" search "$fixture" --param workload.lab-inference.peak_hour --range 0..20 --step 1 \
  --target "$metric <= 1000000" --set contract.lease.gpus="$expected" \
  --set workload.lab-inference.diurnal_amplitude=0.2 -q -o "$tmp/m.db" > /dev/null 2> "$tmp/m.err"
expect_eq "non-monotone: warned" 1 "$(grep -c 'is not monotone over the probes' "$tmp/m.err")"
expect_eq "non-monotone: names the probes" 1 \
  "$(grep -c 'workload.lab-inference.peak_hour = 10: 0, workload.lab-inference.peak_hour = 20' "$tmp/m.err")"
search --range 8..20000 -q -o "$tmp/mono.db" > /dev/null 2> "$tmp/mono.err"
expect_eq "monotone: no warning" 0 "$(grep -c 'not monotone' "$tmp/mono.err")"

# ---- bad input: exit 2 ----
"$CAPSIM" search "$fixture" --param contract.lease.gpus --range 8..20000 \
  --target "$metric = 0" -o "$tmp/x1.db" 2> "$tmp/x1.err"; code=$?
expect_eq "target syntax: exit 2" 2 "$code"
expect_eq "target syntax: an example" 1 "$(grep -c "e.g. --target '" "$tmp/x1.err")"
expect_eq "target syntax: nothing written" no "$([ -e "$tmp/x1.db" ] && echo yes || echo no)"
"$CAPSIM" search "$fixture" --param contract.lease.gpus --range 8..20000 \
  --target "shortfall_h100_hours.lab-inferense <= 0" -q -o "$tmp/x2.db" 2> "$tmp/x2.err"; code=$?
expect_eq "unknown metric: exit 2" 2 "$code"
expect_eq "unknown metric: the nearest name" 1 "$(grep -c "did you mean '$metric'" "$tmp/x2.err")"
expect_eq "unknown metric: after the first probe, kept" "failed|1" \
  "$(q "$tmp/x2.db" "SELECT outcome, (SELECT count(*) FROM run) FROM search")"
"$CAPSIM" search "$fixture" --param contract.leese.gpus --range 8..20000 \
  --target "$metric <= 0" -o "$tmp/x3.db" 2> "$tmp/x3.err"; code=$?
expect_eq "unknown path: exit 2" 2 "$code"
expect_eq "unknown path: suggestion" 1 "$(grep -c "did you mean 'lease'" "$tmp/x3.err")"
expect_eq "unknown path: nothing written" no "$([ -e "$tmp/x3.db" ] && echo yes || echo no)"
"$CAPSIM" search "$fixture" --param contract.lease.gpus --range 8..20000 --step 12 \
  --target "$metric <= 0" -o "$tmp/x4.db" 2> "$tmp/x4.err"; code=$?
expect_eq "gpus step off whole nodes: exit 2" 2 "$code"
"$CAPSIM" search "$fixture" --param workload.lab-inference.noise_sigma --range 0..1 \
  --target "$metric <= 0" -o "$tmp/x5.db" 2> "$tmp/x5.err"; code=$?
expect_eq "no --step for a non-count: exit 2" "2 1" "$code $(grep -c 'step is required' "$tmp/x5.err")"
search --range 8..20000 --set scenario.seed=5 -o "$tmp/x7.db" 2> "$tmp/x7.err"; code=$?
expect_eq "--set scenario.seed refused: exit 2, use --seed" "2 1" "$code $(grep -c 'use --seed' "$tmp/x7.err")"
before=$(q "$db" "SELECT count(*) FROM run")
search --range 8..20000 -o "$db" 2> "$tmp/x6.err" > /dev/null; code=$?
expect_eq "existing output: exit 2, untouched" "2 $before" "$code $(q "$db" "SELECT count(*) FROM run")"
"$CAPSIM" search --help | grep -q -- '--target'; expect_eq "--help" 0 $?

finish
