#!/usr/bin/env python3
"""Checks capsim's analysis outputs against the results database.

Used by tests/e2e/test_analysis.sh. Each subcommand prints one line per
failed check (and a summary) and exits 1 when anything failed. Only the
standard library: csv (strict RFC 4180 reading), sqlite3, json, statistics,
xml.etree.
"""
import csv
import json
import math
import os
import re
import sqlite3
import statistics
import sys
import xml.etree.ElementTree as ET

FAILS = []
CHECKS = [0]
FORMULA = ('=', '+', '-', '@', '\t', '\r')


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILS.append(what)
        if len(FAILS) <= 20:
            print('    FAIL: ' + what)


def read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.reader(f, strict=True))


def unneutral(s):
    return s[1:] if s.startswith("'") and s[1:2] in FORMULA else s


def same(cell, value, rel=1e-9):
    """A CSV cell against a SQLite value: exact for text and integers,
    round-trip exact (or within rel when rel > 0) for reals."""
    if value is None:
        return cell == ''
    if isinstance(value, str):
        return unneutral(cell) == value
    if cell == '':
        return False
    x = float(cell)
    if isinstance(value, int) and rel == 0:
        return x == value
    return x == value or abs(x - value) <= rel * max(abs(x), abs(value), 1e-300)


def tick_tables(db):
    out = []
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid"):
        info = db.execute(f"SELECT name, type FROM pragma_table_info('{name}')").fetchall()
        cols = [c for c, _ in info]
        if name != 'tick' and 'run_id' in cols and 'tick' in cols:
            ent_col = next((c for c in cols if c.endswith('_id') and c != 'run_id'), None)
            values = [c for c in cols if c not in ('run_id', 'tick', ent_col)]
            out.append((name, ent_col, ent_col[:-3] if ent_col else None, values))
    return out


def rolled(db, name, values):
    """The columns a roll-up keeps: numeric, not an id."""
    types = dict(db.execute(f"SELECT name, type FROM pragma_table_info('{name}')").fetchall())
    return [v for v in values if not v.endswith('_id') and 'TEXT' not in types[v].upper()]


def compare_rows(path, rows, header, rel=0.0):
    got = read_csv(path)
    check(len(got) == len(rows) + 1, f'{path}: {len(got) - 1} data rows, database {len(rows)}')
    check(got[:1] == [header], f'{path}: header {got[:1]} != {header}')
    bad = 0
    for g, r in zip(got[1:], rows):
        if len(g) != len(r) or not all(same(c, v, rel) for c, v in zip(g, r)):
            bad += 1
            if bad == 1:
                check(False, f'{path}: row {g} != {list(r)}')
    check(bad == 0, f'{path}: {bad} rows differ')


NAMED_IDS = {'lessor_id': ('provider', 'lessor'), 'lessee_id': ('provider', 'lessee'),
             'owner_id': ('provider', 'owner'), 'tenant_id': ('provider', 'tenant'),
             'datacenter_id': ('datacenter', 'datacenter'),
             'gpu_type_id': ('gpu_type', 'gpu_type'), 'parent_id': ('contract', 'parent')}


def named_select(db, name):
    """A relation as the long export writes it: each entity id of a run's
    entity table followed by that entity's name."""
    cols = [c for (c,) in db.execute("SELECT name FROM pragma_table_info(?)", (name,))]
    sel = []
    for c in cols:
        sel.append(f'x."{c}"')
        if c in NAMED_IDS and 'run_id' in cols:
            t, n = NAMED_IDS[c]
            sel.append(f'(SELECT e.name FROM "{t}" e WHERE e.run_id = x.run_id AND e.id = x."{c}")'
                       f' AS "{n}"')
    return f'SELECT {", ".join(sel)} FROM "{name}" x'


def cmd_long(db_path, folder):
    """Every table's long export equals the database row for row."""
    db = sqlite3.connect(db_path)
    ticks = {t[0]: t for t in tick_tables(db)}
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid"):
        path = os.path.join(folder, name + '.csv')
        check(os.path.exists(path), f'{path} missing')
        if not os.path.exists(path):
            continue
        if name in ticks:
            _, ec, ent, values = ticks[name]
            sql = (f"SELECT x.run_id, x.tick, t.date, x.{ec}, e.name, "
                   + ', '.join('x.' + v for v in values)
                   + f" FROM {name} x JOIN tick t ON t.run_id=x.run_id AND t.tick=x.tick"
                   f" JOIN {ent} e ON e.run_id=x.run_id AND e.id=x.{ec} ORDER BY 1, 2, 4")
            header = ['run_id', 'tick', 'date', ec, ent] + values
        else:
            sql = named_select(db, name)
            cur = db.execute(sql)
            header = [d[0] for d in cur.description]
        rows = db.execute(sql).fetchall()
        compare_rows(path, rows, header)
        n = db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        check(len(read_csv(path)) - 1 == n, f'{path}: row count != SELECT count(*) = {n}')


