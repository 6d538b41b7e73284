# Shared helpers for the end-to-end tests: run SQL, compare with both values shown.
# Each script sources this, calls expect_* and finally `finish`.
e2e_pass=0
e2e_fail=0
CAPSIM=${CAPSIM:-build/capsim}
q() { sqlite3 -batch -noheader "$1" "$2"; }
expect_eq() { # name expected actual
  if [ "$2" == "$3" ]; then e2e_pass=$((e2e_pass + 1)); echo "  ok - $1"
  else e2e_fail=$((e2e_fail + 1)); echo "  not ok - $1: expected '$2', got '$3'"; fi
}
expect_zero_rows() { # name db sql: the query must return no rows (a violation list)
  local out; out=$(q "$2" "$3" | head -n 5)
  if [ -z "$out" ]; then e2e_pass=$((e2e_pass + 1)); echo "  ok - $1"
  else e2e_fail=$((e2e_fail + 1)); echo "  not ok - $1: violations, first rows:"; echo "$out" | sed 's/^/      /'; fi
}
expect_ne() { # name not-expected actual
  if [ "$2" != "$3" ]; then e2e_pass=$((e2e_pass + 1)); echo "  ok - $1 ('$3' differs from '$2')"
  else e2e_fail=$((e2e_fail + 1)); echo "  not ok - $1: both are '$3'"; fi
}
finish() {
  echo "  $e2e_pass passed, $e2e_fail failed"
  [ "$e2e_fail" -eq 0 ]
}
