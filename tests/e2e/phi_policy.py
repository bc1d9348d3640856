#!/usr/bin/env python3
"""Patient data outside the flows the segmentation policy allows (issue #6, 9000201 severity 2).

Simulates a clean ward (8 beds, 3 minutes, seed 5) and analyzes it with a policy that lets
patient monitors talk to their central stations and central stations feed the interface engine,
and nothing else (default deny):
  - the CMS8000 monitor's HL7 straight to the interface engine (tcp/511) is patient data on a
    flow the policy does not allow: a 9000201 alert, severity 2, about the monitor, naming the
    zones, the service and the rule, with PHI field names and patient tokens only;
  - the same flow is a 9000501 policy violation too (one judge decides both);
  - no 9000201 alert names a central station as its destination (those flows are allowed);
  - without the policy the same capture raises no 9000201 (nothing leaves the site).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

POLICY = """zones:
  - name: monitors
    classes: [patient-monitor]
  - name: central
    classes: [central-station]
  - name: integration
    classes: [interface-engine, server]
allow:
  - {from: monitors, to: central, proto: tcp}
  - {from: central, to: integration, proto: tcp, app: hl7}
  - {from: integration, to: any}
default: deny
"""


def medtap(binary, *args, env=None):
    p = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect(ok, what, failures):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def alerts(outdir, sid):
    found, devices = [], {}
    with open(os.path.join(outdir, "eve.json")) as f:
        for line in f:
            e = json.loads(line)
            if e["event_type"] == "alert" and e["alert"]["signature_id"] == sid:
                found.append(e)
            if e["event_type"] == "device":
                for a in e["device"].get("addresses", []):
                    devices[a["ip"]] = e["device"]
    return found, devices


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medtap")
    args = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, MEDTAP_SECRET_FILE=os.path.join(work, "secret.key"), TMPDIR=work)
        capture = os.path.join(work, "ward.pcap")
        rc, _, err = medtap(args.medtap, "simulate", "--beds", "8", "--duration", "3m", "--seed",
                            "5", "-o", capture, env=env)
        if rc != 0:
            print("simulate failed: " + err)
            return 1
        policy = os.path.join(work, "ward-policy.yaml")
        with open(policy, "w") as f:
            f.write(POLICY)

        outdir = os.path.join(work, "with")
        rc, _, err = medtap(args.medtap, "analyze", capture, "-o", outdir, "--policy", policy,
                            env=env)
        expect(rc == 0, "analyze --policy (%d: %s)" % (rc, err.strip()), failures)
        phi, devices = alerts(outdir, 9000201)
        violations, _ = alerts(outdir, 9000501)

        def cls(ip):
            return devices.get(ip, {}).get("class", "")

        monitor = [a for a in phi if a["dest_ip"] == "10.12.1.10" and a["dest_port"] == 511]
        expect(len(monitor) == 1, "the CMS8000 monitor's HL7 to the interface engine alerts (%d)"
               % len(monitor), failures)
        if monitor:
            a = monitor[0]
            al, ev = a["alert"], a["evidence"]
            expect(al["severity"] == 2 and al["category"] == "phi-exposure",
                   "severity 2, phi-exposure (%s)" % al, failures)
            expect(a["device"]["id"].startswith("mac:00:60:6e:"),
                   "about the monitor (%s)" % a["device"]["id"], failures)
            expect(ev.get("from_zone") == "monitors" and ev.get("to_zone") == "integration" and
                   ev.get("service") == "tcp/511 hl7" and ev.get("rule") == "default: deny" and
                   ev.get("policy", "").endswith("ward-policy.yaml"),
                   "evidence names zones, service, rule and policy (%s)" % json.dumps(ev),
                   failures)
            expect("PID-3" in ev.get("phi_fields", "") and
                   all(t.startswith("pt_") for t in ev.get("patient_tokens", "").split(", ")),
                   "field names and tokens only (%s, %s)" %
                   (ev.get("phi_fields"), ev.get("patient_tokens")), failures)
            expect(any(v["dest_ip"] == "10.12.1.10" and v["dest_port"] == 511 and
                       v["evidence"].get("rule") == "default: deny" for v in violations),
                   "the same flow is a 9000501 violation", failures)
        central = [a for a in phi if cls(a["dest_ip"]) == "central-station"]
        expect(not central, "no alert for PHI to an allowed central station (%s)" %
               [a["dest_ip"] for a in central], failures)
        expect(all(a["alert"]["severity"] == 2 for a in phi), "on-site: all severity 2", failures)

        outdir = os.path.join(work, "without")
        rc, _, err = medtap(args.medtap, "analyze", capture, "-o", outdir, env=env)
        without, _ = alerts(outdir, 9000201)
        expect(rc == 0 and not without, "without a policy: no 9000201 (%d)" % len(without),
               failures)
    if failures:
        print("%d failures" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