def rollup_sql(name, ec, ent, values, period):
    cut = 10 if period == 'daily' else 7
    aggs = ', '.join(('sum' if re.search(r'_(usd|mwh|hours)$', v) or v in ('failures', 'interruptions')
                      else 'avg') + f'(x.{v})' for v in values)
    return (f"SELECT x.run_id, substr(t.date, 1, {cut}) AS p, x.{ec}, e.name, count(*), {aggs}"
            f" FROM {name} x JOIN tick t ON t.run_id=x.run_id AND t.tick=x.tick"
            f" JOIN {ent} e ON e.run_id=x.run_id AND e.id=x.{ec}"
            f" GROUP BY x.run_id, p, x.{ec} ORDER BY x.run_id, p, x.{ec}")


def cmd_rollup(db_path, folder, period):
    """Rolled-up exports equal SQL aggregates (mean of levels, sum of flows)."""
    db = sqlite3.connect(db_path)
    for name, ec, ent, values in tick_tables(db):
        values = rolled(db, name, values)
        short = name[:-5] if name.endswith('_tick') else name
        path = os.path.join(folder, f'{short}_{period}.csv')
        rows = db.execute(rollup_sql(name, ec, ent, values, period)).fetchall()
        compare_rows(path, rows, ['run_id', 'date', ec, ent, 'ticks'] + values, rel=1e-9)
        view = f'{short}_{period}'
        if db.execute("SELECT count(*) FROM sqlite_master WHERE name=?", (view,)).fetchone()[0]:
            vrows = db.execute(f"SELECT * FROM {view} ORDER BY 1, 2, 3").fetchall()
            compare_rows(path, vrows, ['run_id', 'date', ec, ent, 'ticks'] + values, rel=1e-9)


def cmd_wide(db_path, folder, period):
    """Each wide file: one row per (run, period), one column per entity,
    equal to the SQL aggregate of that entity in that period."""
    db = sqlite3.connect(db_path)
    cut = {'daily': 10, 'monthly': 7}.get(period, 19)
    for name, ec, ent, values in tick_tables(db):
        short = name[:-5] if name.endswith('_tick') else name
        for v in rolled(db, name, values):
            suffix = f'_{period}' if period != 'tick' else ''
            path = os.path.join(folder, f'{short}_{v}{suffix}.csv')
            agg = 'sum' if re.search(r'_(usd|mwh|hours)$', v) or v in ('failures', 'interruptions') else 'avg'
            want = {}
            for run, p, ename, val in db.execute(
                    f"SELECT x.run_id, substr(t.date, 1, {cut}), e.name, {agg}(x.{v})"
                    f" FROM {name} x JOIN tick t ON t.run_id=x.run_id AND t.tick=x.tick"
                    f" JOIN {ent} e ON e.run_id=x.run_id AND e.id=x.{ec}"
                    f" GROUP BY 1, 2, x.{ec}"):
                want[(run, p, ename)] = val
            got = read_csv(path)
            names = [unneutral(h) for h in got[0][2:]]
            periods = {(r, p) for r, p, _ in want}
            check(len(got) - 1 == len(periods), f'{path}: {len(got) - 1} rows, want {len(periods)}')
            bad = 0
            for row in got[1:]:
                run, p = int(row[0]), row[1][:cut]
                for ename, cell in zip(names, row[2:]):
                    if (run, p, ename) in want and not same(cell, want[(run, p, ename)]):
                        bad += 1
            check(bad == 0, f'{path}: {bad} cells differ from SQL')


def table(report, name):
    for t in report['tables']:
        if t['name'] == name:
            return [dict(zip(t['columns'], r)) for r in t['rows']]
    check(False, f'report has no table {name}')
    return []


def is_time_metric(m):
    """Metrics in seconds since the run's start (name ending _t, or _t.<entity>):
    reports show them as dates to the minute, and differences in days."""
    return m.endswith('_t') or '_t.' in m


def as_date(start_date, seconds):
    import datetime
    t = datetime.datetime.fromisoformat(start_date[:10]) + datetime.timedelta(seconds=round(seconds))
    return t.strftime('%Y-%m-%d %H:%M')


def close(a, b, rel=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-12)


