#!/usr/bin/env bash
# End-to-end: index.html of a short run and of a replicated run, opened in
# headless Chromium. Fails on any console error (a missing image shows as a
# failed load), on an <img> or <a href> that does not resolve to an existing
# file or anchor (checked on the DOM Chromium dumps, by browser_check.py), or
# on sections out of reading order; saves screenshots under out/browser/.
# Chromium comes from `make browser-deps` (Debian package chromium); the
# test is skipped, saying so, only when it cannot be installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
scenario="$root/scenarios/openai-google-coreweave.ini"
shots=${BROWSER_OUT:-$root/out/browser}
until=2025-06-30; until_m=2025-02-28
[ "${TEST_SCOPE:-all}" = quick ] && { until=2025-01-20; until_m=2025-01-10; }
echo "e2e: browser (index.html in headless Chromium)"

browser() { command -v chromium || command -v chromium-browser; }
if [ -z "$(browser)" ]; then
  make -s -C "$root" browser-deps > /dev/null 2>&1
fi
if [ -z "$(browser)" ] || ! command -v gnuplot > /dev/null; then
  echo "  SKIP: chromium could not be installed (make browser-deps) or gnuplot is missing"
  exit 0
fi
chrome=$(browser)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$shots"

# chrome_run NAME FOLDER: a screenshot and the DOM of FOLDER/index.html
chrome_run() {
  local flags=(--headless --disable-gpu --no-sandbox --hide-scrollbars --no-first-run
               --user-data-dir="$tmp/profile-$1" --window-size=1280,2000)
  "$chrome" "${flags[@]}" --screenshot="$shots/index-$1.png" "file://$2/index.html" \
    > /dev/null 2> "$tmp/$1-shot.log"
  "$chrome" "${flags[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=5000 \
    --dump-dom "file://$2/index.html" > "$tmp/$1-dom.html" 2> "$tmp/$1-dom.log"
}

# The console's errors in a Chromium log (uncaught exceptions, console.error).
console_errors() { grep -E 'Uncaught|ERROR:CONSOLE|CONSOLE.*"(Error|Failed)' "$1" | head -5; }

cd "$root"
"$CAPSIM" run "$scenario" -o "$tmp/a.db" --until $until -q > /dev/null
for s in 1 2 3; do "$CAPSIM" run "$scenario" -o "$tmp/m.db" --until $until_m --seed $s -q > /dev/null; done
for kind in run replicated; do
  db=$tmp/a.db; [ $kind = replicated ] && db=$tmp/m.db
  "$CAPSIM" plot "$db" -o "$tmp/plots-$kind" > /dev/null 2>&1; expect_eq "$kind: plot exit 0" 0 $?
  chrome_run $kind "$tmp/plots-$kind"
  expect_eq "$kind: screenshot saved" yes \
    "$($PY -c "import sys; d=open(sys.argv[1],'rb').read(); print('yes' if d[:8]==b'\x89PNG\r\n\x1a\n' and len(d)>20000 else 'no')" "$shots/index-$kind.png" 2>/dev/null || echo no)"
  expect_eq "$kind: DOM dumped" yes "$(grep -q '<section id="headline">' "$tmp/$kind-dom.html" && echo yes || echo no)"
  expect_eq "$kind: no console errors" "" "$(console_errors "$tmp/$kind-dom.log")"
  $PY "$here/browser_check.py" "$tmp/$kind-dom.html" "$tmp/plots-$kind"
  expect_eq "$kind: every image and link resolves, sections in order" 0 $?
done
expect_eq "replicated: the replications' intervals before the timeline, all metrics after the charts" \
  "metric_stats_headline timeline charts metric_stats" \
  "$(grep -oE '<table class="metric_stats(_headline)?">|<section id="(timeline|charts)">' "$tmp/replicated-dom.html" \
     | sed -E 's/.*"([a-z_]+)".*/\1/' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "replicated: a shortfall fan chart per workload" 3 \
  "$(grep -o 'src="fan-shortfall-[0-9]*-[^"]*\.png"' "$tmp/replicated-dom.html" | sort -u | wc -l | tr -d ' ')"
# The checks themselves fail: a missing image, a script error.
rm "$tmp/plots-run/power.png"
echo '<script>no_such_function()</script>' >> "$tmp/plots-run/index.html"
chrome_run broken "$tmp/plots-run"
$PY "$here/browser_check.py" "$tmp/broken-dom.html" "$tmp/plots-run" > /dev/null
expect_eq "a missing image is caught" 1 $?
expect_ne "a script error is caught" "" "$(console_errors "$tmp/broken-dom.log")"
rm -f "$shots/index-broken.png"
finish
