#!/usr/bin/env python3
"""Writes the files `capsim export` must write, byte for byte, from SQL alone.

Used by tests/e2e/test_export.sh, which compares them with capsim's (diff -r):

    export_check.py DB OUT LAYOUT [--run N] [--table T ...]

LAYOUT is long, daily, monthly, wide, wide-daily or wide-monthly. The rows
come from the database through python3's sqlite3 (the same SQLite): the
roll-up views <table>_daily / _monthly for rolled-up files, a join with
the tick and entity tables per tick, and for wide files the per-tick
values summed in tick order (levels divided by their count). The cells
follow sim/util/csvout.h: the shortest "%.Ng" (N = 15..17) that reads back
to the same double, text neutralised with a leading apostrophe when it
begins with = + - @ TAB or CR, quoted only when it holds a comma, a quote
or a line break, CRLF line ends.
"""
import math
import os
import re
import sqlite3
import sys

FORMULA = ('=', '+', '-', '@', '\t', '\r')


def cell(v):
    if v is None:
        return ''
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return ''
        for prec in (15, 16, 17):
            s = '%.*g' % (prec, v)
            if float(s) == v:
                break
        return s
    s = str(v)
    if s.startswith(FORMULA):
        s = "'" + s
    if any(c in s for c in ',"\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def write(path, header, rows):
    with open(path, 'w', newline='', encoding='utf-8') as f:
        f.write(','.join(cell(h) for h in header) + '\r\n')
        for r in rows:
            f.write(','.join(cell(v) for v in r) + '\r\n')


def tick_tables(db):
    """Per-tick tables as rollup.h finds them: (name, entity column,
    entity table or None, value columns with their declared types)."""
    out = []
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid"):
        info = db.execute("SELECT name, type FROM pragma_table_info(?) ORDER BY cid",
                          (name,)).fetchall()
        cols = [c for c, _ in info]
        if name == 'tick' or 'run_id' not in cols or 'tick' not in cols:
            continue
        ec = next((c for c in cols if c.endswith('_id') and c != 'run_id'), None)
        ent = ec[:-3] if ec else None
        if ent and db.execute("SELECT count(*) FROM pragma_table_info(?) WHERE name IN"
                              " ('id', 'name')", (ent,)).fetchone()[0] != 2:
            ent = None
        values = [(c, t or '') for c, t in info if c not in ('run_id', 'tick', ec)]
        out.append((name, ec, ent, values))
    return out


def rolled(values):
    return [c for c, t in values if not c.endswith('_id') and 'TEXT' not in t.upper()]


def is_flow(c):
    return re.search(r'_(usd|mwh|hours)$', c) is not None or c in ('failures', 'interruptions')


def short(name):
    return name[:-5] if name.endswith('_tick') else name


def label_sql(period):
    return {'daily': "substr(t.date, 1, 10)",
            'monthly': "substr(t.date, 1, 7)"}.get(period, 't.date')


def long_tick(db, out, t, run):
    name, ec, ent, values = t
    sel = ', '.join(f'x."{c}"' for c, _ in values)
    sql = (f'SELECT x.run_id AS run_id, x.tick AS tick, t.date AS date, x."{ec}" AS "{ec}"'
           + (f', e.name AS "{ent}"' if ent else '') + f', {sel}'
           + f' FROM "{name}" x JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick'
           + (f' LEFT JOIN "{ent}" e ON e.run_id = x.run_id AND e.id = x."{ec}"' if ent else '')
           + (' WHERE x.run_id = ?' if run else '') + f' ORDER BY x.run_id, x.tick, x."{ec}"')
    cur = db.execute(sql, (run,) if run else ())
    write(os.path.join(out, name + '.csv'), [d[0] for d in cur.description], cur)


def long_rolled(db, out, t, run, period):
    name, ec, _, _ = t
    view = f'{short(name)}_{period}'
    cur = db.execute(f'SELECT * FROM "{view}"' + (' WHERE run_id = ?' if run else '')
                     + f' ORDER BY run_id, date, "{ec}"', (run,) if run else ())
    write(os.path.join(out, view + '.csv'), [d[0] for d in cur.description], cur)


def wide(db, out, t, run, period):
    name, ec, ent, values = t
    if ent:
        ents = db.execute(f'SELECT run_id, id, name FROM "{ent}"' + (' WHERE run_id = ?' if run else '')
                          + ' ORDER BY run_id, id', (run,) if run else ()).fetchall()
    else:
        ents = db.execute(f'SELECT DISTINCT run_id, "{ec}", \'{ec} \' || "{ec}" FROM "{name}"'
                          + (' WHERE run_id = ?' if run else '') + ' ORDER BY 1, 2',
                          (run,) if run else ()).fetchall()
    names, col = [], {}
    for r, i, n in ents:
        n = n if n is not None else ''
        if n not in names:
            names.append(n)
        col[(r, i)] = names.index(n)
    suffix = f'_{period}' if period != 'tick' else ''
    for c in rolled(values):
        flow = period != 'tick' and is_flow(c)
        rows, key, acc = [], None, None
        for r, label, i, v in db.execute(
                f'SELECT x.run_id, {label_sql(period)}, x."{ec}", x."{c}" FROM "{name}" x'
                ' JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick'
                + (' WHERE x.run_id = ?' if run else '') + f' ORDER BY x.run_id, x.tick, x."{ec}"',
                (run,) if run else ()):
            if (r, label) != key:
                if key:
                    rows.append(finish(key, acc, flow))
                key, acc = (r, label), [[0.0, 0] for _ in names]
            k = col.get((r, i))
            if k is not None and v is not None:
                acc[k][0] += float(v) if not isinstance(v, str) else 0.0
                acc[k][1] += 1
        if key:
            rows.append(finish(key, acc, flow))
        write(os.path.join(out, f'{short(name)}_{c}{suffix}.csv'), ['run_id', 'date'] + names, rows)


def finish(key, acc, flow):
    return list(key) + [None if n == 0 else float(s if flow else s / n) for s, n in acc]


def plain(db, out, name, run):
    cols = [c for (c,) in db.execute("SELECT name FROM pragma_table_info(?)", (name,))]
    where = ''
    if run and name == 'run':
        where = ' WHERE id = ?'
    elif run and 'run_id' in cols:
        where = ' WHERE run_id = ?'
    # each entity id of a run's entity table is followed by the entity's name
    named = {'lessor_id': ('provider', 'lessor'), 'lessee_id': ('provider', 'lessee'),
             'owner_id': ('provider', 'owner'), 'tenant_id': ('provider', 'tenant'),
             'datacenter_id': ('datacenter', 'datacenter'),
             'gpu_type_id': ('gpu_type', 'gpu_type'), 'parent_id': ('contract', 'parent')}
    sel = []
    for c in cols:
        sel.append(f'x."{c}"')
        if c in named and 'run_id' in cols:
            t, n = named[c]
            sel.append(f'(SELECT e.name FROM "{t}" e WHERE e.run_id = x.run_id AND e.id = x."{c}")'
                       f' AS "{n}"')
    cur = db.execute(f'SELECT {", ".join(sel)} FROM "{name}" x{where.replace("WHERE ", "WHERE x.")}',
                     (run,) if where else ())
    write(os.path.join(out, name + '.csv'), [d[0] for d in cur.description], cur)


def main():
    db_path, out, layout = sys.argv[1:4]
    rest = sys.argv[4:]
    run, tables = 0, []
    while rest:
        opt, val = rest[0], rest[1]
        rest = rest[2:]
        if opt == '--run':
            run = int(val)
        else:
            tables.append(val)
    period = {'long': 'tick', 'wide': 'tick'}.get(layout, layout.replace('wide-', ''))
    is_wide = layout.startswith('wide')
    db = sqlite3.connect(f'file:{db_path}?mode=ro', uri=True)
    ticks = {t[0]: t for t in tick_tables(db)}
    if not tables:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                           " AND name NOT LIKE 'sqlite%' ORDER BY rowid")]
    os.makedirs(out, exist_ok=True)
    for name in tables:
        if name in ticks:
            if is_wide:
                wide(db, out, ticks[name], run, period)
            elif period == 'tick':
                long_tick(db, out, ticks[name], run)
            else:
                long_rolled(db, out, ticks[name], run, period)
        elif not is_wide and (period == 'tick' or name != 'tick'):
            plain(db, out, name, run)


if __name__ == '__main__':
    main()