def cmd_report(db_path, json_path):
    """Report figures equal SQL aggregates."""
    db = sqlite3.connect(db_path)
    rep = json.load(open(json_path))
    run = rep['run_id']
    h = db.execute("SELECT tick_seconds / 3600.0 FROM run WHERE id=?", (run,)).fetchone()[0]
    fin = {(r['provider'], r['year']): r for r in table(rep, 'finance')}
    view = {(r[0], r[1]): r[2:] for r in db.execute(
            "SELECT provider, year, ebitda_usd, operating_income_usd, net_income_usd"
            " FROM provider_year WHERE run_id=?", (run,))}
    for p, y, rev, lease, energy, dep, opex, interest, margin in db.execute(
            "SELECT p.name, CAST(substr(t.date,1,4) AS INT), sum(revenue_usd), sum(lease_cost_usd),"
            " sum(energy_cost_usd), sum(depreciation_usd), sum(opex_usd), sum(interest_usd),"
            " sum(margin_usd) FROM provider_tick x"
            " JOIN tick t ON t.run_id=x.run_id AND t.tick=x.tick JOIN provider p ON p.run_id=x.run_id"
            " AND p.id=x.provider_id WHERE x.run_id=? GROUP BY 1, 2", (run,)):
        r = fin.get((p, y), {})
        ebitda = rev - lease - energy - opex
        operating = ebitda - dep
        net = operating - interest
        for k, v in (('revenue_usd', rev), ('lease_cost_usd', lease), ('energy_cost_usd', energy),
                     ('depreciation_usd', dep), ('opex_usd', opex), ('interest_usd', interest),
                     ('margin_usd', margin), ('ebitda_usd', ebitda),
                     ('operating_income_usd', operating), ('net_income_usd', net)):
            check(close(r.get(k), v, 1e-8), f'finance {p} {y} {k}: {r.get(k)} != {v}')
        check(close(net, margin, 1e-8), f'finance {p} {y}: net income {net} != margin {margin}')
        for k, got, want in zip(('ebitda_usd', 'operating_income_usd', 'net_income_usd'),
                                view.get((p, y), (None,) * 3), (ebitda, operating, net)):
            check(close(got, want, 1e-8), f'provider_year {p} {y} {k}: {got} != {want}')
    dcs = {r['datacenter']: r for r in table(rep, 'dc_utilisation')}
    for name, util, peak, mwh in db.execute(
            "SELECT d.name, sum(busy) * 1.0 / nullif(sum(installed), 0), max(mean_utilisation),"
            " sum(energy_mwh) FROM dc_tick x JOIN datacenter d ON d.run_id=x.run_id AND"
            " d.id=x.datacenter_id WHERE x.run_id=? GROUP BY d.id", (run,)):
        r = dcs.get(name, {})
        check(close(r.get('mean_utilisation'), util), f'dc {name} mean_utilisation')
        check(close(r.get('peak_utilisation'), peak), f'dc {name} peak_utilisation')
        check(close(r.get('energy_mwh'), mwh), f'dc {name} energy_mwh')
    sf = {r['workload']: r for r in table(rep, 'shortfall')}
    for name, first, short in db.execute(
            "SELECT w.name, (SELECT min(t.date) FROM workload_tick x JOIN tick t ON"
            " t.run_id=x.run_id AND t.tick=x.tick WHERE x.run_id=w.run_id AND x.workload_id=w.id"
            " AND x.shortfall_h100 > 1e-9), (SELECT sum(shortfall_h100) FROM workload_tick x"
            " WHERE x.run_id=w.run_id AND x.workload_id=w.id) FROM workload w WHERE w.run_id=?",
            (run,)):
        r = sf.get(name, {})
        check(r.get('first_shortfall') == (first or 'never'), f'first shortfall {name}')
        check(close(r.get('shortfall_h100_hours'), short * h), f'shortfall hours {name}')
    total = [r for r in table(rep, 'energy') if r['year'] == 'total']
    mwh = db.execute("SELECT sum(energy_mwh) FROM dc_tick WHERE run_id=?", (run,)).fetchone()[0]
    check(len(total) == 1 and close(total[0]['energy_mwh'], mwh), 'energy total')
    pay = {r['contract']: r for r in table(rep, 'contracts')}
    for name, paid in db.execute(
            "SELECT c.name, sum(payment_usd) FROM contract_tick x JOIN contract c ON"
            " c.run_id=x.run_id AND c.id=x.contract_id WHERE x.run_id=? GROUP BY c.id", (run,)):
        check(close(pay.get(name, {}).get('payment_usd'), paid), f'contract {name} payment')
    metrics = {r['metric']: r['value'] for r in table(rep, 'metrics')}
    start = db.execute("SELECT start_date FROM run WHERE id=?", (run,)).fetchone()[0]
    want = {m: (as_date(start, v) if is_time_metric(m) else v) for m, v in
            db.execute("SELECT metric, value FROM run_metric WHERE run_id=?", (run,))}
    check(metrics == want, 'metrics table equals run_metric (time metrics as dates)')
    events = table(rep, 'events')
    n = db.execute("SELECT count(*) FROM event_log WHERE run_id=?", (run,)).fetchone()[0]
    check(len(events) == n, f'events: {len(events)} rows, event_log {n}')


