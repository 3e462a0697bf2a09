#!/usr/bin/env python3
"""Writes VPC Flow Logs records for flows netsim traces, from their captures.

    python3 scripts/flowlogs-from-capture.py NETSIM TOPOLOGY FLOWS OUT [--style s3|s3-v5|cloudwatch] [--gzip]

FLOWS is a file of `netsim trace` arguments, one flow per line (`--from … --to … --port …`).
For each flow this runs `netsim trace TOPOLOGY ARGS --handshake --pcap` and reads the capture
(classic pcap, Ethernet, parsed here with struct): every frame netsim labels with an ENI
(`… (eni-…) in|out`) is a packet that crossed that interface, and becomes part of one flow log
record per interface, direction and 5-tuple, as VPC Flow Logs aggregates them ("Flow log
records": one record per network interface and 5-tuple in an aggregation interval), with the
addresses as they are at the interface. Their action is ACCEPT: the capture holds only packets
that got through. Where the trace (`--format json`) says the packet was denied by a security
group or a network ACL before any routing failure, the packet as it reached that interface gets a
REJECT record there, as VPC Flow Logs writes for traffic the security groups or network ACL
refuse; a packet the fabric never brings to an interface (no route) gets no record.

Styles: `s3` is the default format with its header line, as VPC Flow Logs writes to Amazon S3;
`s3-v5` a custom format (vpc-id … flow-direction traffic-path) with its header; `cloudwatch`
the default format without header, each line prefixed with an ISO 8601 timestamp, as a
CloudWatch Logs export to S3 writes it. `--gzip` compresses the result (the `.log.gz` objects).
"""
import datetime
import gzip
import ipaddress
import json
import re
import shlex
import struct
import subprocess
import sys
import tempfile
import os

ACCOUNT = "123456789012"
PRIVATE = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
CAPTURE_LINE = re.compile(r"^\s+(\d+)\s+.*\((eni-[0-9a-f]+)\) (in|out) — ")


def frames(path):
    """(number, ts_seconds, proto, src, dst, sport, dport, tcp_flags, ip_length) per IPv4 frame."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    link = struct.unpack(endian + "I", data[20:24])[0]
    assert link == 1, "netsim writes Ethernet captures"
    off, n = 24, 0
    out = []
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        n += 1
        if len(frame) < 34 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        length = struct.unpack(">H", ip[2:4])[0]
        proto = ip[9]
        src = ".".join(str(b) for b in ip[12:16])
        dst = ".".join(str(b) for b in ip[16:20])
        l4 = ip[ihl:]
        sport = dport = flags = 0
        if proto in (6, 17) and len(l4) >= 4:
            sport, dport = struct.unpack(">HH", l4[:4])
            if proto == 6 and len(l4) >= 14:
                flags = l4[13]
        out.append((n, sec + frac / (1e9 if nano else 1e6), proto, src, dst, sport, dport, flags, length))
    return out


def trace(netsim, topology, args, pcap):
    text = subprocess.run([netsim, "trace", topology, *args, "--handshake", "--pcap", pcap], capture_output=True, text=True)
    js = subprocess.run([netsim, "trace", topology, *args, "--format", "json"], capture_output=True, text=True)
    if js.returncode not in (0, 1, 3):
        print(f"skipped (netsim trace exit {js.returncode}): {' '.join(args)}", file=sys.stderr)
        return text.stdout, None
    return text.stdout, json.loads(js.stdout)


def first_denial(hops):
    """(eni, direction) where a path's first denial happens, if it is a security group's or a
    network ACL's and comes before any routing failure; None otherwise."""
    interfaces = [(i, h["place"]) for i, h in enumerate(hops) if h["place"].get("kind") in ("interface", "loadBalancerNode")]
    for i, h in enumerate(hops):
        bad = [s for s in h["steps"] if s["action"] not in ("ORIGINATED", "FORWARDED", "PERMITTED", "DELIVERED", "MATCHED_SESSION", "TRANSFORMED")]
        if not bad:
            continue
        s = bad[0]
        if s.get("kind") == "securityGroupDenies":
            place, direction = h["place"], s.get("direction")
        elif s.get("kind") == "networkACL" and s["action"] == "DENIED":
            inbound = s.get("direction") == "inbound"
            side = [pl for j, pl in interfaces if j > i] if inbound else [pl for j, pl in interfaces if j < i]
            if not side:
                return None
            place, direction = (side[0] if inbound else side[-1]), ("ingress" if inbound else "egress")
        else:
            return None
        return (place.get("id"), direction) if place.get("id", "").startswith("eni-") else None
    return None


