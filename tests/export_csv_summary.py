#!/usr/bin/env python3
"""Reads an export (a CSV file) with Python's csv module and prints what the tests check, as JSON.

Usage: export_csv_summary.py FILE

{"header": [...], "rows": N, "ragged": rows whose field count differs from the header's,
 "crlf": every line ends with CRLF, "sums": {column: exact decimal sum of its numeric fields},
 "negatives": {column: count}, "max_places": {column: most decimal places},
 "dates": {column: count of fields in that column's date form}, "first": first row as a dict,
 "columns": {column: [every field]} for the text columns named by EXPORT_COLUMNS (comma list)}

Sums are Decimal, written without exponent or trailing zeros, so they compare as text with
PostgreSQL's trim_scale(sum(...)).
"""
import csv
import io
import json
import os
import re
import sys
from decimal import Decimal, InvalidOperation

DATE_FORMS = {
    "time": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",
    "latest_ts": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",
    "created_at": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",
    "first_fill_time": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",
    "last_fill_time": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",
}
AWAKEN_DATE = r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d"
KOINLY_DATE = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")


def plain(d):
    text = format(d.normalize(), "f")
    return "0" if Decimal(text) == 0 else text


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    date_form = dict(DATE_FORMS)
    if header and header[0] == "Date":
        date_form["Date"] = KOINLY_DATE if "Sent Amount" in header else AWAKEN_DATE
    wanted = [c for c in os.environ.get("EXPORT_COLUMNS", "").split(",") if c]
    sums, negatives, places, dates = {}, {}, {}, {}
    columns = {c: [] for c in wanted}
    for row in body:
        for name, value in zip(header, row):
            if name in columns:
                columns[name].append(value)
            if name in date_form:
                dates[name] = dates.get(name, 0) + bool(re.fullmatch(date_form[name], value))
            if not NUMBER.fullmatch(value):
                continue
            try:
                d = Decimal(value)
            except InvalidOperation:
                continue
            sums[name] = sums.get(name, Decimal(0)) + d
            negatives[name] = negatives.get(name, 0) + (d < 0)
            exponent = d.as_tuple().exponent
            places[name] = max(places.get(name, 0), -exponent if exponent < 0 else 0)
    # Every record ends with CRLF: at least one CRLF per record, and the file ends with one.
    crlf = raw.count(b"\r\n")
    json.dump({
        "header": header,
        "rows": len(body),
        "ragged": sum(len(r) != len(header) for r in body),
        "crlf": raw.endswith(b"\r\n") and crlf >= len(rows),
        "sums": {k: plain(v) for k, v in sums.items()},
        "negatives": negatives,
        "max_places": places,
        "dates": dates,
        "first": dict(zip(header, body[0])) if body else None,
        "columns": columns,
    }, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