def cmd_stats(db_path, json_path, *t_crits):
    """metric_stats equals an independent computation. t_crits are the
    t(0.975) quantiles for df = 1, 2, ... (a metric that only some runs
    produce has fewer values, so fewer degrees of freedom)."""
    db = sqlite3.connect(db_path)
    rep = json.load(open(json_path))
    stats = {r['metric']: r for r in table(rep, 'metric_stats')}
    runs = [r['run'] for r in table(rep, 'replications')]
    check(len(runs) >= 2, f'replications listed: {runs}')
    q = f"SELECT metric, value FROM run_metric WHERE run_id IN ({','.join(map(str, runs))})"
    values = {}
    for m, v in db.execute(q):
        values.setdefault(m, []).append(v)
    check(set(stats) == set(values), 'one stats row per metric')
    start = db.execute("SELECT start_date FROM run WHERE id=?", (runs[0],)).fetchone()[0]
    for m, vs in values.items():
        r = stats.get(m, {})
        n = len(vs)
        mean = statistics.fmean(vs)
        if is_time_metric(m):
            check(r.get('n') == n and r.get('mean') == as_date(start, mean), f'{m}: n, mean date')
            if n >= 2:
                check(close(r.get('sd'), statistics.stdev(vs) / 86400, 1e-9), f'{m}: sd in days')
            continue
        check(r.get('n') == n and close(r.get('mean'), mean, 1e-12), f'{m}: n, mean')
        if n >= 2:
            sd = statistics.stdev(vs)
            check(n - 1 <= len(t_crits), f'{m}: a t quantile for df = {n - 1} was given')
            t_crit = float(t_crits[min(n - 1, len(t_crits)) - 1])
            half = t_crit * sd / math.sqrt(n)
            check(close(r.get('sd'), sd, 1e-9) or sd < 1e-12 * max(1, abs(mean)), f'{m}: sd')
            # GSL's t inverse is accurate to ~1e-10 relative
            tol = 1e-8 * max(1, abs(mean), half)
            check(abs(r['ci95_low'] - (mean - half)) <= tol, f'{m}: ci low')
            check(abs(r['ci95_high'] - (mean + half)) <= tol, f'{m}: ci high')
            dec = statistics.quantiles(vs, n=10, method='inclusive')
            for k, i in (('p10', 0), ('p50', 4), ('p90', 8)):
                check(abs(r[k] - dec[i]) <= 1e-9 * max(1, abs(dec[i])), f'{m}: {k}')


def cmd_compare(a_path, b_path, json_path):
    """compare: A is the latest run of A, B the mean over B's replications."""
    rep = json.load(open(json_path))
    a = sqlite3.connect(a_path)
    b = sqlite3.connect(b_path)
    ra = a.execute("SELECT max(id) FROM run WHERE status='complete'").fetchone()[0]
    va = dict(a.execute("SELECT metric, value FROM run_metric WHERE run_id=?", (ra,)))
    vb = dict(b.execute("SELECT metric, avg(value) FROM run_metric GROUP BY metric"))
    rows = {r['metric']: r for r in table(rep, 'metrics')}
    check(set(rows) == set(va) | set(vb), 'compare lists every metric of either side')
    sa = a.execute("SELECT start_date FROM run WHERE id=?", (ra,)).fetchone()[0]
    sb = b.execute("SELECT start_date FROM run ORDER BY id DESC LIMIT 1").fetchone()[0]
    for m, r in rows.items():
        x, y = va.get(m), vb.get(m)
        if is_time_metric(m):
            check(r['a'] == (as_date(sa, x) if x is not None else None)
                  and r['b'] == (as_date(sb, y) if y is not None else None), f'compare {m}: dates')
            if x is not None and y is not None and sa[:10] == sb[:10]:
                check(abs(r['difference'] - (y - x) / 86400) <= 1e-9 * max(1, abs(x), abs(y)),
                      f'{m}: difference in days')
            continue
        check(close(r['a'], x) and close(r['b'], y), f'compare {m}: values')
        if x is not None and y is not None:
            check(abs(r['difference'] - (y - x)) <= 1e-9 * max(1, abs(x), abs(y)), f'{m}: diff')
            if x != 0:
                check(close(r['relative_difference'], (y - x) / abs(x), 1e-9)
                      or abs(y - x) < 1e-9 * abs(x), f'{m}: relative diff')


