#!/usr/bin/env python3
"""Turn `aws ec2 describe-instance-types --output json` into netsim's limits table.

Usage:
  aws ec2 describe-instance-types --output json > types.json      # every page, one JSON document
  scripts/catalog-from-describe.py types.json > limits.tsv
  scripts/gen-instance-catalog.py limits.tsv > Sources/NetsimIPAM/Catalog/InstanceCatalogData.swift

`netsim --instance-catalog types.json` reads the JSON directly, without this step.

ENIs are the default network card's MaximumNetworkInterfaces, as the VPC CNI's
scripts/gen_vpc_ip_limits.go takes them. EC2 does not report trunk-ENI support or branch-ENI
limits (the VPC resource controller's table does), nor the handful of types the CNI adds by
hand; those are carried over from the current built-in table, whose rows are kept for every type
the JSON lacks. Rows are sorted by name.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BUILTIN = os.path.join(HERE, "..", "Sources", "NetsimIPAM", "Catalog", "InstanceCatalogData.swift")
COLUMNS = ["instance_type", "eni_limit", "ipv4_per_eni", "default_card", "cards", "hypervisor", "bare_metal",
           "trunking", "branch_enis", "vcpus", "memory_mib"]


def builtin_rows():
    """The current table's header comments and rows, by type name."""
    with open(BUILTIN, encoding="utf-8") as f:
        text = f.read()
    body = text.split('"""\n', 1)[1].rsplit('"""', 1)[0]
    comments, rows = [], {}
    for line in body.splitlines():
        if line.startswith("#"):
            comments.append(line)
        elif line and not line.startswith("instance_type\t"):
            fields = line.split("\t")
            fields += [""] * (len(COLUMNS) - len(fields))
            rows[fields[0]] = fields
    return comments, rows


def pages(doc):
    if isinstance(doc, list):
        return doc
    return [doc]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{sys.argv[1]}: {e}", file=sys.stderr)
        return 2
    comments, rows = builtin_rows()
    seen = 0
    for page in pages(doc):
        if not isinstance(page, dict) or not isinstance(page.get("InstanceTypes"), list):
            print(f"{sys.argv[1]}: expected an object with an InstanceTypes list", file=sys.stderr)
            return 2
        for item in page["InstanceTypes"]:
            try:
                name = item["InstanceType"]
                net = item["NetworkInfo"]
                total = int(net["MaximumNetworkInterfaces"])
                ips = int(net["Ipv4AddressesPerInterface"])
            except (KeyError, TypeError, ValueError) as e:
                print(f"{sys.argv[1]}: an InstanceTypes entry lacks {e}", file=sys.stderr)
                return 2
            default = int(net.get("DefaultNetworkCardIndex", 0))
            cards = {}
            for c in net.get("NetworkCards", []):
                cards[int(c["NetworkCardIndex"])] = int(c["MaximumNetworkInterfaces"])
            if not cards:
                cards = {0: total}
            card_list = [cards.get(i, 0) for i in range(max(cards) + 1)]
            eni = card_list[default] if default < len(card_list) else total
            old = rows.get(name, [""] * len(COLUMNS))
            vcpus = item.get("VCpuInfo", {}).get("DefaultVCpus", old[9])
            mem = item.get("MemoryInfo", {}).get("SizeInMiB", old[10])
            rows[name] = [name, str(eni), str(ips), str(default), ";".join(f"{i}:{n}" for i, n in enumerate(card_list)),
                          item.get("Hypervisor", "unknown") or "unknown", "true" if item.get("BareMetal") else "false",
                          old[7], old[8], str(vcpus), str(mem)]
            seen += 1
    out = sys.stdout
    for c in comments:
        out.write(c + "\n")
    out.write(f"# Refreshed from describe-instance-types: {seen} types read.\n")
    out.write("\t".join(COLUMNS) + "\n")
    for name in sorted(rows):
        out.write("\t".join(rows[name]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
