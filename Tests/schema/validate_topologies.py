#!/usr/bin/env python3
"""Validates the shipped topologies against Docs/topology.schema.json.

Run from the repository root:  python3 Tests/schema/validate_topologies.py

- checks the schema itself (Draft 2020-12 meta-schema);
- validates every Topologies/*.yaml (not Topologies/broken/, which holds files that are wrong on
  purpose) and prints one line per file;
- runs negative checks: copies of quickstart.yaml broken in memory, each of which the schema
  must refuse, so that a schema that accepts everything fails this test.

Exits 1 if anything fails. Needs PyYAML and jsonschema.

YAML is read with YAML 1.2 core-schema scalars, as netsim and editors' YAML language servers
read it: only true/false (any case style) are booleans, so yes/no/on/off stay text; 1:30 and
dates stay text; 0777 is the decimal 777; and '<<' merge keys are plain keys (netsim does not
expand them, so the schema reports them as unknown keys).
"""
import copy
import glob
import json
import os
import re
import sys

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SCHEMA_PATH = "Docs/topology.schema.json"
TOPOLOGY_GLOB = "Topologies/*.yaml"
NEGATIVE_BASE = "Topologies/quickstart.yaml"


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema implicit types instead of YAML 1.1's."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                           "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def construct_int12(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def construct_float12(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", construct_int12)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", construct_float12)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Yaml12Loader)


def describe(error):
    """Path and message of the most specific cause (inside anyOf/oneOf where there is one)."""
    error = best_match([error])
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    message = error.message if len(error.message) <= 300 else error.message[:297] + "..."
    return f"{where}: {message}"


def main():
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

    # Positive: every shipped topology validates.
    paths = sorted(glob.glob(TOPOLOGY_GLOB))
    if not paths:
        print(f"FAIL  no files match {TOPOLOGY_GLOB}")
        failures += 1
    for path in paths:
        try:
            doc = load_yaml(path)
        except yaml.YAMLError as e:
            print(f"FAIL  {path}: YAML: {e}")
            failures += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
        if errors:
            failures += 1
            print(f"FAIL  {path}: {len(errors)} schema error(s)")
            for e in errors[:20]:
                print(f"        {describe(e)}")
        else:
            print(f"ok    {path}")

    # Negative: broken variants of quickstart.yaml that the schema must refuse.
    base = load_yaml(NEGATIVE_BASE)

    def variant(mutate):
        doc = copy.deepcopy(base)
        mutate(doc)
        return doc

    def setitem(path, value):
        def mutate(doc):
            target = doc
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        return mutate

    def delitem(path):
        def mutate(doc):
            target = doc
            for key in path[:-1]:
                target = target[key]
            del target[path[-1]]
        return mutate

    negatives = [
        ("unknown top-level key", setitem(["vpcs"], {})),
        ("unknown key in a subnet", setitem(["vpc", "subnets", 0, "availabilityZone"], "us-east-1a")),
        ("subnets as a mapping", setitem(["vpc", "subnets"], {"public-a": {"zone": "us-east-1a"}})),
        ("bad verdict", setitem(["expect", 0, "verdict"], "allowed")),
        ("missing required vpc", delitem(["vpc"])),
        ("missing subnet cidr", delitem(["vpc", "subnets", 0, "cidr"])),
        ("wrong apiVersion", setitem(["apiVersion"], "netsim/v2")),
        ("bad NACL action", setitem(["vpc", "networkAcls", 0, "inbound", 0, "action"], "permit")),
        ("NACL rule number out of range", setitem(["vpc", "networkAcls", 0, "inbound", 0, "rule"], 32767)),
        ("port range written with a colon", setitem(["vpc", "networkAcls", 0, "inbound", 0, "ports"], "80:443")),
        ("port over 65535", setitem(["vpc", "securityGroups", 1, "ingress", 0, "ports"], 70000)),
        ("security-group rule with two peers",
         setitem(["vpc", "securityGroups", 1, "ingress", 0, "from"], {"cidr": "10.0.0.0/16", "securityGroup": "db"})),
        ("route with neither destination nor prefixList", delitem(["vpc", "routeTables", 0, "routes", 0, "destination"])),
        ("subnet CIDR larger than /16", setitem(["vpc", "subnets", 0, "cidr"], "10.0.0.0/8")),
        ("bad endpoint kind", setitem(["expect", 0, "from"], "deploy:shop/frontend")),
        ("node group without subnets", delitem(["cluster", "nodeGroups", 0, "subnets"])),
        ("inline manifest without kind", setitem(["kubernetes", "manifests"], [{"apiVersion": "v1"}])),
        ("manifest glob escaping the folder", setitem(["kubernetes", "manifests"], ["../k8s/*.yaml"])),
        ("cni as a list", setitem(["cluster", "cni"], ["WARM_ENI_TARGET=1"])),
        ("empty egress (an empty list to netsim, not the default rule)", setitem(["vpc", "securityGroups", 0, "egress"], None)),
        ("private NAT gateway with a public IP",
         setitem(["vpc", "natGateways", 0], {"name": "nat-a", "subnet": "public-a", "connectivity": "private",
                                            "publicIp": "203.0.113.10"})),
        ("ICMP code without a type",
         setitem(["vpc", "securityGroups", 1, "ingress", 0], {"protocol": "icmp", "icmpCode": 4,
                                                             "from": {"cidr": "10.0.0.0/16"}})),
        ("external with both address and cidr", setitem(["externals", 0, "cidr"], "10.0.96.0/24")),
        ("modelled kind with an old apiVersion",
         setitem(["kubernetes", "manifests"], [{"apiVersion": "extensions/v1beta1", "kind": "Ingress",
                                                "metadata": {"name": "x"}}])),
    ]
    for label, mutate in negatives:
        try:
            doc = variant(mutate)
        except (KeyError, IndexError, TypeError) as e:
            print(f"FAIL  negative check '{label}': {NEGATIVE_BASE} no longer has the expected shape ({e!r})")
            failures += 1
            continue
        errors = list(validator.iter_errors(doc))
        if errors:
            print(f"ok    refused as expected: {label} ({describe(best_match(errors))})")
        else:
            print(f"FAIL  the schema accepted a broken topology: {label}")
            failures += 1

    print(f"{'FAILED' if failures else 'passed'}: {len(paths)} topologies, {len(negatives)} negative checks, "
          f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    if not os.path.exists(SCHEMA_PATH):
        print(f"run from the repository root: {SCHEMA_PATH} not found")
        sys.exit(1)
    sys.exit(main())