def cmd_compare_runs(db_path, run_a, run_b, json_path):
    """compare --run-a A --run-b B: each side is that run alone, and where
    the two runs differ the difference is not zero."""
    rep = json.load(open(json_path))
    db = sqlite3.connect(db_path)
    va = dict(db.execute("SELECT metric, value FROM run_metric WHERE run_id=?", (int(run_a),)))
    vb = dict(db.execute("SELECT metric, value FROM run_metric WHERE run_id=?", (int(run_b),)))
    rows = {r['metric']: r for r in table(rep, 'metrics')}
    check(set(rows) == set(va) | set(vb), 'compare lists every metric of either run')
    differing = 0
    start = db.execute("SELECT start_date FROM run WHERE id=?", (int(run_a),)).fetchone()[0]
    for m, r in rows.items():
        x, y = va.get(m), vb.get(m)
        if is_time_metric(m):
            check(r['a'] == (as_date(start, x) if x is not None else None), f'{m}: a date')
            if x is not None and y is not None and x != y:
                differing += 1
                check(close(r['difference'], (y - x) / 86400, 1e-9), f'{m}: diff in days')
            continue
        check(close(r['a'], x) and close(r['b'], y), f'compare {m}: the runs\' own values')
        check(r['n_a'] == (x is not None) and r['n_b'] == (y is not None), f'{m}: one run a side')
        if x is not None and y is not None and x != y:
            differing += 1
            check(r['difference'] != 0 and close(r['difference'], y - x, 1e-9), f'{m}: diff')
    check(differing > 0, 'the two runs differ in some metric')
    sides = table(rep, 'sides')
    check([s['runs'] for s in sides] == [1, 1], f'one run a side: {sides}')


def cmd_groups(db_path, json_path, n_groups, varying):
    """report's groups table: n_groups rows, each group's runs share every
    run_param but the seed and the period, the varying column is there, and
    the pooled count is the number of distinct seeds."""
    rep = json.load(open(json_path))
    db = sqlite3.connect(db_path)
    groups = table(rep, 'groups')
    check(len(groups) == int(n_groups), f'{len(groups)} groups, expected {n_groups}')
    check(varying in rep_columns(rep, 'groups'), f'groups table has a {varying} column')
    seen = set()
    for g in groups:
        runs = [int(x) for x in g['runs'].split(',')]
        seen.update(runs)
        params = [set(db.execute("SELECT path, value FROM run_param WHERE run_id=? AND"
                                 " path != 'scenario.seed'", (r,))) for r in runs]
        check(all(p == params[0] for p in params), f'group {g["group"]}: same parameters')
        period = {db.execute("SELECT start_date, end_date, tick_seconds, ticks FROM run"
                             " WHERE id=?", (r,)).fetchone() for r in runs}
        check(len(period) == 1, f'group {g["group"]}: one period')
        seeds = {db.execute("SELECT seed FROM run WHERE id=?", (r,)).fetchone()[0] for r in runs}
        check(g['n'] == len(seeds), f'group {g["group"]}: n = distinct seeds')
    n = db.execute("SELECT count(*) FROM run WHERE status='complete'").fetchone()[0]
    check(len(seen) == n, 'every complete run is in one group')


def run_params(db, run):
    return dict(db.execute("SELECT path, value FROM run_param WHERE run_id=? AND"
                           " path != 'scenario.seed'", (run,)))


def varying(db, runs):
    """run_param paths (seed left out) not equal in every one of runs."""
    ps = [run_params(db, r) for r in runs]
    paths = set().union(*ps) if ps else set()
    return sorted(p for p in paths if len({d.get(p) for d in ps}) > 1 or
                  any(p not in d for d in ps))


def chosen_metrics(db, glob):
    return [m for (m,) in db.execute("SELECT DISTINCT metric FROM run_metric WHERE metric GLOB ?"
                                     " ORDER BY metric", (glob,))]


def cmd_runs_csv(db_path, csv_path, glob):
    """export --runs: one row per run, its fields, varying parameters and
    metrics equal the database."""
    db = sqlite3.connect(db_path)
    rows = read_csv(csv_path)
    head, body = rows[0], rows[1:]
    runs = [r for (r,) in db.execute("SELECT id FROM run ORDER BY id")]
    params = varying(db, runs)
    metrics = chosen_metrics(db, glob)
    want = ['run_id', 'sweep_point', 'replication', 'seed', 'status', 'ticks'] + params + metrics
    check(head == want, f'--runs header {head[:8]}... expected {want[:8]}...')
    check([int(r[0]) for r in body] == runs, 'one row per run, in id order')
    for r in body:
        run = int(r[0])
        row = db.execute("SELECT sweep_point, replication, seed, status, ticks FROM run"
                         " WHERE id=?", (run,)).fetchone()
        for cell, value in zip(r[1:6], row):
            check(same(cell, value, 0), f'run {run}: {cell!r} != {value!r}')
        p = run_params(db, run)
        for i, path in enumerate(params):
            check(same(r[6 + i], p.get(path), 0), f'run {run} {path}')
        m = dict(db.execute("SELECT metric, value FROM run_metric WHERE run_id=?", (run,)))
        for i, name in enumerate(metrics):
            check(same(r[6 + len(params) + i], m.get(name), 0), f'run {run} {name}')


