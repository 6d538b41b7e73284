#!/usr/bin/env bash
# same-results.sh A.db B.db: exits 0 when two capsim databases hold the same
# results, row for row, in every table and view (schema included), and prints
# the first difference otherwise (exit 1). Wall-clock columns (run.started_at,
# finished_at, wall_seconds) are left out, so a database written before a
# refactor can be compared with one written after it:
#   bash tests/tools/same-results.sh before.db after.db
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 A.db B.db" >&2; exit 2; }
for db in "$1" "$2"; do
  [ -r "$db" ] || { echo "$0: cannot read $db" >&2; exit 2; }
done

# One canonical text dump: the schema, then every table and view, each sorted
# on all its columns so that row order inside SQLite does not matter.
dump() {
  local db=$1
  sqlite3 -readonly "$db" "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
  sqlite3 -readonly "$db" "PRAGMA user_version; PRAGMA application_id"
  local names
  names=$(sqlite3 -readonly "$db" "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
  for t in $names; do
    local cols
    if [ "$t" = run ]; then
      cols=$(sqlite3 -readonly "$db" "SELECT group_concat(quote(name), ',') FROM pragma_table_info('run') WHERE name NOT IN ('started_at','finished_at','wall_seconds')")
    else
      cols=$(sqlite3 -readonly "$db" "SELECT group_concat(quote(name), ',') FROM pragma_table_info('$t')")
    fi
    cols=${cols//\'/\"}
    echo "== $t"
    sqlite3 -readonly -list "$db" "SELECT $cols FROM \"$t\" ORDER BY $(seq -s, 1 "$(echo "$cols" | tr ',' '\n' | wc -l)")"
  done
}

a=$(mktemp); b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
dump "$1" >"$a"
dump "$2" >"$b"
if cmp -s "$a" "$b"; then
  echo "same results: $(wc -l <"$a") lines of schema and rows compared"
else
  echo "results differ:"
  diff "$a" "$b" | head -20
  exit 1
fi
