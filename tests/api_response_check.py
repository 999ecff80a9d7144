#!/usr/bin/env python3
"""Checks `hltwap api` responses against the server's own OpenAPI document.

Usage: api_response_check.py BASE_URL REQUEST...

A REQUEST is "PATH" (a GET) or "METHOD PATH". The document at BASE_URL/openapi.json is first
validated as OpenAPI 3.1 (openapi-spec-validator); then for each request the response must have
a status the operation documents, a documented media type, and (for JSON) a body valid against
the documented schema (JSON Schema 2020-12, with the API's timestamp format for date-time).
Prints one line per request and exits 1 when anything does not match.
"""
import json
import re
import sys
import urllib.error
import urllib.request

import jsonschema
from openapi_spec_validator import validate as validate_spec

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z")


def fetch(base, method, path):
    request = urllib.request.Request(base + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def find_operation(doc, method, path):
    bare = path.split("?", 1)[0]
    for template, item in doc["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, bare) and method.lower() in item:
            return template, item[method.lower()]
    for template, item in doc["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, bare):
            # Another method on a known path: the GET operation documents the 405.
            return template, item["get"]
    return None, None


def resolve(doc, obj):
    while "$ref" in obj:
        node = doc
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def main():
    base = sys.argv[1].rstrip("/")
    status, _, body = fetch(base, "GET", "/openapi.json")
    if status != 200:
        print(f"FAIL /openapi.json: status {status}")
        return 1
    doc = json.loads(body)
    validate_spec(doc)
    print("ok   /openapi.json is valid OpenAPI", doc["openapi"])

    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(TIMESTAMP.fullmatch(value)))
    failures = 0
    for spec in sys.argv[2:]:
        method, path = spec.split(" ", 1) if " " in spec else ("GET", spec)
        status, headers, body = fetch(base, method, path)
        template, operation = find_operation(doc, method, path)
        where = f"{method} {path} -> {status}"
        if operation is None:
            print(f"FAIL {where}: no documented path")
            failures += 1
            continue
        response = operation["responses"].get(str(status))
        if response is None:
            print(f"FAIL {where}: status not documented for {template}")
            failures += 1
            continue
        response = resolve(doc, response)
        media_type = headers.get("Content-Type", "").split(";")[0].strip()
        content = response.get("content", {})
        if media_type not in content:
            print(f"FAIL {where}: media type {media_type!r} not documented ({sorted(content)})")
            failures += 1
            continue
        for name in response.get("headers", {}):
            if headers.get(name) is None:
                print(f"FAIL {where}: documented header {name} missing")
                failures += 1
        if media_type == "application/json":
            schema = dict(content[media_type]["schema"])
            schema["components"] = doc["components"]
            try:
                jsonschema.Draft202012Validator(schema, format_checker=checker).validate(json.loads(body))
            except jsonschema.ValidationError as error:
                print(f"FAIL {where}: {error.message} at {list(error.absolute_path)}")
                failures += 1
                continue
        print(f"ok   {where} ({template}, {media_type})")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
