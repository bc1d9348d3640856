#!/usr/bin/env python3
"""Threat-intelligence packs end to end (issue #6, docs/DETECTIONS.md "Threat intelligence").

Simulates a small ward with the `new-peer` scenario (a bedside monitor resolves an internet host
and talks TLS to it), reads the host's name and address from the ground-truth sidecar, and for
each pack format (Zeek intel, CSV, STIX 2.1 with an OR pattern) writes a pack naming that domain
and that address, then runs `medtap analyze --intel PACK`:
  - a 9000301 alert for the domain and one for the address, both about the scenario's monitor
    (the device id from its MAC in the sidecar), the domain seen in dns.query and tls.sni, the
    address in dns.answer and flow (the TLS connection); the pack's file name, source and severity (a STIX indicator's applies to every term of its pattern) in the evidence;
  - without a pack, no 9000301 at all; the same pack given in medtap.yaml (detect.intel_files)
    is the same as --intel;
  - a pack with a bad line stops the run: status 2, one line `PACK:LINE: what`, no output folder.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


def run(binary, *args, env):
    return subprocess.run([binary, *args], capture_output=True, text=True, env=env)


def alerts(out_dir):
    found = []
    with open(os.path.join(out_dir, "eve.json")) as f:
        for line in f:
            e = json.loads(line)
            if e.get("event_type") == "alert" and e["alert"]["signature_id"] == 9000301:
                found.append(e)
    return found


def packs(domain, address):
    zeek = ("#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.severity\n"
            f"{domain}\tIntel::DOMAIN\tward-test\tsync cloud\t1\n"
            f"{address}\tIntel::ADDR\tward-test\tsync cloud address\t-\n"
            "d41d8cd98f00b204e9800998ecf8427e\tIntel::FILE_HASH\tward-test\t-\t-\n")
    csv = ("indicator,type,description,severity,source\n"
           f"{domain},domain,sync cloud,1,ward-test\n"
           f"{address},addr,sync cloud address,,ward-test\n")
    stix = json.dumps({
        "type": "bundle", "id": "bundle--5d7c", "objects": [
            {"type": "identity", "id": "identity--ward-test", "name": "ward-test"},
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--sync",
             "name": "sync cloud", "created_by_ref": "identity--ward-test",
             "pattern_type": "stix", "x_medtap_severity": 1,
             "pattern": f"[domain-name:value = '{domain}'] OR [ipv4-addr:value = '{address}']"},
        ]}, indent=1)
    return {"feed.intel": zeek, "feed.csv": csv, "feed.json": stix}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medtap")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="medtap_intel_e2e_") as work:
        env = dict(os.environ, MEDTAP_SECRET_FILE=os.path.join(work, "secret.key"))
        pcap = os.path.join(work, "ward.pcap")
        p = run(args.medtap, "simulate", "-o", pcap, "--beds", "4", "--duration", "10m",
                "--seed", "7", "--scenario", "new-peer", env=env)
        if p.returncode != 0:
            print(p.stderr)
            return 1
        with open(os.path.join(work, "ward.truth.json")) as f:
            truth = json.load(f)
        event = next(e for s in truth["scenarios"] if s["name"] == "new-peer" for e in s["events"])
        monitor = next(d for d in truth["devices"] if d["id"] == event["device"])
        device_id = "mac:" + monitor["mac"].lower()
        domain, address = event["detail"]["sni"], event["peer_ip"]

        for name, text in packs(domain, address).items():
            path = os.path.join(work, name)
            with open(path, "w") as f:
                f.write(text)
            out = os.path.join(work, "out-" + name)
            p = run(args.medtap, "analyze", pcap, "-o", out, "--intel", path, env=env)
            check(f"{name}: analyze exits 0", p.returncode == 0, p.stderr)
            if p.returncode != 0:
                continue
            if name == "feed.intel":
                check(f"{name}: the skipped FILE_HASH is one warning line",
                      "feed.intel: 1 indicators skipped, of kinds medtap does not match "
                      "(Intel::FILE_HASH)" in p.stderr, p.stderr)
            got = {a["evidence"]["indicator_type"]: a for a in alerts(out)}
            check(f"{name}: one alert for the domain and one for the address",
                  sorted(got) == ["addr", "domain"] and len(alerts(out)) == 2,
                  [a["evidence"] for a in alerts(out)])
            for kind, value, places, severity in (
                    ("domain", domain, {"dns.query", "tls.sni"}, 1),
                    ("addr", address, {"dns.answer", "flow"}, 1 if name == "feed.json" else 2)):
                a = got.get(kind)
                if a is None:
                    continue
                ev = a["evidence"]
                seen = set(ev["seen_in"].split(", "))
                check(f"{name}: {kind} alert about the scenario's monitor",
                      a["device"]["id"] == device_id and a["device"]["ip"] == monitor["ip"],
                      a["device"])
                check(f"{name}: {kind} indicator, pack, source",
                      ev["indicator"] == value and ev["pack"] == name and
                      ev["source"] == "ward-test", ev)
                check(f"{name}: {kind} seen in {sorted(places)}", places <= seen, ev["seen_in"])
                check(f"{name}: {kind} severity {severity}", a["alert"]["severity"] == severity,
                      a["alert"]["severity"])
                check(f"{name}: {kind} signature and category",
                      a["alert"]["signature"] == "MEDTAP Threat intelligence match: " + kind and
                      a["alert"]["category"] == "threat-intel", a["alert"])

        out = os.path.join(work, "out-none")
        p = run(args.medtap, "analyze", pcap, "-o", out, env=env)
        check("no pack: analyze exits 0", p.returncode == 0, p.stderr)
        check("no pack: no 9000301", p.returncode == 0 and not alerts(out))

        config = os.path.join(work, "medtap.yaml")
        with open(config, "w") as f:
            f.write("detect:\n  intel_files: [" + json.dumps(os.path.join(work, "feed.csv")) +
                    "]\n")
        out = os.path.join(work, "out-config")
        p = run(args.medtap, "analyze", pcap, "-o", out, "-c", config, env=env)
        check("detect.intel_files: the same alerts as --intel",
              p.returncode == 0 and len(alerts(out)) == 2, p.stderr)

        bad = os.path.join(work, "bad.csv")
        with open(bad, "w") as f:
            f.write(f"indicator,type\n{domain},domain\n{address}/33,subnet\n")
        out = os.path.join(work, "out-bad")
        p = run(args.medtap, "analyze", pcap, "-o", out, "--intel", bad, env=env)
        check("a bad pack: status 2", p.returncode == 2, p.returncode)
        check("a bad pack: one line naming the file and line",
              p.stderr == f"medtap: error: {bad}:3: '{address}/33' is not a CIDR network\n",
              p.stderr)
        check("a bad pack: nothing written", not os.path.exists(out))
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