def records_for(netsim, topology, args, tmp):
    pcap = os.path.join(tmp, "flow.pcap")
    if os.path.exists(pcap):
        os.remove(pcap)
    text, js = trace(netsim, topology, args, pcap)
    if js is None:
        return {}
    at = {}
    for line in text.splitlines():
        m = CAPTURE_LINE.match(line)
        if m:
            at[int(m.group(1))] = (m.group(2), m.group(3))
    by_frame = {f[0]: f for f in frames(pcap)} if os.path.exists(pcap) else {}
    # The interface's own address in this flow: the one every frame at it carries.
    own = {}
    for n, (eni, _) in at.items():
        f = by_frame.get(n)
        if f:
            pair = {f[3], f[4]}
            own[eni] = own[eni] & pair if eni in own else pair
    # Both ends in every frame (one leg only, such as an ALB's own answer): an interface's own
    # address is private, so a public peer is not it.
    for eni, pair in own.items():
        private = {a for a in pair if any(ipaddress.ip_address(a) in ipaddress.ip_network(n) for n in PRIVATE)}
        if len(pair) == 2 and len(private) == 1:
            own[eni] = private
    first = min((n for n in at if n in by_frame), default=None)
    client = by_frame[first][3] if first is not None else None
    denied = {"forward": first_denial(js.get("hops", [])), "reply": first_denial((js.get("reply") or {}).get("hops", []))}
    groups = {}
    last = {}
    for n, (eni, label) in sorted(at.items()):
        f = by_frame.get(n)
        if not f:
            continue
        _, ts, proto, src, dst, sport, dport, flags, length = f
        mine = own.get(eni, set())
        direction = ("egress" if src in mine else "ingress") if len(mine) == 1 else ("egress" if label == "out" else "ingress")
        way = "forward" if src == client else "reply"
        last[way] = f
        # The capture records the packet at the interface before its security groups judge it:
        # where the trace denies it, VPC Flow Logs writes REJECT.
        action = "REJECT" if denied[way] == (eni, direction) else "ACCEPT"
        key = (eni, direction, src, dst, sport, dport, proto, action)
        g = groups.setdefault(key, {"packets": 0, "bytes": 0, "flags": 0, "start": ts, "end": ts})
        g["packets"] += 1
        g["bytes"] += length
        g["flags"] |= flags
        g["end"] = ts
    # A denial at an interface the capture never reached (the destination subnet's network ACL
    # inbound): the last packet the capture holds, REJECT there.
    for way, point in denied.items():
        if not point or way not in last:
            continue
        f = last[way]
        key = (point[0], point[1], f[3], f[4], f[5], f[6], f[2], "REJECT")
        if key not in groups:
            groups[key] = {"packets": 1, "bytes": f[8], "flags": f[7], "start": f[1], "end": f[1]}
    return groups


def main():
    argv = sys.argv[1:]
    style, gz = "s3", False
    if "--gzip" in argv:
        argv.remove("--gzip"); gz = True
    if "--style" in argv:
        i = argv.index("--style"); style = argv[i + 1]; del argv[i:i + 2]
    netsim, topology, flows_file, out = argv
    groups = {}
    with tempfile.TemporaryDirectory() as tmp:
        for line in open(flows_file):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            for k, v in records_for(netsim, topology, shlex.split(line), tmp).items():
                g = groups.setdefault(k, dict(v))
                if g is not v and g != v:
                    g["packets"] += v["packets"]; g["bytes"] += v["bytes"]; g["flags"] |= v["flags"]
    lines = []
    if style == "s3":
        lines.append("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status")
    elif style == "s3-v5":
        lines.append("version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status flow-direction traffic-path")
    for (eni, direction, src, dst, sport, dport, proto, action), g in sorted(groups.items(), key=lambda kv: (kv[1]["start"], kv[0])):
        start, end = int(g["start"]), max(int(g["end"]), int(g["start"])) + 1
        if style == "s3-v5":
            lines.append(f"5 - - - {eni} {ACCOUNT} IPv4 {src} {dst} {sport} {dport} {src} {dst} {proto} {g['bytes']} {g['packets']} {start} {end} {action} {g['flags']} OK {direction} -")
        else:
            rec = f"2 {ACCOUNT} {eni} {src} {dst} {sport} {dport} {proto} {g['packets']} {g['bytes']} {start} {end} {action} OK"
            if style == "cloudwatch":
                stamp = datetime.datetime.fromtimestamp(end, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
                rec = f"{stamp} {rec}"
            lines.append(rec)
    data = ("\n".join(lines) + "\n").encode()
    if gz:
        data = gzip.compress(data, mtime=0)
    with open(out, "wb") as f:
        f.write(data)
    print(f"{len(groups)} records for {sum(1 for _ in open(flows_file))} flow lines")


if __name__ == "__main__":
    main()
