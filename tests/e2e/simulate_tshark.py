#!/usr/bin/env python3
"""End-to-end checks of `medtap simulate` against tshark (issue #3, "Proof").

For a few simulated wards (all scenarios; the Contec LAN-default layout with the backdoor):
  * the same arguments give a byte-identical capture and sidecar;
  * tshark reads the capture with no malformed packet and no expert item of severity error,
    decoding the sidecar's HL7 ports as HL7 and its DICOM ports as DICOM;
  * tshark counts as many HL7 messages, HL7 ACKs and DICOM C-STORE requests as the sidecar says;
  * tshark decodes the backdoor's portmapper GETPORT, MOUNT of /pm and NFS reads;
  * a bad argument exits with status 2 and one line on stderr.

Usage: simulate_tshark.py MEDTAP [--keep DIR]
Exit 77 (skip) when tshark is missing or the binary has no `simulate` command yet.
"""

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def tshark(pcap, decode_as, *args):
    cmd = ["tshark", "-n", "-r", pcap] + decode_as + list(args)
    r = run(cmd)
    if r.returncode != 0:
        raise SystemExit(f"tshark failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    return r.stdout


def decode_as_args(truth):
    args = []
    for port in truth.get("ports", {}).get("hl7", []):
        args += ["-d", f"tcp.port=={port},hl7"]
    for port in truth.get("ports", {}).get("dicom", []):
        args += ["-d", f"tcp.port=={port},dicom"]
    return args


def count_occurrences(text):
    """Counts comma-separated field occurrences over tshark -T fields output lines."""
    return sum(len([v for v in line.split(",") if v]) for line in text.splitlines() if line)


def check_capture(name, pcap, failures):
    with open(os.path.splitext(pcap)[0] + ".truth.json") as f:
        truth = json.load(f)
    d = decode_as_args(truth)
    bad = tshark(pcap, d, "-Y", "_ws.malformed || _ws.expert.severity >= error")
    if bad.strip():
        failures.append(f"{name}: tshark reports malformed/error frames:\n{bad[:2000]}")

    counts = truth["counts"]
    hl7_types = tshark(pcap, d, "-Y", "hl7", "-T", "fields", "-E", "occurrence=a",
                       "-e", "hl7.message.type")
    types = [v for line in hl7_types.splitlines() for v in line.split(",") if v]
    if len(types) != counts.get("hl7.messages", 0):
        failures.append(f"{name}: tshark sees {len(types)} HL7 messages, sidecar says "
                        f"{counts.get('hl7.messages', 0)}")
    if types.count("ACK") != counts.get("hl7.ACK", 0):
        failures.append(f"{name}: tshark sees {types.count('ACK')} HL7 ACKs, sidecar says "
                        f"{counts.get('hl7.ACK', 0)}")
    if counts.get("hl7.messages", 0) == 0:
        failures.append(f"{name}: no HL7 at all")

    # C-STORE-RQ: command field (0000,0100) = 0x0001 in a command PDV.
    stores = tshark(pcap, d, "-Y", "dicom", "-T", "fields", "-E", "occurrence=a",
                    "-e", "_ws.col.Info")
    rq = sum(line.count("C-STORE-RQ") for line in stores.splitlines())
    if rq != counts.get("dicom.c_store", 0):
        failures.append(f"{name}: tshark sees {rq} C-STORE-RQ, sidecar says "
                        f"{counts.get('dicom.c_store', 0)}")
    return truth, d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medtap")
    ap.add_argument("--keep", help="write the captures here and keep them")
    args = ap.parse_args()
    if shutil.which("tshark") is None:
        print("SKIP: tshark not installed")
        return SKIP
    probe = run([args.medtap, "simulate", "--help"])
    if probe.returncode != 0:
        print("SKIP: this medtap binary has no simulate command")
        return SKIP

    work = args.keep or tempfile.mkdtemp(prefix="medtap_simulate_e2e_")
    os.makedirs(work, exist_ok=True)
    failures = []
    try:
        every = ["--scenario", "contec-backdoor", "--scenario", "vitals-tamper",
                 "--scenario", "phi-exfil", "--scenario", "scan,new-peer"]
        wards = {
            "all": ["--beds", "12", "--duration", "8m", "--seed", "3"] + every,
            "lan-default": ["--beds", "6", "--duration", "3m", "--seed", "4",
                            "--scenario", "contec-lan-default", "--scenario", "contec-backdoor"],
        }
        for name, ward_args in wards.items():
            a = os.path.join(work, f"{name}-a.pcap")
            b = os.path.join(work, f"{name}-b.pcap")
            for out in (a, b):
                r = run([args.medtap, "simulate"] + ward_args + ["-o", out])
                if r.returncode != 0:
                    failures.append(f"{name}: medtap simulate exited {r.returncode}: {r.stderr}")
                    break
                if len(r.stdout.strip().splitlines()) != 1:
                    failures.append(f"{name}: expected a one-line summary, got {r.stdout!r}")
            else:
                if not filecmp.cmp(a, b, shallow=False):
                    failures.append(f"{name}: same arguments, different captures")
                ta, tb = (os.path.splitext(p)[0] + ".truth.json" for p in (a, b))
                if not filecmp.cmp(ta, tb, shallow=False):
                    failures.append(f"{name}: same arguments, different sidecars")
                truth, d = check_capture(name, a, failures)
                if name == "all":
                    rpc = tshark(a, d, "-Y", "portmap || mount || nfs", "-T", "fields",
                                 "-e", "_ws.col.Info")
                    for want in ("GETPORT Call MOUNT", "MNT Call /pm", "LOOKUP Call", "READ Reply"):
                        if want not in rpc:
                            failures.append(f"{name}: tshark did not decode '{want}'")
                if name == "lan-default":
                    icmp = tshark(a, d, "-Y", "icmp.type == 3 && icmp.code == 3 && "
                                  "ip.src == 202.114.4.119", "-T", "fields", "-e", "frame.number")
                    if not icmp.strip():
                        failures.append(f"{name}: no port unreachable from the LAN 202.114.4.119")

        r = run([args.medtap, "simulate", "--scenario", "no-such-thing", "-o",
                 os.path.join(work, "bad.pcap")])
        if r.returncode != 2 or len(r.stderr.strip().splitlines()) != 1:
            failures.append(f"bad scenario: expected exit 2 and one stderr line, got "
                            f"{r.returncode} and {r.stderr!r}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("ok: simulated captures are deterministic, clean under tshark, and match their sidecars")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
