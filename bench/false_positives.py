#!/usr/bin/env python3
"""False positives per device-day on a clean simulated ward (docs/DETECTIONS.md).

Simulates a ward with no scenario (paced patients, probe-off gaps, printers on 515, DICOM,
workstations browsing, CMS8000-family monitors streaming to their central station on the LAN),
analyzes it, and counts every alert as a false positive: nothing in the capture is an attack.
With --learn-hours, the first hours of packet time are the baseline's learning window and the
device-days are counted over the rest only (no baseline alert can fire while learning).

    bench/false_positives.py --medtap build/medtap --beds 48 --hours 8 --learn-hours 2

Prints a Markdown table (one row per signature, and the totals) for docs/DETECTIONS.md; exits 1
when any severity-1 alert was raised. Not a CI test: hours of ward take minutes to analyze.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time


def run(cmd):
    started = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {p.returncode}\n{p.stderr}")
    return p.stdout, time.monotonic() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--medtap", default="build/medtap")
    ap.add_argument("--beds", type=int, default=48)
    ap.add_argument("--hours", type=float, default=8)
    ap.add_argument("--learn-hours", type=float, default=0)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--work", help="folder for the capture and the output (default: a temporary one)")
    ap.add_argument("--analyze-arg", action="append", default=[],
                    help="extra argument for medtap analyze, repeatable (e.g. --policy=FILE)")
    args = ap.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="medtap-fp-")
    os.makedirs(work, exist_ok=True)
    pcap = os.path.join(work, "clean.pcap")
    out = os.path.join(work, "out")
    duration = f"{int(args.hours * 60)}m"
    _, sim_s = run([args.medtap, "simulate", "--beds", str(args.beds), "--duration", duration,
                    "--seed", str(args.seed), "-o", pcap])
    cmd = [args.medtap, "analyze", pcap, "-o", out] + args.analyze_arg
    if args.learn_hours > 0:
        cmd += ["--learn", f"{int(args.learn_hours * 60)}m"]
    _, analyze_s = run(cmd)

    with open(os.path.join(out, "inventory.json")) as f:
        devices = len(json.load(f))
    alerts = collections.Counter()
    names, severity = {}, {}
    with open(os.path.join(out, "eve.json")) as f:
        for line in f:
            e = json.loads(line)
            if e.get("event_type") != "alert":
                continue
            a = e["alert"]
            alerts[a["signature_id"]] += 1
            names[a["signature_id"]] = a["signature"]
            severity[a["signature_id"]] = a["severity"]
    device_days = devices * (args.hours - args.learn_hours) / 24

    size_mb = os.path.getsize(pcap) / 1e6
    print(f"clean ward: {args.beds} beds, {args.hours:g} h (seed {args.seed}), "
          f"{size_mb:,.1f} MB; {devices} devices; learning {args.learn_hours:g} h; "
          f"{device_days:.1f} device-days measured; simulate {sim_s:.1f} s, "
          f"analyze {analyze_s:.1f} s\n")
    print("| id | signature | severity | alerts | per device-day |")
    print("|---|---|---|---|---|")
    for sid in sorted(alerts):
        print(f"| {sid} | {names[sid]} | {severity[sid]} | {alerts[sid]} | "
              f"{alerts[sid] / device_days:.3f} |")
    total = sum(alerts.values())
    print(f"| all | | | {total} | {total / device_days if device_days else 0:.3f} |")
    return 1 if any(severity[s] == 1 for s in alerts) else 0


if __name__ == "__main__":
    sys.exit(main())
