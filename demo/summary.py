#!/usr/bin/env python3
"""The demo's short human summary, read from what `medtap analyze` wrote: what the ward is made of
(by application protocol and, once the inventory exists, by device class), what was found, and
where the full output is. Prints only what exists: later stages add devices and alerts."""
import collections
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
events = [json.loads(line) for line in (out / "eve.json").open()]
by_type = collections.Counter(e["event_type"] for e in events)
flows = [e for e in events if e["event_type"] == "flow"]
by_app = collections.Counter(e.get("app_proto", "unclassified") for e in flows)
hosts = {e["src_ip"] for e in flows} | {e["dest_ip"] for e in flows}

print("== what medtap saw")
print(f"  {len(hosts)} hosts, {len(flows)} flows: " +
      ", ".join(f"{n} {app}" for app, n in by_app.most_common()))
hl7 = [e["hl7"] for e in events if e["event_type"] == "hl7"]
if hl7:
    kinds = collections.Counter(m["message_type"] for m in hl7)
    senders = collections.Counter(m["sending_application"].split("^")[0] for m in hl7)
    print(f"  {len(hl7)} HL7 messages: " + ", ".join(f"{n} {k}" for k, n in kinds.most_common(5)))
    print("  HL7 senders: " + ", ".join(f"{s or '(none)'} ({n})" for s, n in senders.most_common(8)))
inventory = out / "inventory.json"
if inventory.exists():
    devices = json.loads(inventory.read_text())
    classes = collections.Counter(d.get("device_class", "unknown") for d in devices)
    print(f"  {len(devices)} devices: " + ", ".join(f"{n} {c}" for c, n in classes.most_common()))
    family = [d for d in devices if "cms8000-family" in d.get("tags", [])]
    print(f"  CMS8000 family: {len(family)} device(s)")
    for d in family:
        label = " ".join(x for x in (d.get("vendor"), d.get("model")) if x) or "(names no vendor)"
        why = sorted({e["rule"] for e in d.get("evidence", []) if "cms8000-family" in e["claims"]})
        print(f"    {', '.join(d.get('ips', []))}  {label}; confidence {d['confidence']}; "
              f"by {', '.join(why)}")
alerts = [e for e in events if e["event_type"] == "alert"]
if alerts:
    sev = collections.Counter(a["alert"]["severity"] for a in alerts)
    print(f"  {len(alerts)} alerts: " + ", ".join(f"{sev[s]} severity {s}" for s in sorted(sev)))
    for a in sorted(alerts, key=lambda a: (a["alert"]["severity"], a["timestamp"])):
        ev = a["evidence"]
        # An alert about a device itself (an advisory) has no destination.
        where = (f" -> {ev['destination']} ({ev.get('destination_locality')})"
                 if "destination" in ev else "")
        print(f"    [{a['alert']['severity']}] {a['timestamp'][11:19]} {a['device']['ip']}{where}: "
              f"{a['alert']['signature'].removeprefix('MEDTAP ')}")
# The raw flows behind the Contec alerts.
contec = [e for e in flows if e["dest_ip"].startswith("202.114.4.")]
if contec:
    ports = collections.Counter(f'{e["proto"]}/{e.get("dest_port", "-")}' for e in contec)
    print(f"  flows to 202.114.4.0/24 (the Contec hard-coded addresses): {len(contec)} " +
          "(" + ", ".join(f"{n}x {p}" for p, n in ports.most_common()) + ")")
print(f"== full output: {out}/eve.json ({sum(by_type.values())} events: " +
      ", ".join(f"{n} {t}" for t, n in by_type.most_common()) + ")")
print(f"== report for the clinical engineering team: {out}/report.html (and {out}/report.md)")