def py_groups(db):
    """Replication groups computed independently: complete runs keyed by
    their parameters apart from the seed and their period, first run of each
    seed pooled, groups ordered by their lowest run id."""
    groups = {}
    for run, seed, a, b, c, d in db.execute(
            "SELECT id, seed, start_date, end_date, tick_seconds, ticks FROM run"
            " WHERE status='complete' ORDER BY id"):
        key = (frozenset(run_params(db, run).items()), a, b, c, d)
        g = groups.setdefault(key, {})
        g.setdefault(seed, run)
    return sorted((sorted(g.values()) for g in groups.values()), key=lambda x: x[0])


def cmd_points_csv(db_path, csv_path, glob, *t_crits):
    """export --points: one row per group, statistics equal an independent
    computation (t_crits: t(0.975) for df = 1, 2, ...)."""
    db = sqlite3.connect(db_path)
    rows = read_csv(csv_path)
    head, body = rows[0], rows[1:]
    groups = py_groups(db)
    params = varying(db, [g[0] for g in groups])
    metrics = chosen_metrics(db, glob)
    stats = ['mean', 'sd', 'ci95_low', 'ci95_high', 'p10', 'p50', 'p90', 'n']
    want = ['point', 'sweep_point', 'runs', 'n_runs', 'ticks'] + params + \
        [f'{m}.{s}' for m in metrics for s in stats]
    check(head == want, f'--points header {head[:8]}... expected {want[:8]}...')
    check(len(body) == len(groups), f'{len(body)} points, expected {len(groups)} groups')
    for r, g in zip(body, groups):
        check(r[2] == ' '.join(map(str, g)) and int(r[3]) == len(g), f'point {r[0]}: runs {r[2]}')
        p = run_params(db, g[0])
        for i, path in enumerate(params):
            check(same(r[5 + i], p.get(path), 0), f'point {r[0]} {path}')
        q = f"SELECT metric, value FROM run_metric WHERE run_id IN ({','.join(map(str, g))})"
        values = {}
        for m, v in db.execute(q):
            values.setdefault(m, []).append(v)
        base = 5 + len(params)
        for i, name in enumerate(metrics):
            cells = dict(zip(stats, r[base + 8 * i: base + 8 * i + 8]))
            vs = values.get(name, [])
            check(int(cells['n']) == len(vs), f'point {r[0]} {name}: n')
            if not vs:
                continue
            mean = statistics.fmean(vs)
            check(close(float(cells['mean']), mean, 1e-12), f'point {r[0]} {name}: mean')
            dec = statistics.quantiles(vs, n=10, method='inclusive') if len(vs) > 1 else [vs[0]] * 9
            for k, j in (('p10', 0), ('p50', 4), ('p90', 8)):
                check(abs(float(cells[k]) - dec[j]) <= 1e-9 * max(1, abs(dec[j])),
                      f'point {r[0]} {name}: {k}')
            if len(vs) < 2:
                check(cells['sd'] == '' and cells['ci95_low'] == '', f'{name}: no sd for n = 1')
                continue
            sd = statistics.stdev(vs)
            half = float(t_crits[len(vs) - 2]) * sd / math.sqrt(len(vs))
            tol = 1e-8 * max(1, abs(mean), half)
            check(abs(float(cells['sd']) - sd) <= 1e-9 * max(1, abs(mean)), f'{name}: sd')
            check(abs(float(cells['ci95_low']) - (mean - half)) <= tol, f'{name}: ci low')
            check(abs(float(cells['ci95_high']) - (mean + half)) <= tol, f'{name}: ci high')


def num_or_text(v):
    try:
        return (0, float(v), '')
    except (TypeError, ValueError):
        return (1, 0.0, v)


