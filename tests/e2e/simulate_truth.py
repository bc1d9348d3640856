#!/usr/bin/env python3
"""`medtap analyze` against the simulator's ground truth (issues #3 and #5).

Simulates wards with `medtap simulate` (the Contec scenarios, so that the CMS8000 family, its
Epsimed relabel and a central station at the manuals' default address all appear), analyzes each
with `medtap analyze`, and checks inventory.json against ward.truth.json:
  - every simulated device is found: a LAN device by its MAC, a host beyond the router by its
    address (never merged into the router's MAC), with the right locality;
  - every device has the class the truth gives it;
  - the devices tagged cms8000-family are exactly the truth's CMS8000-family units;
  - no device the simulator did not make.
  - every scenario action that crossed the network with a peer and a port (the NFS mount, the
    off-site Contec stream and HL7, the HL7 leak to the internet, the new TLS peer) is a flow in
    eve.json from that device to that peer and port, classified as that protocol, live at that
    time.
  - every scenario action a detection is for raises that alert, about that device, to that
    peer, at that time: severity 1 through the router, 2 when the Contec server is on the ward
    LAN (issue #6); and no severity-1 alert that no scenario explains. A ward with the new-peer
    or scan scenario learns its baseline (--learn) until shortly before the first of them; the
    new peer then raises 9000401 and 9000412 (its DNS name), the ARP sweep 9000411 and the SYN
    scan 9000410, never severity 1.
Prints vendor agreement as a figure (vendor names are free text and are not asserted).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime


def seconds(ts):
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()

# Which alert each scenario action must raise: (action, peer on the LAN) -> signature id.
EXPECTED_ALERTS = {
    ("nfs_mount", False): 9000101, ("nfs_mount", True): 9000102,
    ("cms_stream_offsite", False): 9000111, ("cms_stream", True): 9000112,
    ("hl7_offsite", False): 9000113, ("hl7_to_default_server", True): 9000114,
    ("hl7_to_internet", False): 9000201,
    ("first_contact", False): 9000401,  # new-peer: a new external peer against the baseline
    ("syn_scan", False): 9000410,       # scan: needs no baseline
    ("arp_sweep", False): 9000411,      # ARP sweep: needs no baseline
}
# Actions that raise a second alert: the new peer's name is also a new DNS name for a monitor,
# checked by the name (evidence.observed is the truth's SNI).
SECOND_ALERTS = {"first_contact": 9000412}
# The anomaly scenarios need a baseline: the capture learns until this long before the first of
# them (analyze --learn), and detects after.
LEARN_MARGIN_S = 30
ANOMALY_ACTIONS = {"first_contact", "syn_scan", "arp_sweep"}

WARDS = [
    # (beds, duration, seed, scenarios)
    (8, "6m", 11, ["contec-backdoor", "phi-exfil", "new-peer", "scan"]),
    (8, "3m", 12, ["contec-lan-default", "vitals-tamper"]),
    (12, "10m", 13, []),  # a clean ward: no severity-1 alert at all
]


def run(cmd, env=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}\n{p.stderr}")
    return p.stdout


def check_ward(medtap, work, beds, duration, seed, scenarios, env):
    name = f"ward{seed}"
    pcap = os.path.join(work, name + ".pcap")
    cmd = [medtap, "simulate", "--beds", str(beds), "--duration", duration, "--seed", str(seed),
           "-o", pcap]
    for s in scenarios:
        cmd += ["--scenario", s]
    run(cmd)
    out = os.path.join(work, name)
    truth = json.load(open(os.path.join(work, name + ".truth.json")))
    anomaly_times = [seconds(e["time"]) for s in truth.get("scenarios", [])
                     for e in s.get("events", []) if e["action"] in ANOMALY_ACTIONS]
    analyze = [medtap, "analyze", pcap, "-o", out]
    if anomaly_times:
        learn = int(min(anomaly_times) - seconds(truth["run"]["start"])) - LEARN_MARGIN_S
        analyze += ["--learn", f"{learn}s"]
    run(analyze, env)
    inventory = json.load(open(os.path.join(out, "inventory.json")))
    by_id = {d["id"]: d for d in inventory}
    # A device that sent nothing in this capture (a printer nobody printed to, a host the ward
    # could reach but did not) cannot be in the inventory.
    in_capture = set()
    flows = []
    alerts = []
    hl7 = []
    with open(os.path.join(out, "eve.json")) as eve:
        for line in eve:
            e = json.loads(line)
            if e["event_type"] == "alert":
                alerts.append(e)
            if e["event_type"] == "hl7":
                hl7.append(e)
            if e["event_type"] == "flow":
                flows.append(e)
                in_capture.add(e["src_ip"])
                if e["flow"]["pkts_toclient"] > 0:
                    in_capture.add(e["dest_ip"])

    problems = []
    vendor_ok = 0
    expected_ids = set()
    for t in truth["devices"]:
        local = t["site"] == "lan"
        dev_id = ("mac:" + t["mac"]) if local else ("ip:" + t["ip"])
        expected_ids.add(dev_id)
        if t["ip"] not in in_capture:
            continue
        d = by_id.get(dev_id)
        if d is None:
            problems.append(f"{t['id']} ({t['ip']}): not in the inventory as {dev_id}")
            continue
        if t["ip"] not in d["ips"]:
            problems.append(f"{t['id']}: {dev_id} lacks its address {t['ip']} ({d['ips']})")
        locality = {a["ip"]: a["locality"] for a in d["addresses"]}.get(t["ip"])
        if locality != ("local" if local else "routed"):
            problems.append(f"{t['id']}: {t['ip']} is {locality}")
        if local and d["device_class"] != t["device_class"]:
            problems.append(f"{t['id']}: class {d['device_class']}, truth {t['device_class']}"
                            f" (roles {d['roles']})")
        family = "cms8000-family" in t["tags"]
        if family != ("cms8000-family" in d["tags"]):
            problems.append(f"{t['id']}: cms8000-family tag {not family}, truth {family}")
        if d["vendor"] and t["vendor"].split()[0].lower() in d["vendor"].lower():
            vendor_ok += 1
    # Hosts the scenarios reach beyond the router (202.114.4.119/.120 in contec-backdoor) are
    # devices too, known by address; anything else is a device the simulator never made.
    scenario_ips = set()
    for s in truth.get("scenarios", []):
        for e in s.get("events", []):
            if e.get("peer_ip"):
                scenario_ips.add("ip:" + e["peer_ip"])
    for d in inventory:
        if d["id"] in expected_ids:
            continue
        if d["id"] in scenario_ips:
            if "cms8000-family" in d["tags"]:
                problems.append(f"{d['id']}: a scenario peer tagged cms8000-family")
            continue
        problems.append(f"{d['id']} ({d['ips']}): not a simulated device")
    ip_of = {t["id"]: t["ip"] for t in truth["devices"]}
    actions = 0
    for s in truth.get("scenarios", []):
        for e in s.get("events", []):
            src, when = ip_of[e["device"]], seconds(e["time"])
            if not e.get("peer_ip") and e["protocol"] == "hl7":
                # vitals-tamper: the device's HL7 stream carries the tampered values from then on
                # (judging the values is issue #7's; here: the stream is there to judge).
                actions += 1
                if not any(m["src_ip"] == src and when <= seconds(m["timestamp"]) <= when + 120
                           for m in hl7):
                    problems.append(f"scenario {s['name']}: {e['action']} by {src}: no HL7 "
                                    f"from it in the two minutes after {e['time']}")
                continue
            if e["action"] == "syn_scan":
                actions += 1
                probes = [f for f in flows if f["src_ip"] == src and f["proto"] == "TCP"
                          and seconds(f["flow"]["start"]) >= when - 1]
                targets = {f["dest_ip"] for f in probes}
                if len(targets) < 10:
                    problems.append(f"scenario {s['name']}: syn_scan by {src}: only "
                                    f"{len(targets)} addresses probed in the flows")
                continue
            if not e.get("peer_ip") or not e.get("peer_port"):
                continue
            actions += 1
            match = [f for f in flows if f["src_ip"] == src and f["dest_ip"] == e["peer_ip"]
                     and f.get("dest_port") == e["peer_port"]
                     and f.get("app_proto") == e["protocol"]
                     and seconds(f["flow"]["start"]) - 1 <= when <= seconds(f["flow"]["end"]) + 1]
            if not match:
                problems.append(f"scenario {s['name']}: {e['action']} {src} -> {e['peer_ip']}:"
                                f"{e['peer_port']} ({e['protocol']}) at {e['time']}: no such flow")
    explained = set()
    for s in truth.get("scenarios", []):
        for e in s.get("events", []):
            if ("cms8000" not in e["action"] and not e.get("peer_ip")
                    and e["action"] not in ("syn_scan", "arp_sweep")):
                continue
            lan = e["detail"].get("peer_site") == "lan"
            sid = EXPECTED_ALERTS.get((e["action"], lan))
            if sid is None or (e["action"] == "cms_stream" and not
                               e["peer_ip"].startswith("202.114.4.")):
                continue
            src, when = ip_of[e["device"]], seconds(e["time"])
            match = [a for a in alerts if a["alert"]["signature_id"] == sid
                     and a["device"]["ip"] == src
                     and (not e.get("peer_ip") or
                          a["evidence"]["destination"].split(":")[0] == e["peer_ip"])
                     and abs(seconds(a["evidence"]["first_seen"]) - when) <= 2]
            if not match:
                problems.append(f"scenario {s['name']}: {e['action']} {src} -> "
                                f"{e.get('peer_ip')} at {e['time']}: no alert {sid}")
            explained.update(id(a) for a in match)
            second = SECOND_ALERTS.get(e["action"])
            if second is not None:
                asked = e["detail"].get("sni", "").lower()
                match = [a for a in alerts if a["alert"]["signature_id"] == second
                         and a["device"]["ip"] == src
                         and a["evidence"].get("observed") == asked
                         and abs(seconds(a["evidence"]["first_seen"]) - when) <= 2]
                if not match:
                    problems.append(f"scenario {s['name']}: {e['action']} {src} asking for "
                                    f"{asked} at {e['time']}: no alert {second}")
    for a in alerts:
        if 9000400 <= a["alert"]["signature_id"] < 9000500 and a["alert"]["severity"] == 1:
            problems.append(f"anomaly alert {a['alert']['signature_id']} with severity 1")
        if a["alert"]["severity"] == 1 and id(a) not in explained:
            problems.append(f"unexplained severity-1 alert {a['alert']['signature_id']} "
                            f"{a['device']['ip']} -> {a['evidence'].get('destination')}")
    local_count = sum(1 for t in truth["devices"] if t["site"] == "lan")
    print(f"{name} {'+'.join(scenarios)}: {len(truth['devices'])} simulated devices, "
          f"{len(inventory)} in the inventory; vendor named for {vendor_ok} of "
          f"{len(truth['devices'])}; {actions} scenario actions checked; {len(alerts)} alerts "
          f"({sum(1 for a in alerts if a['alert']['severity'] == 1)} severity 1); "
          f"{len(problems)} problems")
    for p in problems:
        print("  " + p)
    return problems, local_count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medtap")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        secret = os.path.join(work, "secret.key")
        env = dict(os.environ, MEDTAP_SECRET_FILE=secret)
        failed = 0
        for beds, duration, seed, scenarios in WARDS:
            problems, _ = check_ward(args.medtap, work, beds, duration, seed, scenarios, env)
            failed += len(problems)
    print("simulate_truth: " + ("ok" if failed == 0 else f"{failed} problems"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
