#!/usr/bin/env python3
"""Vital-sign integrity against the simulator's ground truth (issue #7, docs/DETECTIONS.md).

Simulates a ward with the vitals-tamper scenario (one bed each: values frozen, old messages
replayed, impossible values, a heart rate spiking and coming back, ECG and pulse rates that
disagree, each from its truth time to the end of the run; observation times set back and later
ahead on one monitor; a second monitor sending for a bed that has one, for a while: those
windows end at their truth `until`) and a clean ward of the same size (paced patients, probe-off
gaps), analyzes both, and measures per check:
  - recall: the tampered windows of the kinds the check is for that raised it, about that
    device (for two devices at a bed: either of them), inside the window, naming its bed;
  - precision: the check's alerts that fall in a tampered window of the same device, over all
    its alerts (an alert in a tampered window of another kind, or from a central station
    relaying a tampered bed's values, is counted apart, as `secondary`: the data there really
    is tampered).
Asserts every tampered window is found by the check it is for, and zero vitals-integrity alerts
on the clean ward. Also exports the trend of a tampered bed with `medtap vitals export` and
checks the flagged minutes. Prints the figures as a Markdown table for docs/DETECTIONS.md.

    tests/e2e/vitals_truth.py build/medtap [--beds 12] [--duration 30m] [--seed 5]
"""
import argparse
import collections
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime

# Truth action -> the check that must find it, and checks that may also fire on it.
EXPECTED = {
    "impossible_values": (9000601, {9000602, 9000605}),
    "values_spiking": (9000602, set()),
    "values_frozen": (9000603, set()),
    "messages_replayed": (9000604, {9000606}),
    "sensors_disagree": (9000605, set()),
    "observation_time_backwards": (9000606, set()),
    "observation_time_ahead": (9000606, set()),
    "second_device_for_bed": (9000607, set()),
    "contec_impossible_values": (9000601, {9000602}),
}
CHECKS = {9000601: "impossible value", 9000602: "impossible change", 9000603: "frozen",
          9000604: "replay", 9000605: "disagreeing sensors", 9000606: "time",
          9000607: "two devices"}


def seconds(ts):
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {p.returncode}\n{p.stderr}")
    return p.stdout