def cmd_sweep_report(db_path, json_path, glob, *t_crits):
    """report of a sweep database: the plan equals the sweep row, the
    parameters their sweep_param values, and per metric one row per point
    with mean, 95% CI and n equal to SQL over run_metric, sorted by the
    parameters (glob '' for the default headline metrics)."""
    db = sqlite3.connect(db_path)
    rep = json.load(open(json_path, encoding='utf-8'))
    sid, method, points, reps, seeds, record = db.execute(
        "SELECT id, method, points, replications, seeds, record FROM sweep").fetchone()
    check(rep.get('sweep_id') == sid, f"sweep_id {rep.get('sweep_id')} != {sid}")
    plan = {r['field']: r['value'] for r in table(rep, 'sweep')}
    for k, v in (('method', method), ('points', points), ('replications', reps),
                 ('seeds', seeds), ('record', record)):
        check(plan.get(k) == v, f'plan {k}: {plan.get(k)!r} != {v!r}')
    paths = [p for (p,) in db.execute("SELECT DISTINCT path FROM sweep_param ORDER BY path")]
    params = table(rep, 'sweep_params')
    check([r['parameter'] for r in params] == paths, f'parameters {params}')
    for r in params:
        vals = {v for (v,) in db.execute("SELECT DISTINCT value FROM sweep_param WHERE path = ?",
                                         (r['parameter'],))}
        check(r['n_values'] == len(vals), f"{r['parameter']}: n_values")
        if len(vals) <= 12:
            check(set(r['values'].split(', ')) == vals, f"{r['parameter']}: values {r['values']}")
    if glob:
        metrics = chosen_metrics(db, glob)
    else:
        metrics = [m for m in chosen_metrics(db, '*') if m in
                   ('shortfall_h100_hours', 'revenue_usd', 'margin_usd', 'energy_mwh',
                    'peak_power_mw')]
    names = [t['name'] for t in rep['tables'] if t['name'].startswith('points.')]
    check(names == ['points.' + m for m in metrics], f'metric tables {names}')
    for m in metrics:
        rows = table(rep, 'points.' + m)
        check(len(rows) == points, f'{m}: {len(rows)} rows for {points} points')
        keys = [tuple(num_or_text(r[p]) for p in paths) for r in rows]
        check(keys == sorted(keys), f'{m}: rows not sorted by the parameters')
        for r in rows:
            for p in paths:
                (v,) = db.execute("SELECT value FROM sweep_param WHERE point = ? AND path = ?",
                                  (r['point'], p)).fetchone()
                check(r[p] == v, f'{m} point {r["point"]} {p}: {r[p]!r} != {v!r}')
            vs = [v for (v,) in db.execute(
                "SELECT m.value FROM run_metric m JOIN run r ON r.id = m.run_id"
                " WHERE r.sweep_point = ? AND r.status = 'complete' AND m.metric = ?",
                (r['point'], m))]
            check(r['n'] == len(vs), f'{m} point {r["point"]}: n {r["n"]} != {len(vs)}')
            if not vs:
                continue
            mean = statistics.fmean(vs)
            check(close(r['mean'], mean, 1e-12), f'{m} point {r["point"]}: mean')
            if len(vs) < 2:
                continue
            half = float(t_crits[len(vs) - 2]) * statistics.stdev(vs) / math.sqrt(len(vs))
            tol = 1e-8 * max(1, abs(mean), half)
            check(abs(r['ci95_low'] - (mean - half)) <= tol, f'{m} point {r["point"]}: ci low')
            check(abs(r['ci95_high'] - (mean + half)) <= tol, f'{m} point {r["point"]}: ci high')


def cmd_runs_list(db_path, csv_path):
    """capsim runs --format csv: one row per run, equal to the run table."""
    db = sqlite3.connect(db_path)
    rows = read_csv(csv_path)
    want_head = ['run', 'scenario', 'sweep_point', 'replication', 'seed', 'period_start',
                 'period_end', 'status', 'ticks', 'wall_seconds']
    check(rows[0] == want_head, f'runs header {rows[0]}')
    want = db.execute("SELECT id, scenario_name, sweep_point, replication, seed, start_date,"
                      " datetime(start_date, '+' || (ticks * tick_seconds) || ' seconds'),"
                      " status, ticks, wall_seconds FROM run ORDER BY id").fetchall()
    check(len(rows) - 1 == len(want), f'{len(rows) - 1} rows for {len(want)} runs')
    for r, w in zip(rows[1:], want):
        for cell, value in zip(r, w):
            check(same(cell, value, 0), f'run {w[0]}: {cell!r} != {value!r}')


def rep_columns(rep, name):
    for t in rep['tables']:
        if t['name'] == name:
            return t['columns']
    return []


def cmd_plots(folder, *expected):
    """Every chart is a valid, non-trivial PNG and SVG; index.html links
    only files that exist, and relatively."""
    html = open(os.path.join(folder, 'index.html'), encoding='utf-8').read()
    refs = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    check(len(refs) > 0, 'index.html references charts')
    for ref in refs:
        check('://' not in ref and not ref.startswith('/'), f'{ref}: not a relative link')
        check(os.path.exists(os.path.join(folder, ref)), f'index.html -> {ref}: missing')
    names = sorted({os.path.splitext(f)[0] for f in os.listdir(folder) if f.endswith('.png')})
    for e in expected:
        check(any(re.fullmatch(e, n) for n in names), f'no chart matching {e} in {names}')
    for n in names:
        png = open(os.path.join(folder, n + '.png'), 'rb').read()
        check(png[:8] == b'\x89PNG\r\n\x1a\n', f'{n}.png: not a PNG')
        check(len(png) > 8000, f'{n}.png: only {len(png)} bytes')
        svg_path = os.path.join(folder, n + '.svg')
        try:
            root = ET.parse(svg_path).getroot()
            check(root.tag.endswith('svg'), f'{n}.svg: root is {root.tag}')
            check(os.path.getsize(svg_path) > 8000, f'{n}.svg: too small')
        except (ET.ParseError, OSError) as e:
            check(False, f'{n}.svg: {e}')
        check(f'src="{n}.png"' in html, f'index.html does not show {n}.png')


