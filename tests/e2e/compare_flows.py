#!/usr/bin/env python3
"""Compares the flow records of two eve.json files (live_veth.sh: `medtap watch` against
`medtap analyze` of the same trace).

A flow is identified by (proto, src_ip, src_port, dest_ip, dest_port, vlan) and described by its
packet counts per direction; timestamps, flow ids, states and end reasons differ legitimately
between a live run and a file run and are not compared.

Usage: compare_flows.py LIVE_EVE ANALYZE_EVE
Exit 0 when both hold the same multiset of flows and at least one TCP and one UDP flow; 1 otherwise,
after listing what differs.
"""

import json
import sys
from collections import Counter


def load_flows(path):
    flows = Counter()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            event = json.loads(line)
            if event.get("event_type") != "flow":
                continue
            inner = event["flow"]
            key = (event["proto"], event["src_ip"], event.get("src_port"), event["dest_ip"],
                   event.get("dest_port"), tuple(event.get("vlan", ())),
                   inner["pkts_toserver"], inner["pkts_toclient"])
            flows[key] += 1
    return flows


def describe(key):
    proto, sip, sport, dip, dport, vlan, to_server, to_client = key
    where = "%s %s:%s -> %s:%s" % (proto, sip, sport, dip, dport)
    if vlan:
        where += " vlan %s" % list(vlan)
    return "%s pkts %d/%d" % (where, to_server, to_client)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    live, offline = load_flows(sys.argv[1]), load_flows(sys.argv[2])
    only_live, only_offline = live - offline, offline - live
    for key, n in sorted(only_live.items(), key=str):
        print("  only live:    %s%s" % (describe(key), " (x%d)" % n if n > 1 else ""))
    for key, n in sorted(only_offline.items(), key=str):
        print("  only analyze: %s%s" % (describe(key), " (x%d)" % n if n > 1 else ""))
    protos = Counter(key[0] for key in offline.elements())
    print("live %d flows, analyze %d flows (%s)" % (
        sum(live.values()), sum(offline.values()),
        ", ".join("%s %d" % kv for kv in sorted(protos.items()))))
    if only_live or only_offline:
        print("flow sets differ")
        return 1
    if protos["TCP"] == 0 or protos["UDP"] == 0:
        print("the trace must give at least one TCP and one UDP flow")
        return 1
    print("flow sets match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
