#!/usr/bin/env python3
"""`medtap policy suggest`, `medtap policy check` and `medtap analyze --policy` end to end
(issue #6, segmentation policy).

Simulates a clean ward (8 beds, 3 minutes, seed 5) and the same ward with the contec-backdoor
scenario, then:
  - `policy suggest` of the clean capture writes a policy, byte for byte the same on a second run;
    it has the off-site zone first and the CMS8000 family in its own zone;
  - `policy check` of that policy against the clean capture: no violation, status 0;
  - against the backdoor capture: status 1, and violations from the contec-monitors zone to
    off-site that name the CMS8000 monitor's device and 202.114.4.119 (the NFS mount of /pm and
    the Contec stream) and 202.114.4.120 (HL7);
  - `analyze --policy` of the backdoor capture raises 9000501 alerts, category policy-violation,
    about the same device, with the zones, the service and the rule as evidence;
  - a broken policy and a missing capture give one line and status 2;
  - no patient token ("pt_") in anything these commands print or the policy file.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

SEED = "5"


def medtap(binary, *args, env=None):
    p = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect(ok, what, failures):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medtap")
    args = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, MEDTAP_SECRET_FILE=os.path.join(work, "secret.key"), TMPDIR=work)
        clean = os.path.join(work, "clean.pcap")
        backdoor = os.path.join(work, "backdoor.pcap")
        ward = ["--beds", "8", "--duration", "3m", "--seed", SEED]
        for out, extra in ((clean, []), (backdoor, ["--scenario", "contec-backdoor"])):
            rc, _, err = medtap(args.medtap, "simulate", *ward, *extra, "-o", out, env=env)
            if rc != 0:
                print("simulate failed: " + err)
                return 1
        printed = ""

        policy = os.path.join(work, "policy.yaml")
        again = os.path.join(work, "again.yaml")
        rc, out, err = medtap(args.medtap, "policy", "suggest", clean, "-o", policy, env=env)
        printed += out + err
        expect(rc == 0 and os.path.exists(policy), "suggest writes the policy (%d: %s)" % (rc, err),
               failures)
        rc, out, err = medtap(args.medtap, "policy", "suggest", clean, "-o", again, env=env)
        text = open(policy).read() if os.path.exists(policy) else ""
        expect(rc == 0 and open(again).read() == text, "suggest is deterministic", failures)
        expect("  - name: off-site" in text and text.index("name: off-site") <
               text.index("name: contec-monitors"), "off-site is the first zone", failures)
        expect("tags: [cms8000-family]" in text, "the CMS8000 family has its own zone", failures)
        expect("default: deny" in text, "least privilege: default deny", failures)
        expect(not any(n.startswith("medtap-policy-") for n in os.listdir(work)),
               "the scratch output folders are removed", failures)
        printed += text

        rc, out, err = medtap(args.medtap, "policy", "check", policy, clean, env=env)
        printed += out + err
        expect(rc == 0 and "0 violations" in out, "clean capture: 0 violations, status 0 (%d)" % rc,
               failures)

        rc, out, err = medtap(args.medtap, "policy", "check", policy, backdoor, env=env)
        printed += out + err
        expect(rc == 1, "backdoor capture: status 1 (%d)" % rc, failures)
        lines = [l for l in out.splitlines() if "contec-monitors -> off-site" in l]
        monitor = None
        if lines:
            monitor = lines[0].split("off-site", 1)[1].split()[0]
        expect(monitor is not None and monitor.startswith("mac:00:60:6e:"),
               "violations name the CMS8000 monitor (%s)" % monitor, failures)
        for service, dst in (("tcp/2049 nfs", "202.114.4.119"),
                             ("tcp/515 contec_cms", "202.114.4.119"),
                             ("tcp/511 hl7", "202.114.4.120")):
            expect(any(dst in l and service in l and "[default: deny]" in l for l in lines),
                   "violation to %s %s" % (dst, service), failures)
        expect(out.splitlines()[-1].startswith("medtap policy check: %d violations" %
                                               (len(out.splitlines()) - 1)),
               "one line per violation, then the count", failures)

        outdir = os.path.join(work, "out")
        rc, out, err = medtap(args.medtap, "analyze", backdoor, "-o", outdir, "--policy", policy,
                              env=env)
        printed += out + err
        expect(rc == 0, "analyze --policy (%d: %s)" % (rc, err), failures)
        alerts = []
        with open(os.path.join(outdir, "eve.json")) as f:
            for line in f:
                e = json.loads(line)
                if e["event_type"] == "alert" and e["alert"]["signature_id"] == 9000501:
                    alerts.append(e)
        offsite = [a for a in alerts if a["evidence"].get("to_zone") == "off-site"]
        expect(len(offsite) >= 5, "analyze raises 9000501 to off-site (%d)" % len(offsite),
               failures)
        for a in offsite:
            al, ev = a["alert"], a["evidence"]
            ok = (al["category"] == "policy-violation" and al["severity"] == 2 and
                  al["signature"] == "MEDTAP Segmentation policy violation: contec-monitors to "
                  "off-site" and a["device"]["id"] == monitor and
                  ev.get("from_zone") == "contec-monitors" and ev.get("rule") == "default: deny"
                  and ev.get("service") and ev.get("count", 0) >= 1)
            expect(ok, "alert %s" % json.dumps(ev, sort_keys=True), failures)

        broken = os.path.join(work, "broken.yaml")
        with open(broken, "w") as f:
            f.write("zones:\n  - name: a\n    classes: [x]\nallow:\n  - {from: a, to: nowhere}\n")
        rc, out, err = medtap(args.medtap, "policy", "check", broken, clean, env=env)
        expect(rc == 2 and err.strip().count("\n") == 0 and broken + ":5:" in err,
               "broken policy: one line with its place, status 2 (%d: %s)" % (rc, err.strip()),
               failures)
        rc, out, err = medtap(args.medtap, "policy", "check", policy,
                              os.path.join(work, "missing.pcap"), env=env)
        expect(rc == 2 and err.strip().count("\n") == 0, "missing capture: status 2 (%d)" % rc,
               failures)
        expect("pt_" not in printed, "no patient token printed", failures)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
