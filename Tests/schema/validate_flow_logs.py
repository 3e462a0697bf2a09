#!/usr/bin/env python3
"""Validates `netsim replay --flow-logs --format json` outputs against Docs/flow-logs.schema.json.

Run from the repository root:

    python3 Tests/schema/validate_flow_logs.py [FILE ...]

- checks the schema itself (Draft 2020-12 meta-schema);
- validates each FILE (default: every flow log JSON golden, Tests/Goldens/out/flowlogs-*-json and
  flowlogs-*-gzip); a golden's text ends at its first line starting with `--- `;
- runs negative checks: copies of a valid report broken in memory, each of which the schema must
  refuse, so that a schema that accepts everything fails.

Exits 1 if anything fails. Needs jsonschema.
"""
import copy
import glob
import json
import sys

from jsonschema import Draft202012Validator

SCHEMA_PATH = "Docs/flow-logs.schema.json"


def read(path):
    kept = []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if line.startswith("--- "):
                break
            kept.append(line)
    text = "\n".join(kept).strip()
    return json.loads(text) if text else None


def main():
    schema = json.load(open(SCHEMA_PATH, encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    files = sys.argv[1:] or sorted(glob.glob("Tests/Goldens/out/flowlogs-*-json") + glob.glob("Tests/Goldens/out/flowlogs-*-gzip"))
    failed = 0
    base = None
    for path in files:
        doc = read(path)
        if doc is None:
            print(f"skip {path} (no JSON)")
            continue
        errors = list(v.iter_errors(doc))
        if errors:
            failed += 1
            print(f"FAIL {path}: {errors[0].json_path}: {errors[0].message[:300]}")
        else:
            print(f"ok   {path}")
            if base is None and any(g["agreement"] == "not-judged" for g in doc["groups"]) and any(g["agreement"] == "agrees" for g in doc["groups"]):
                base = doc
            base = base or doc
    if base is None:
        print("FAIL no valid report to break")
        return 1

    def judged(d):
        return next(g for g in d["groups"] if g["agreement"] != "not-judged")

    negatives = [
        ("unknown top-level key", lambda d: d.__setitem__("extra", 1)),
        ("schemaVersion 2", lambda d: d.__setitem__("schemaVersion", 2)),
        ("unknown field in the format", lambda d: d["format"].append("src-vpc")),
        ("records without read", lambda d: d["records"].__delitem__("read")),
        ("group with an unknown agreement", lambda d: judged(d).__setitem__("agreement", "maybe")),
        ("group with a port over 65535", lambda d: judged(d).__setitem__("destinationPort", 70000)),
        ("judged group without the model's action", lambda d: judged(d).__delitem__("model")),
        ("judged group with a not-judged reason", lambda d: judged(d).__setitem__("notJudged", "icmp-type")),
        ("not-judged reason unknown", lambda d: d["notJudged"].__setitem__("guess", 1)),
        ("location without a column", lambda d: judged(d).__setitem__("location", "file.yaml")),
        ("log action ALLOW", lambda d: judged(d).__setitem__("log", "ALLOW")),
    ]
    for label, mutate in negatives:
        doc = copy.deepcopy(base)
        mutate(doc)
        if v.is_valid(doc):
            failed += 1
            print(f"FAIL negative check accepted: {label}")
        else:
            print(f"ok   refuses: {label}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