def html_table(html, name):
    """The rows (lists of cell texts) of <table class="name"> in index.html."""
    m = re.search(r'<table class="%s">(.*?)</table>' % re.escape(name), html, re.S)
    check(m is not None, f'index.html has no table {name}')
    if not m:
        return []
    rows = re.findall(r'<tr>(.*?)</tr>', m.group(1), re.S)
    return [[re.sub(r'<[^>]+>', '', c) for c in re.findall(r'<t[dh][^>]*>(.*?)</t[dh]>', r, re.S)]
            for r in rows]


def cmd_headline(db_path, folder, run='1'):
    """index.html's headline recomputed from workload_tick in Python: the first
    day whose shortfall exceeds 1% of its demand, the share of demand served;
    then the order of the page: headline before the charts, the timeline
    without datacenter_failure rows."""
    html = open(os.path.join(folder, 'index.html'), encoding='utf-8').read()
    db = sqlite3.connect(db_path)
    rows = html_table(html, 'headline_workloads')
    head, body = rows[0], rows[1:]
    names = [r[0] for r in db.execute('SELECT name FROM workload WHERE run_id = ? ORDER BY id',
                                      (run,))]
    check([r[0] for r in body] == names, f'headline workloads {[r[0] for r in body]} != {names}')
    for r in body:
        cell = dict(zip(head, r))
        days = {}
        for day, dem, sf, served in db.execute(
                'SELECT substr(t.date, 1, 10), x.demand_h100, x.shortfall_h100, x.served_h100'
                ' FROM workload_tick x JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick'
                ' JOIN workload w ON w.run_id = x.run_id AND w.id = x.workload_id'
                ' WHERE x.run_id = ? AND w.name = ?', (run, r[0])):
            d = days.setdefault(day, [0.0, 0.0, 0.0])
            d[0] += dem or 0
            d[1] += sf or 0
            d[2] += served or 0
        short = sorted(day for day, d in days.items() if d[1] > 0.01 * d[0])
        want = short[0] if short else 'never'
        check(cell['first_sustained_shortfall'] == want,
              f"{r[0]}: first sustained shortfall {cell['first_sustained_shortfall']} != {want}")
        check(int(cell['days_short_over_1pct']) == len(short),
              f"{r[0]}: days short {cell['days_short_over_1pct']} != {len(short)}")
        dem = sum(d[0] for d in days.values())
        share = 100 * sum(d[2] for d in days.values()) / dem
        got = float(cell['demand_served_pct'].replace(',', ''))
        check(abs(got - share) < 0.006, f'{r[0]}: served {got}% != {share:.4f}%')
    years = db.execute('SELECT count(DISTINCT substr(date, 1, 4)) FROM tick WHERE run_id = ?',
                       (run,)).fetchone()[0]
    providers = db.execute('SELECT count(*) FROM provider WHERE run_id = ?', (run,)).fetchone()[0]
    check(len(html_table(html, 'headline_providers')) - 1 == years * providers,
          'one headline row per provider and year')
    timeline = html_table(html, 'timeline')
    check(len(timeline) > 1, 'the timeline lists events')
    check(all(r[1] != 'datacenter_failure' for r in timeline[1:]), 'no failures in the timeline')
    pos = [html.find(f'<section id="{s}">') for s in ('headline', 'timeline', 'charts', 'tables')]
    check(-1 not in pos and pos == sorted(pos), f'sections out of order: {pos}')


def cmd_neutral(*paths):
    """No text cell of any CSV can run as a formula; numbers stay numbers."""
    negatives = 0
    for path in paths:
        for row in read_csv(path):
            for cell in row:
                if cell[:1] in FORMULA:
                    try:
                        float(cell)
                        negatives += cell.startswith('-')
                    except ValueError:
                        check(False, f'{path}: formula-like cell {cell!r}')
    check(negatives > 0, 'negative numbers are written as numbers')


def main():
    cmds = {'long': cmd_long, 'rollup': cmd_rollup, 'wide': cmd_wide, 'report': cmd_report,
            'stats': lambda d, j, *t: cmd_stats(d, j, *t), 'compare': cmd_compare,
            'compare_runs': cmd_compare_runs, 'groups': cmd_groups,
            'runs_csv': cmd_runs_csv, 'points_csv': cmd_points_csv,
            'runs_list': cmd_runs_list, 'sweep_report': cmd_sweep_report,
            'plots': cmd_plots, 'headline': cmd_headline, 'neutral': cmd_neutral}
    cmds[sys.argv[1]](*sys.argv[2:])
    print(f'    {sys.argv[1]}: {CHECKS[0] - len(FAILS)} of {CHECKS[0]} checks passed')
    sys.exit(1 if FAILS else 0)


if __name__ == '__main__':
    main()
