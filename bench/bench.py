#!/usr/bin/env python3
"""Helpers for bench/run.sh (standard library only).

  bench.py put RESULTS KEY JSON_VALUE       merge one figure into the results file
  bench.py urls MANIFEST URLS PARAMS         request mix (heavy/median/light wallets x day/month/year)
  bench.py fills-urls FILLS_MANIFEST URLS PARAMS   GET /api/v1/twaps/{id}/fills for the TWAPs
                                             with most, median and fewest slices
  bench.py api-sql NAME SQL_DIR SQL_JSON     the SQL the API runs for endpoint NAME (list, fills),
                                             read from src/api/sql, or list_reference (tests/sql)
  bench.py pgbench-scripts PARAMS SQL_JSON DIR   one pgbench script per request of the mix
  bench.py pglog PREFIX                      p50/p99 of pgbench --log files PREFIX*
  bench.py report RESULTS MD JSON            the table (Markdown) and the raw figures (JSON)
"""
import datetime as dt
import glob
import json
import os
import re
import sys


def load(path):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {}


def save(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def cmd_put(results, key, value):
    data = load(results)
    try:
        data[key] = json.loads(value)
    except json.JSONDecodeError:
        data[key] = value
    save(results, data)


def parse_iso(text):
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def windows(anchor):
    """A day, a month and a year that contain `anchor`, as [start, end] pairs."""
    day = anchor.replace(hour=0, minute=0, second=0)
    month = day.replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    year = month.replace(month=1)
    return {
        "day": (day, day + dt.timedelta(days=1)),
        "month": (month, next_month),
        "year": (year, year.replace(year=year.year + 1)),
    }


def cmd_urls(manifest_path, urls_path, params_path):
    manifest = load(manifest_path)
    params = []
    for w in manifest["sample_wallets"]:
        first, last = parse_iso(w["first"]), parse_iso(w["last"])
        # Heavy wallets trade throughout: look in the middle of their history. Others: around
        # their first TWAP, so that even the day window finds something.
        anchor = first + (last - first) / 2 if w["class"] == "heavy" else first
        for name, (start, end) in windows(anchor).items():
            params.append({"class": w["class"], "window": name, "wallet": w["wallet"],
                           "start": iso(start), "end": iso(end)})
    with open(urls_path, "w") as f:
        for p in params:
            f.write(f"/api/v1/twaps?wallet={p['wallet']}&start={p['start']}&end={p['end']}\n")
    save(params_path, params)


def cmd_fills_urls(manifest_path, urls_path, params_path):
    manifest = load(manifest_path)
    params = [{"class": t["class"], "window": f"{t['slices']} slices", "twap_id": t["twap_id"]}
              for t in manifest["sample_twaps"]]
    with open(urls_path, "w") as f:
        for p in params:
            f.write(f"/api/v1/twaps/{p['twap_id']}/fills\n")
    save(params_path, params)


# The one statement each benchmarked endpoint runs with its default parameters: the file in
# src/api/sql and what its $1, $2, ... are (see cmd_pgbench_scripts for the forms).
API_STATEMENTS = {
    # GET /api/v1/twaps (latest_per_twap=true, limit=500, no asset, no cursor): $1 wallet,
    # $2 start, $3 end, $4 asset, $5 cursor ts, $6 cursor twap_id, $7 limit + 1
    # (src/api/handlers.cc, HandleListTwaps).
    "list": {"file": "twaps_latest.sql",
             "params": ["wallet", "start", "end", None, None, None, "=501"]},
    # The same request as a straightforward implementation runs it (tests/sql): the baseline.
    "list_reference": {"file": "twaps_latest_reference.sql",
                       "params": ["wallet", "start", "end", None, None, None, "=501"]},
    # GET /api/v1/twaps/{twap_id}/fills (limit=1000, no cursor): $1 twap_id, $2 cursor time,
    # $3 cursor tid, $4 cursor wallet, $5 limit + 1 (src/api/handlers.cc, HandleTwapFills).
    "fills": {"file": "twap_fills.sql", "params": ["twap_id", None, None, None, "=1001"]},
}


def cmd_api_sql(name, sql_dir, out_path):
    """Reads the SQL file the API embeds, so that pgbench runs exactly what the API runs."""
    statement = API_STATEMENTS[name]
    path = os.path.join(sql_dir, statement["file"])
    if not os.path.exists(path):
        near = sorted(glob.glob(os.path.join(sql_dir, f"*{name}*.sql")))
        raise SystemExit(f"no {statement['file']} in {sql_dir}"
                         + (f" (found {', '.join(map(os.path.basename, near))}: set its name in"
                            f" bench.py, API_STATEMENTS)" if near else ""))
    with open(path) as f:
        sql = f.read()
    used = max((int(n) for n in re.findall(r"\$(\d+)", sql_one_line(sql))), default=0)
    if used != len(statement["params"]):
        raise SystemExit(f"{statement['file']} has ${used} as its last parameter but bench.py gives"
                         f" {len(statement['params'])} (API_STATEMENTS['{name}']): update it")
    save(out_path, {"source": path, "statements": [{"sql": sql, "params": statement["params"]}]})


def sql_one_line(sql):
    """The statement on one line, without its -- comments (pgbench reads a statement per line
    and ends it at the first unquoted semicolon)."""
    out = []
    for line in sql.splitlines():
        quoted = False
        for i, c in enumerate(line):
            if c == "'":
                quoted = not quoted
            elif not quoted and line.startswith("--", i):
                line = line[:i]
                break
        if line.strip():
            out.append(line.strip())
    return " ".join(out).rstrip(";")


def cmd_pgbench_scripts(params_path, sql_path, out_dir):
    """SQL_JSON: {"statements": [{"sql": "...$1...", "params": ["wallet", "start", null, "=501"]}]}.

    Writes one pgbench script per request of the mix (equal weights: wrk rotates through the
    URLs evenly) and DIR/defines.txt, the -D options that hold the values. A parameter names a
    key of the request (a string, passed with -D), "=N" (a number, \\set), or null: pgbench
    cannot send a NULL parameter, so NULL is written into the SQL. The planner sees the same
    thing in both cases, as a custom plan replaces parameters by their values.
    """
    params = load(params_path)
    spec = load(sql_path)
    os.makedirs(out_dir, exist_ok=True)
    defines = []
    for i, p in enumerate(params):
        lines = [f"-- {p['class']}, {p['window']}"]
        for k, st in enumerate(spec["statements"]):
            names = []
            for j, n in enumerate(st["params"]):
                if n is None:
                    names.append("NULL")
                elif n.startswith("="):
                    lines.append(f"\\set n{k}_{j} {n[1:]}")
                    names.append(f":n{k}_{j}")
                else:
                    var = f"{n}_{i:02d}"
                    defines.append(f"{var}={p[n]}")
                    names.append(f":{var}")
            sql = re.sub(r"\$(\d+)", lambda m: names[int(m.group(1)) - 1], sql_one_line(st["sql"]))
            lines.append(sql + ";")
        with open(os.path.join(out_dir, f"q{i:02d}.sql"), "w") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(out_dir, "defines.txt"), "w") as f:
        f.write("".join(d + "\n" for d in sorted(set(defines))))


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def cmd_pglog(prefix):
    # Per transaction: client_id transaction_no latency_us script_no epoch epoch_us [lag]
    latencies = []
    for path in glob.glob(prefix + "*"):
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    latencies.append(int(fields[2]))
    latencies.sort()
    out = {"transactions": len(latencies)}
    if latencies:
        out.update({
            "p50_ms": round(percentile(latencies, 0.50) / 1000, 3),
            "p90_ms": round(percentile(latencies, 0.90) / 1000, 3),
            "p99_ms": round(percentile(latencies, 0.99) / 1000, 3),
            "max_ms": round(latencies[-1] / 1000, 3),
            "mean_ms": round(sum(latencies) / len(latencies) / 1000, 3),
        })
    print(json.dumps(out))


