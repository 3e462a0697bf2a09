#!/usr/bin/env python3
"""Validates `netsim trace --format json` outputs against Docs/trace.schema.json.

Run from the repository root:

    python3 Tests/schema/validate_traces.py [FILE ...]

- checks the schema itself (Draft 2020-12 meta-schema);
- validates each FILE (default: every trace JSON golden, Tests/Goldens/out/trace-*-json). A file
  may be a golden: its text ends at the first line starting with `--- ` (stderr, exit code);
  a golden with no JSON (the command failed with exit 2) is skipped and counted;
- runs negative checks: copies of a valid trace broken in memory (a step of an unknown kind, a
  step without one of its kind's required fields, an unknown field, an unknown explanation code,
  a place of an unknown kind, schemaVersion 1, ...), each of which the schema must refuse, so
  that a schema that accepts everything fails this test.

Prints one line per file and per negative check; exits 1 if anything fails. Needs jsonschema.
"""
import copy
import glob
import json
import os
import sys

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SCHEMA_PATH = "Docs/trace.schema.json"
GOLDEN_GLOB = "Tests/Goldens/out/trace-*-json"


def read_document(path):
    """The JSON text of a file (a golden's text stops at its first `--- ` line); None if empty."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    kept = []
    for line in lines:
        if line.startswith("--- "):
            break
        kept.append(line)
    text = "\n".join(kept).strip()
    return json.loads(text) if text else None


def describe(error):
    error = best_match([error])
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    message = error.message if len(error.message) <= 300 else error.message[:297] + "..."
    return f"{where}: {message}"


def traces_of(doc):
    """The trace objects of a document: itself, or each of `traces` under --all-paths."""
    return doc["traces"] if "traces" in doc else [doc]


def all_steps(trace):
    for hop in trace["hops"] + (trace.get("reply") or {}).get("hops", []):
        for step in hop["steps"]:
            yield hop, step


def step_branches(schema):
    """kind -> the step schema of that kind (the oneOf branches of $defs/step)."""
    branches = {}
    for item in schema["$defs"]["step"]["oneOf"]:
        name = item["then"]["$ref"].split("/")[-1]
        branch = schema["$defs"][name]
        kind = branch["properties"]["kind"]["const"]
        branches[kind] = branch
    return branches


def negatives(schema, base):
    """(label, broken document) pairs the schema must refuse; `base` is a valid single trace."""
    out = []
    branches = step_branches(schema)
    common = {"kind", "action", "text", "component", "location", "packet"}

    def variant(label, mutate):
        doc = copy.deepcopy(base)
        try:
            mutate(doc)
        except (KeyError, IndexError, StopIteration) as e:
            out.append((label, None, repr(e)))
            return
        out.append((label, doc, None))

    def first_step(doc, kind=None):
        return next(s for _, s in all_steps(doc) if kind is None or s["kind"] == kind)

    variant("unknown top-level key", lambda d: d.__setitem__("extra", 1))
    variant("schemaVersion 1", lambda d: d.__setitem__("schemaVersion", 1))
    variant("missing hops", lambda d: d.__delitem__("hops"))
    variant("bad disposition", lambda d: d.__setitem__("disposition", "ALLOWED"))
    variant("step of an unknown kind", lambda d: first_step(d).__setitem__("kind", "teleport"))
    variant("step without a kind", lambda d: first_step(d).__delitem__("kind"))
    variant("step without its text", lambda d: first_step(d).__delitem__("text"))
    variant("step with an unknown field", lambda d: first_step(d).__setitem__("detail", "v1's free text"))
    variant("step with a bad action", lambda d: first_step(d).__setitem__("action", "MAYBE"))
    variant("v1 step (type and detail)", lambda d: d["hops"][0].__setitem__(
        "steps", [{"type": "Originate", "action": "ORIGINATED", "detail": "tcp"}]))
    variant("location without a line", lambda d: next(
        s for _, s in all_steps(d) if "location" in s)["location"].__delitem__("line"))
    variant("packet with a port over 65535", lambda d: d["finalPacket"].__setitem__("destinationPort", 70000))
    variant("hop with a place string (v1)", lambda d: d["hops"][0].__setitem__("place", "internet"))
    variant("hop without its label", lambda d: d["hops"][0].__delitem__("label"))
    variant("place of an unknown kind", lambda d: d["hops"][0]["place"].__setitem__("kind", "cloud"))
    variant("explanation with an unknown code", lambda d: d["explanations"].append(
        {"code": "SOMETHING_WRONG", "direction": "forward", "disposition": "DENIED_IN", "component": "x", "message": "m"}))
    variant("caveat of an unknown kind", lambda d: d["caveats"].append(
        {"kind": "GUESS", "affectsVerdict": False, "message": "m"}))
    # Every kind the base trace holds: without each of its own required fields, and as another kind.
    seen = []
    for _, step in all_steps(base):
        if step["kind"] in seen:
            continue
        seen.append(step["kind"])
        kind = step["kind"]
        own = [k for k in branches[kind].get("required", []) if k not in common]
        for field in own:
            def drop(d, kind=kind, field=field):
                first_step(d, kind).__delitem__(field)
            variant(f"{kind} step without {field}", drop)
        other = next((k for k in branches if k != kind and not set(step) >= set(branches[k].get("required", []))), None)
        if other:
            variant(f"{kind} step relabelled {other}", lambda d, kind=kind, other=other: first_step(d, kind).__setitem__("kind", other))
    variant("--all-paths document with a v1 trace", lambda d: d.clear() or d.update(
        {"schemaVersion": 2, "tool": "netsim", "version": "0", "traces": [{"schemaVersion": 1}]}))
    return out


def main(argv):
    failures = 0
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        Draft202012Validator.check_schema(schema)
        print(f"ok    {SCHEMA_PATH} is a valid Draft 2020-12 schema")
    except Exception as e:  # jsonschema.exceptions.SchemaError
        print(f"FAIL  {SCHEMA_PATH} is not a valid schema: {e}")
        return 1
    validator = Draft202012Validator(schema)

    paths = argv or sorted(glob.glob(GOLDEN_GLOB))
    if not paths:
        print(f"FAIL  no files match {GOLDEN_GLOB}")
        failures += 1
    validated, empty, base = 0, 0, None
    kinds = set()
    for path in paths:
        try:
            doc = read_document(path)
        except (OSError, ValueError) as e:
            print(f"FAIL  {path}: {e}")
            failures += 1
            continue
        if doc is None:
            print(f"skip  {path}: no JSON (the command failed)")
            empty += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
        if errors:
            failures += 1
            print(f"FAIL  {path}: {len(errors)} schema error(s)")
            for e in errors[:20]:
                print(f"        {describe(e)}")
            continue
        validated += 1
        print(f"ok    {path}")
        for t in traces_of(doc):
            kinds.update(s["kind"] for _, s in all_steps(t))
            # The negative checks start from the valid trace with the most kinds of steps.
            if base is None or len({s["kind"] for _, s in all_steps(t)}) > len({s["kind"] for _, s in all_steps(base)}):
                base = t

    checks = 0
    if base is not None:
        for label, doc, problem in negatives(schema, base):
            checks += 1
            if doc is None:
                print(f"FAIL  negative check '{label}': the base trace has no such part ({problem})")
                failures += 1
                continue
            error = next(validator.iter_errors(doc), None)  # the first is enough, and faster
            if error is not None:
                print(f"ok    refused as expected: {label} ({describe(error)})")
            else:
                print(f"FAIL  the schema accepted a broken trace: {label}")
                failures += 1
    elif validated:
        print("FAIL  no valid trace to break for the negative checks")
        failures += 1

    print(f"{'FAILED' if failures else 'passed'}: {validated} documents valid, {empty} without JSON, "
          f"{len(kinds)} step kinds seen, {checks} negative checks, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    if not os.path.exists(SCHEMA_PATH):
        print(f"run from the repository root: {SCHEMA_PATH} not found")
        sys.exit(1)
    sys.exit(main(sys.argv[1:]))