def analyze(medtap, work, name, args):
    pcap = os.path.join(work, name + ".pcap")
    run([medtap, "simulate", "-o", pcap] + args)
    out = os.path.join(work, name)
    p = subprocess.run([medtap, "analyze", "-o", out, pcap], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.exit(f"medtap analyze exited {p.returncode}\n{p.stdout}")
    # The run summary carries the checks' counters (docs/EVENTS.md, "The run summary").
    m = re.search(r"^  vitals +([\d,]+) values in ([\d,]+) messages, ([\d,]+) series of "
                  r"([\d,]+) streams, ([\d,]+) beds;.*\n +alerts ([\d,]+), folded by the rate "
                  r"limit ([\d,]+)", p.stdout, re.M)
    if not m or int(m.group(1).replace(",", "")) == 0:
        sys.exit(f"{name}: no vitals counters in the run summary:\n{p.stdout}")
    alerts = []
    with open(os.path.join(out, "eve.json")) as f:
        for line in f:
            e = json.loads(line)
            if e["event_type"] == "alert" and e["alert"]["category"] == "vitals-integrity":
                alerts.append(e)
    with open(os.path.splitext(pcap)[0] + ".truth.json") as f:
        truth = json.load(f)
    os.remove(pcap)
    return alerts, truth, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medtap")
    ap.add_argument("--beds", type=int, default=12)
    ap.add_argument("--duration", default="30m")
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args()
    problems = []
    with tempfile.TemporaryDirectory() as work:
        base = ["--beds", str(a.beds), "--duration", a.duration, "--seed", str(a.seed)]
        alerts, truth, out = analyze(a.medtap, work, "tamper", base + ["--scenario", "vitals-tamper"])
        clean, _, _ = analyze(a.medtap, work, "clean", base)
        ip_of = {d["id"]: d["ip"] for d in truth["devices"]}
        end = seconds(truth["run"]["end"]) if "end" in truth.get("run", {}) else float("inf")
        windows = []  # (action, ips, bed, start, end)
        for s in truth["scenarios"]:
            if s["name"] != "vitals-tamper":
                continue
            for e in s["events"]:
                d = e["detail"]
                ips = (ip_of[e["device"]],) + ((ip_of[d["monitored_by"]],)
                                               if "monitored_by" in d else ())
                windows.append((e["action"], ips, d.get("bed"), seconds(e["time"]),
                                seconds(d["until"]) if "until" in d else end))

        def window_of(alert):
            ip, t = alert["src_ip"], seconds(alert["timestamp"])
            mine = [w for w in windows if ip in w[1] and w[3] <= t <= w[4]]
            # Of overlapping windows on one device, the one of the check that fired.
            mine.sort(key=lambda w: EXPECTED[w[0]][0] != alert["alert"]["signature_id"])
            return mine[0] if mine else None

        def relayed(alert):
            # A central station passes each bed's latest values on: tampered values relayed from
            # a tampered bed are really there (counted as secondary, never as found).
            t, bed = seconds(alert["timestamp"]), bed_number(alert)
            return any(w[2] == bed and w[3] <= t <= w[4] for w in windows)

        def bed_number(alert):
            # "ICU/07" (HL7 PV1-3) or "contec-7" (the Contec bed number block): its number.
            m = re.search(r"(\d+)$", alert["evidence"].get("bed", ""))
            return int(m.group(1)) if m else None

        found = collections.defaultdict(set)  # check -> windows found
        tp, fp, secondary = (collections.Counter() for _ in range(3))
        for al in alerts:
            sid = al["alert"]["signature_id"]
            w = window_of(al)
            if w is None and relayed(al):
                secondary[sid] += 1
            elif w is None:
                fp[sid] += 1
                problems.append(f"{sid} outside any tampered window: {al['evidence']['summary']}")
            elif EXPECTED[w[0]][0] == sid:
                tp[sid] += 1
                found[sid].add(w)
                if w[2] is not None and bed_number(al) != w[2]:
                    problems.append(f"{sid} for the {w[0]} window at bed {w[2]} names bed "
                                    f"{al['evidence'].get('bed')}: {al['evidence']['summary']}")
            else:
                secondary[sid] += 1
        for w in windows:
            if w not in found[EXPECTED[w[0]][0]]:
                problems.append(f"{w[0]} at bed {w[2]} ({w[1]}) not found by {EXPECTED[w[0]][0]}")
        for al in clean:
            problems.append(f"clean ward: {al['alert']['signature_id']}: "
                            f"{al['evidence']['summary']}")

        # The trend of the frozen bed, with its flagged minutes.
        frozen = [w for w in windows if w[0] == "values_frozen"]
        if frozen:
            bed = next((al["evidence"].get("bed") for al in alerts
                        if al["src_ip"] in frozen[0][1] and "bed" in al["evidence"]), None)
            if bed is None:
                problems.append("no bed in the frozen window's alert")
            else:
                text = run([a.medtap, "vitals", "export", "--db", os.path.join(out, "medtap.db"),
                            "--bed", bed, "--format", "csv"])
                rows = list(csv.DictReader(io.StringIO(text)))
                flagged = [r for r in rows if "9000603" in r["flags"].split()]
                if not rows or not flagged:
                    problems.append(f"vitals export --bed {bed}: {len(rows)} rows, "
                                    f"{len(flagged)} flagged 9000603")
                for r in rows:
                    if not (float(r["min"]) <= float(r["mean"]) + 0.01 <= float(r["max"]) + 0.02):
                        problems.append(f"export row not min<=mean<=max: {r}")
                        break

        monitors = sum(1 for d in truth["devices"] if d.get("device_class") == "patient-monitor")
        hours = {"m": 1 / 60, "h": 1}[a.duration[-1]] * float(a.duration[:-1])
        print(f"vitals-tamper ward: {a.beds} beds, {a.duration}, seed {a.seed}; "
              f"{len(windows)} tampered windows; clean ward: {len(clean)} alerts over "
              f"{monitors * hours / 24:.2f} monitor-days\n")
        print("| id | check | tampered windows | found | recall | alerts | in its window | "
              "secondary | outside | precision |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for sid in CHECKS:
            mine = [w for w in windows if EXPECTED[w[0]][0] == sid]
            n = tp[sid] + fp[sid] + secondary[sid]
            recall = f"{len(found[sid]) / len(mine):.2f}" if mine else "n/a"
            precision = f"{(tp[sid] + secondary[sid]) / n:.2f}" if n else "n/a"
            print(f"| {sid} | {CHECKS[sid]} | {len(mine)} | {len(found[sid])} | {recall} | {n} | {tp[sid]} | "
                  f"{secondary[sid]} | {fp[sid]} | {precision} |")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