def fmt_num(v, digits=0):
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def verdict(r, target, higher_is_better=True):
    if r is None:
        return "n/a"
    ok = r >= target if higher_is_better else r <= target
    return "yes" if ok else "**no**"


def cmd_report(results_path, md_path, json_path):
    r = load(results_path)
    g = r.get
    rows = []  # figure, value, baseline, ratio, target, met

    def mb(kb):
        return None if kb is None else kb / 1024

    copy = g("copy_rows_per_s")
    etl_empty = g("etl_local_empty_rows_per_s")
    etl_full = g("etl_local_full_rows_per_s")
    r1 = ratio(etl_empty, copy)
    rows.append(["ETL local → empty table (rows/s)", fmt_num(etl_empty),
                 f"psql \\copy {fmt_num(copy)}", fmt_num(r1, 2), "≥ 0.70", verdict(r1, 0.7)])
    r2 = ratio(etl_full, copy)
    rows.append(["ETL local → table already holding the rows (rows/s)", fmt_num(etl_full),
                 f"psql \\copy {fmt_num(copy)}", fmt_num(r2, 2), "(info)", ""])
    s3 = g("etl_s3_rows_per_s")
    s3_ref = g("etl_s3_local_ref_rows_per_s")
    r3 = ratio(s3, s3_ref)
    rows.append([f"ETL S3 (moto) → empty table, {fmt_num(g('s3_rows'))} rows (rows/s)",
                 fmt_num(s3), f"ETL local {fmt_num(s3_ref)}", fmt_num(r3, 2), "(info)", ""])
    rows.append(["ETL peak RSS, full local run (MiB)", fmt_num(mb(g("etl_local_empty_rss_kb")), 1),
                 "", "", "", ""])

    def memory_row(what, prefix):
        """One file and a file 10x larger: keys etl_{prefix}mem_{small,big}_rss_kb and
        {prefix}mem_{small,big}_rows."""
        small, big = g(f"etl_{prefix}mem_small_rss_kb"), g(f"etl_{prefix}mem_big_rss_kb")
        r = ratio(big, small)
        rows.append([f"{what} peak RSS, one file of {fmt_num(g(f'{prefix}mem_big_rows'))} rows"
                     " (MiB)", fmt_num(mb(big), 1),
                     f"{fmt_num(g(f'{prefix}mem_small_rows'))} rows: {fmt_num(mb(small), 1)}",
                     fmt_num(r, 2), "≤ 1.25 (flat)", verdict(r, 1.25, higher_is_better=False)])

    memory_row("ETL", "")
    fills_rows, fills_slices = g("fills_rows"), g("fills_slice_rows")
    rows.append([f"Fills ETL local, {fmt_num(g('fills_files'))} hourly files → twap_fill"
                 " (rows scanned/s)", fmt_num(g("etl_fills_rows_per_s")),
                 f"{fmt_num(fills_rows)} rows", "", "(info)", ""])
    rows.append([f"Fills ETL, TWAP slice rows stored/s ({fmt_num(fills_slices)} slices)",
                 fmt_num(g("etl_fills_slices_per_s")), "", "", "(info)", ""])
    rows.append(["Fills ETL peak RSS, local run (MiB)", fmt_num(mb(g("etl_fills_rss_kb")), 1),
                 "", "", "", ""])
    memory_row("Fills ETL", "fills_")

    def errors(w):
        n = sum(w.get(k, 0) for k in ("errors_connect", "errors_read", "errors_write",
                                        "errors_status", "errors_timeout"))
        return f" ({n} errors)" if n else ""

    def api_rows(label, suffix, with_reference):
        """wrk against the API, pgbench running its SQL and (list) pgbench running the reference
        SQL, per concurrency (keys api{suffix}_cN, pgbench{suffix}_cN, pgbenchref{suffix}_cN)."""
        for c in g("concurrency_levels", []):
            api = g(f"api{suffix}_c{c}") or {}
            new = g(f"pgbench{suffix}_c{c}") or {}
            ref = g(f"pgbenchref{suffix}_c{c}") or {}
            target = c == g("target_concurrency")
            rps = fmt_num(api.get("rps")) + errors(api)
            if with_reference:
                rr = ratio(api.get("rps"), ref.get("tps"))
                rows.append([f"API {label}, {c} conn (req/s) vs reference SQL", rps,
                             f"pgbench reference SQL {fmt_num(ref.get('tps'))} tps", fmt_num(rr, 2),
                             "≥ 10" if target else "(info)", verdict(rr, 10) if target else ""])
            rn = ratio(api.get("rps"), new.get("tps"))
            rows.append([f"API {label}, {c} conn (req/s) vs its SQL", rps,
                         f"pgbench API SQL {fmt_num(new.get('tps'))} tps", fmt_num(rn, 2),
                         "≥ 0.80" if target else "(info)", verdict(rn, 0.8) if target else ""])
            baseline = f"pgbench API SQL {fmt_num(new.get('p50_ms'), 2)}"
            if with_reference:
                baseline += f"; reference {fmt_num(ref.get('p50_ms'), 2)}"
            r50 = ratio(api.get("p50_ms"), new.get("p50_ms"))
            rows.append([f"API {label} p50, {c} conn (ms)", fmt_num(api.get("p50_ms"), 2), baseline,
                         fmt_num(r50, 2), "≤ 2.0" if target else "(info)",
                         verdict(r50, 2.0, higher_is_better=False) if target else ""])
            baseline = f"pgbench API SQL {fmt_num(new.get('p99_ms'), 2)}"
            if with_reference:
                baseline += f"; reference {fmt_num(ref.get('p99_ms'), 2)}"
            rows.append([f"API {label} p99, {c} conn (ms)", fmt_num(api.get("p99_ms"), 2), baseline,
                         "", "≤ 100 ms" if target else "(info)",
                         verdict(api.get("p99_ms"), 100, higher_is_better=False) if target else ""])

    def list_extras(tag, scale):
        """A light request beside heavy ones, paging a year, peak RSS (keys with suffix tag)."""
        alone, loaded = g(f"light_alone{tag}") or {}, g(f"light_loaded{tag}") or {}
        heavy = g(f"heavy_load{tag}") or {}
        rl = ratio(loaded.get("p50_ms"), alone.get("p50_ms"))
        rows.append([f"Light GET /api/v1/twaps/{{id}} p50 beside {g('heavy_connections', '?')}"
                     f" connections of heavy requests{scale} (ms)",
                     fmt_num(loaded.get("p50_ms"), 2) + errors(loaded),
                     f"alone {fmt_num(alone.get('p50_ms'), 2)}", fmt_num(rl, 2), "(info)", ""])
        rows.append([f"Heavy requests meanwhile: heaviest wallet's year, limit 1000 with rows{scale}"
                     " (req/s; p50 / p99 ms)",
                     f"{fmt_num(heavy.get('rps'), 1)}{errors(heavy)}; {fmt_num(heavy.get('p50_ms'), 1)}"
                     f" / {fmt_num(heavy.get('p99_ms'), 1)}", "", "", "(info)", ""])
        ref, new, api = (g(f"paging_{k}{tag}") or {} for k in ("ref", "new", "api"))
        rp = ratio(ref.get("seconds"), api.get("seconds"))
        counts = {ref.get("twaps"), new.get("twaps"), api.get("twaps")}
        same = "" if len(counts) == 1 else f" (**TWAPs differ**: reference {ref.get('twaps')}, API SQL {new.get('twaps')}, API {api.get('twaps')})"
        rows.append([f"Paging the heaviest wallet's year by 100 through the API, {fmt_num(api.get('pages'))}"
                     f" pages, {fmt_num(api.get('twaps'))} TWAPs{scale} (s){same}",
                     fmt_num(api.get("seconds"), 2),
                     f"reference SQL {fmt_num(ref.get('seconds'), 2)}; API SQL {fmt_num(new.get('seconds'), 2)}",
                     f"{fmt_num(rp, 1)}× faster", "≥ 20× faster", verdict(rp, 20)])
        rows.append([f"API peak RSS under load, VmHWM{scale} (MiB)",
                     fmt_num(mb(g(f"api{tag}_vmhwm_kb")), 1), "", "", "", ""])
        page = g(f"page{tag}") or {}
        mib = None if page.get("bytes") is None else page["bytes"] / 1048576
        rows.append([f"API peak RSS for one page of {fmt_num(page.get('twaps'))} TWAPs with"
                     f" {fmt_num(page.get('rows'))} rows, {fmt_num(mib, 1)} MiB"
                     f"{', chunked' if page.get('chunked') else ''}{scale}: VmHWM before / after (MiB)",
                     f"{fmt_num(mb(page.get('vmhwm_before_kb')), 1)} / {fmt_num(mb(page.get('vmhwm_after_kb')), 1)}",
                     "", "", "(info)", ""])

    api_rows("/api/v1/twaps", "", True)
    api_rows("/api/v1/twaps/{id}/fills", "_fills", False)
    for c in g("concurrency_levels", []):
        h = g(f"healthz_c{c}")
        if h is None:
            continue
        rows.append([f"/healthz floor, {c} conn (req/s; p50 / p99 ms)",
                     f"{fmt_num(h.get('rps'))}{errors(h)}; "
                     f"{fmt_num(h.get('p50_ms'), 2)} / {fmt_num(h.get('p99_ms'), 2)}",
                     "", "", "", ""])
    list_extras("", "")
    if g("mix_rows") is not None:
        scale = f" [{fmt_num(g('mix_rows'))}-row mix]"
        api_rows("/api/v1/twaps" + scale, "_mix", True)
        list_extras("_mix", scale)

    copy_export = g("export_copy_rows_per_s")
    n = fmt_num(g("export_fills"))
    re_ = ratio(g("export_cli_csv_rows_per_s"), copy_export)
    rows.append([f"hltwap export csv, one wallet's year of {n} fills (rows/s)",
                 fmt_num(g("export_cli_csv_rows_per_s")), f"psql \\copy {fmt_num(copy_export)}",
                 fmt_num(re_, 2), "≥ 0.50", verdict(re_, 0.5)])
    for variant in ("csv", "awaken", "koinly"):
        rv = ratio(g(f"export_api_{variant}_rows_per_s"), copy_export)
        rows.append([f"GET /api/v1/export format={variant}, {fmt_num(g(f'export_api_{variant}_rows'))}"
                     f" rows, {fmt_num(g(f'export_api_{variant}_mib'))} MiB (rows/s)",
                     fmt_num(g(f"export_api_{variant}_rows_per_s")),
                     f"psql \\copy {fmt_num(copy_export)}", fmt_num(rv, 2), "(info)", ""])
    before, after = g("export_api_vmhwm_before_kb"), g("export_api_vmhwm_after_kb")
    rows.append(["API peak RSS, VmHWM before / after the exports (MiB)",
                 f"{fmt_num(mb(before), 1)} / {fmt_num(mb(after), 1)}", "", "", "", ""])

    m = g("machine", {})
    header = (f"hltwap benchmark, {g('finished_at', '?')}: {fmt_num(g('rows'))} rows in "
              f"{fmt_num(g('files'))} hourly files; {m.get('cores', '?')} cores, "
              f"{m.get('memory_gib', '?')} GiB, {m.get('cpu', '?')}; {m.get('postgres', '?')}"
              f" ({m.get('postgres_where', '?')}); load average {g('load_average_at_start', '?')} at the"
              f" start, {g('load_average_at_end', '?')} at the end; {fmt_num(g('total_seconds'))} s")
    lines = [header, "", "| figure | hltwap | baseline | ratio | target | met |",
             "|---|---:|---:|---:|---|---|"]
    for row in rows:
        lines.append("| " + " | ".join(str(x) for x in row) + " |")
    notes = list(g("notes", []))
    if g("aborted"):
        notes.insert(0, f"the run stopped early ({g('aborted')}): figures shown n/a were not measured")
    if notes:
        lines.append("")
        lines.extend(f"- {n}" for n in notes)
    text = "\n".join(lines) + "\n"
    with open(md_path, "w") as f:
        f.write(text)
    save(json_path, r)
    print(text)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    commands = {"put": cmd_put, "urls": cmd_urls, "pgbench-scripts": cmd_pgbench_scripts,
                "api-sql": cmd_api_sql, "fills-urls": cmd_fills_urls,
                "pglog": cmd_pglog, "report": cmd_report}
    fn = commands.get(argv[1])
    if fn is None:
        print(__doc__, file=sys.stderr)
        return 2
    fn(*argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
