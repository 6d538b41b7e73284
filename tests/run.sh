#!/usr/bin/env bash
# Runs capsim's test suites and prints one closing line "N passed, M failed".
#   B=build (default) or build-san: which build to test.
#   TEST_SCOPE=all (default) | unit | quick: quick runs the unit tests, the bad-input
#   corpus and the end-to-end checks on a shortened horizon (used for sanitizer builds).
#   CAPSIM_MPI=build-mpi/capsim (make test sets it): test_sweep.sh also checks --mpi.
#   UNIT_ALSO="build-evq-heap2 ..." (make test sets it): the unit tests of these builds
#   (other event queues, make EVQ=...) run too, in the same count.
set -u
B=${B:-build}
SCOPE=${TEST_SCOPE:-all}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
passed=0
failed=0
failures=()

record() { # name status
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok - $1"
  else failed=$((failed + 1)); failures+=("$1"); echo "not ok - $1"; fi
}

# Unit tests: each cmocka binary prints its own summary; one result per binary here.
for t in "$root/$B"/tests/test_*; do
  [ -x "$t" ] || continue
  "$t"; status=$?
  record "unit $(basename "$t")" $status
done
for other in ${UNIT_ALSO:-}; do
  found=0
  for t in "$root/$other"/tests/test_*; do
    [ -x "$t" ] || continue
    found=1
    "$t"; status=$?
    record "unit ($other) $(basename "$t")" $status
  done
  [ "$found" -eq 1 ] || record "unit ($other): no test binaries" 1
done

if [ "$SCOPE" != unit ]; then
  export CAPSIM="$root/$B/capsim"
  for s in "$here"/bad/run.sh "$here"/e2e/test_*.sh; do
    [ -f "$s" ] || continue
    TEST_SCOPE=$SCOPE bash "$s"; status=$?
    record "$(basename "$(dirname "$s")")/$(basename "$s")" $status
  done
fi

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
