#!/usr/bin/env python3
"""Advisories matched to a simulated ward against its ground truth (issue #8).

Simulates a ward with the contec-backdoor scenario (16 beds, seed 3: two CMS8000 monitors and an
Epsimed MN-120 relabel among other vendors' monitors and pumps), analyzes it, and checks:
  - the `vulnerable-device` alerts (9000701) in eve.json name exactly the truth's CMS8000-family
    devices, each for ICSMA-25-030-01 and ICSMA-22-244-01 (the built-in advisories), with the CVEs,
    the advisory URL, a status and a reason, and a severity from the CVSS of what is certain;
  - `medtap advisories match --format json` on the run's database says the same;
  - `medtap advisories import` of ../shared/data/advisories (the five real CISA files) then
    `advisories list` shows all five, and the match still concerns the CMS8000 family only;
  - a file that is not CSAF is refused in one line naming it, with exit status 2.
"""
import json
import os
import subprocess
import sys
import tempfile

CONTEC_ADVISORIES = {"ICSMA-25-030-01", "ICSMA-22-244-01"}
SIGNATURE = 9000701


def run(cmd, expect=0):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != expect:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}, expected {expect}\n{p.stderr}")
    return p


def main():
    medtap = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "shared")
    problems = []
    with tempfile.TemporaryDirectory() as work:
        pcap = os.path.join(work, "ward.pcap")
        run([medtap, "simulate", "--beds", "16", "--duration", "3m", "--seed", "3",
             "--scenario", "contec-backdoor", "-o", pcap])
        out = os.path.join(work, "out")
        run([medtap, "analyze", pcap, "-o", out])
        truth = json.load(open(os.path.join(work, "ward.truth.json")))
        family = {"mac:" + d["mac"]: d for d in truth["devices"] if "cms8000-family" in d["tags"]}
        models = sorted((d["vendor"], d["model"]) for d in family.values())
        if ("Epsimed", "MN-120") not in models or ("Contec Medical Systems", "CMS8000") not in models:
            problems.append(f"the ward lacks the CMS8000 or its relabel: {models}")

        alerts = []
        for line in open(os.path.join(out, "eve.json")):
            e = json.loads(line)
            if e["event_type"] == "alert" and e["alert"]["signature_id"] == SIGNATURE:
                alerts.append(e)
        got = {(a["device"]["id"], a["evidence"]["advisory"]) for a in alerts}
        want = {(dev, adv) for dev in family for adv in CONTEC_ADVISORIES}
        for missing in sorted(want - got):
            problems.append(f"no 9000701 alert for {missing}")
        for extra in sorted(got - want):
            problems.append(f"unexpected 9000701 alert for {extra}")
        if len(alerts) != len(got):
            problems.append(f"{len(alerts)} alerts for {len(got)} device/advisory pairs")
        for a in alerts:
            adv = a["evidence"]["advisory"]
            meta = a["alert"]["metadata"]
            if not a["alert"]["signature"].startswith(f"MEDTAP Device affected by advisory {adv}: "):
                problems.append(f"signature {a['alert']['signature']}")
            if a["alert"]["category"] != "vulnerable-device":
                problems.append(f"category {a['alert']['category']}")
            if meta["reference"] != [
                    f"https://www.cisa.gov/news-events/ics-medical-advisories/{adv.lower()}"]:
                problems.append(f"{adv}: reference {meta['reference']}")
            if adv == "ICSMA-25-030-01":
                if not {"CVE-2025-0626", "CVE-2025-0683", "CVE-2025-1204"} <= set(meta["cve"]):
                    problems.append(f"{adv}: CVEs {meta['cve']}")
                # vers:all/* covers every CMS8000 whatever its firmware: affected, high (7.5).
                if a["evidence"]["status"] != "affected" or a["alert"]["severity"] != 2:
                    problems.append(f"{adv} on {a['device']['id']}: {a['evidence']['status']}, "
                                    f"severity {a['alert']['severity']}")
            else:
                if len(meta["cve"]) != 5:
                    problems.append(f"{adv}: CVEs {meta['cve']}")
                if a["evidence"]["status"] not in ("affected", "potentially affected"):
                    problems.append(f"{adv}: status {a['evidence']['status']}")
            for key in ("reason", "firmware", "remediation", "matched_as"):
                if not a["evidence"].get(key):
                    problems.append(f"{adv}: no evidence.{key}")

        db = os.path.join(out, "medtap.db")
        matched = json.loads(run([medtap, "advisories", "match", "--db", db, "--format",
                                  "json"]).stdout)
        got_cli = {(m["device"]["id"], m["advisory"]) for m in matched}
        if got_cli != want:
            problems.append(f"advisories match: {sorted(got_cli ^ want)} differ from the truth")

        run([medtap, "advisories", "import", os.path.join(shared, "data", "advisories"),
             "--db", db])
        listed = json.loads(run([medtap, "advisories", "list", "--db", db, "--format",
                                 "json"]).stdout)
        ids = sorted(a["id"] for a in listed)
        if len(ids) != 5:
            problems.append(f"advisories list after import: {ids}")
        matched = json.loads(run([medtap, "advisories", "match", "--db", db, "--format",
                                  "json"]).stdout)
        for m in matched:
            if m["device"]["id"] not in family:
                problems.append(f"after import, {m['device']['id']} matched {m['advisory']}")
        if {(m["device"]["id"], m["advisory"]) for m in matched} != want:
            problems.append("after import, the CMS8000 family's matches changed")

        bad = os.path.join(work, "bad.json")
        open(bad, "w").write('{"document": {"csaf_version": "1.2"}}')
        p = run([medtap, "advisories", "import", bad, "--db", db], expect=2)
        line = f"medtap: error: {bad}: CSAF version 1.2 is not 2.0 (at JSON pointer " \
               "/document/csaf_version)"
        if line not in p.stderr.splitlines():
            problems.append(f"import of a non-CSAF file said: {p.stderr!r}")

    print(f"advisories_truth: {len(family)} CMS8000-family devices ({models}); "
          f"{len(alerts)} vulnerable-device alerts")
    if problems:
        for p in problems:
            print("FAIL:", p)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
