#!/usr/bin/env python3
"""`medtap inventory` and `medtap inventory reconcile` end to end (issue #5).

Simulates a small ward (2 beds, 1 minute, seed 3), analyzes it with a site fingerprint rule
(fixtures/fingerprints: the GE bedside monitor's model from its DHCP hostname), then:
  - `medtap inventory` in each format prints the stored devices: json is inventory.json's objects,
    csv is RFC 4180 with one row per device, table has aligned columns; all sorted by class, then
    IP; --class and --tag filter; a missing store or an unknown class is one line and status 2,
    and the missing store is not created;
  - `medtap inventory reconcile fixtures/assets.csv` gives exactly the differences the fixture was
    built to have, in each format, with status 1. The fixture is the simulator's ground truth
    (ward.truth.json) for the devices the capture shows, as a CMMS would list them (MACs in
    several spellings, vendors as the hospital writes them), except: workstation-2 (ICU-WS02)
    is left out, a spare monitor (BME-0107) that the capture never shows is added, and the GE
    monitor (BME-0101, listed by hostname only) has the wrong model. Device types are blank
    where the identification is the inventory's business (tests/e2e/inventory_truth.py), not the
    comparison's, and so are vendors of software (Mirth, dcm4chee) on Dell servers;
  - a list that agrees gives status 0, a broken list one line naming its line and status 2;
  - no patient token ("pt_") in anything these commands print.
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")

EXPECTED_UNLISTED = ["mac:c8:f7:50:a9:57:22"]  # workstation-2, ICU-WS02
EXPECTED_UNSEEN = [(16, "BME-0107")]
EXPECTED_DIFFERENT = [
    # (line, tag, device, matched_by, attribute, listed, seen)
    (11, "BME-0101", "mac:44:4b:5d:c3:35:39", "hostname", "model", "CARESCAPE B450",
     "CARESCAPE B650"),
]
EXPECTED_MATCHED = 14

failures = []
printed = []  # every stdout and stderr, for the patient-token check


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


def medtap(binary, *args, env=None):
    # Bytes decoded by hand: text mode would turn the CSV's CRLF into LF.
    p = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    p.stdout, p.stderr = p.stdout.decode(), p.stderr.decode()
    printed.extend([p.stdout, p.stderr])
    return p


def class_then_ip(rows):
    """The order the commands promise: class, then IP numerically, devices without one last."""
    def key(d):
        ip = d["ips"][0] if d["ips"] else None
        parts = tuple(int(x) for x in ip.split(".")) if ip else (256,)
        return (d["device_class"], parts, d["id"])
    return sorted(rows, key=key)


def check_inventory(binary, db, inventory):
    by_id = {d["id"]: d for d in inventory}
    expected_order = [d["id"] for d in class_then_ip(inventory)]

    p = medtap(binary, "inventory", "--db", db, "--format", "json")
    listed = json.loads(p.stdout) if p.returncode == 0 else []
    check("json: status 0", p.returncode == 0, p.stderr)
    check("json: inventory.json's device objects", listed == [by_id[i] for i in expected_order],
          [d["id"] for d in listed])

    p = medtap(binary, "inventory", "--db", db, "--format", "csv")
    check("csv: status 0", p.returncode == 0, p.stderr)
    check("csv: CRLF line ends (RFC 4180)", p.stdout.count("\r\n") == len(inventory) + 1)
    rows = list(csv.DictReader(io.StringIO(p.stdout, newline="")))
    check("csv: a row per device, sorted by class then IP",
          [r["id"] for r in rows] == expected_order, [r["id"] for r in rows])
    check("csv: values as stored", all(
        r["class"] == by_id[r["id"]]["device_class"] and r["ips"] == ",".join(by_id[r["id"]]["ips"])
        and r["vendor"] == by_id[r["id"]]["vendor"] and r["last_seen"] == by_id[r["id"]]["last_seen"]
        for r in rows))

    p = medtap(binary, "inventory", "--db", db)
    lines = p.stdout.splitlines()
    check("table: status 0", p.returncode == 0, p.stderr)
    check("table: header, a line per device, a count",
          len(lines) == len(inventory) + 2 and lines[-1] == f"{len(inventory)} devices",
          lines[:1] + lines[-1:])
    header = lines[0]
    starts = [header.index(c) for c in ("id", "ips", "macs", "vendor", "model", "class",
                                        "firmware", "confidence", "tags", "last seen (UTC)")]
    check("table: columns in the brief's order", starts == sorted(starts), header)
    class_at = header.index("class")
    check("table: aligned, sorted by class then IP",
          [line.split()[0] for line in lines[1:-1]] == expected_order and
          all(line[class_at:].split()[0] == by_id[line.split()[0]]["device_class"]
              for line in lines[1:-1]), lines[1:3])

    p = medtap(binary, "inventory", "--db", db, "--class", "patient-monitor", "--format", "json")
    monitors = [d["id"] for d in json.loads(p.stdout)] if p.returncode == 0 else None
    check("--class patient-monitor: those only",
          monitors == [i for i in expected_order if by_id[i]["device_class"] == "patient-monitor"]
          and len(monitors) > 0, monitors)
    p = medtap(binary, "inventory", "--db", db, "--tag", "no-such-tag", "--tag", "other",
               "--format", "json")
    check("--tag nobody has: an empty array", p.returncode == 0 and json.loads(p.stdout) == [],
          p.stdout)
    p = medtap(binary, "inventory", "--db", db, "--class", "toaster")
    check("--class not in the vocabulary: status 2, one line",
          p.returncode == 2 and len(p.stderr.splitlines()) == 1 and "toaster" in p.stderr,
          p.stderr)

    missing = os.path.join(os.path.dirname(db), "missing.db")
    p = medtap(binary, "inventory", "--db", missing)
    check("missing store: status 2, one line naming it",
          p.returncode == 2 and len(p.stderr.splitlines()) == 1 and missing in p.stderr, p.stderr)
    check("missing store: not created", not os.path.exists(missing))


def check_reconcile(binary, db, work):
    assets = os.path.join(FIXTURES, "assets.csv")
    p = medtap(binary, "inventory", "reconcile", assets, "--db", db, "--format", "json")
    check("reconcile: status 1 when the list and the inventory differ", p.returncode == 1,
          f"{p.returncode} {p.stderr}")
    r = json.loads(p.stdout) if p.stdout else {}
    check("reconcile: seen but not listed",
          [d["id"] for d in r.get("seen_not_listed", [])] == EXPECTED_UNLISTED,
          r.get("seen_not_listed"))
    check("reconcile: listed but never seen",
          [(a["line"], a["tag"]) for a in r.get("listed_not_seen", [])] == EXPECTED_UNSEEN,
          r.get("listed_not_seen"))
    different = [(x["asset"]["line"], x["asset"]["tag"], x["device"], x["matched_by"],
                  x["attribute"], x["listed"], x["seen"]) for x in r.get("different", [])]
    check("reconcile: the wrong model, and nothing else", different == EXPECTED_DIFFERENT,
          different)
    check("reconcile: every other asset matched", r.get("matched") == EXPECTED_MATCHED,
          r.get("matched"))

    q = medtap(binary, "inventory", "--db", db, "--format", "json", "reconcile", assets)
    check("reconcile: --db and --format before `reconcile` too", q.stdout == p.stdout and
          q.returncode == 1, q.stderr)

    p = medtap(binary, "inventory", "reconcile", assets, "--db", db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(p.stdout, newline="")))
    check("reconcile csv: one row per difference, the same ones",
          p.returncode == 1 and
          [(r["difference"], r["device"] or r["tag"]) for r in rows] ==
          [("seen-not-listed", EXPECTED_UNLISTED[0]), ("listed-not-seen", EXPECTED_UNSEEN[0][1]),
           ("different", EXPECTED_DIFFERENT[0][2])] and
          (rows[2]["attribute"], rows[2]["listed"], rows[2]["seen"]) == EXPECTED_DIFFERENT[0][4:],
          p.stdout)

    p = medtap(binary, "inventory", "reconcile", assets, "--db", db)
    check("reconcile table: the three sections",
          p.returncode == 1 and all(s in p.stdout for s in (
              "seen but not listed (1)", "listed but never seen (1)",
              "listed and seen, but different (1)", "CARESCAPE B450", "CARESCAPE B650")),
          p.stdout)

    # The same list corrected: workstation-2 added, the spare removed, the model right.
    with open(assets, newline="") as f:
        fixed = [row for row in csv.reader(f) if row[0] != "BME-0107"]
    for row in fixed:
        if row[0] == "BME-0101":
            row[2] = "CARESCAPE B650"
    fixed.append(["IT-0102", "Dell", "OptiPlex 7090", "Workstation", "C8F750A95722", "10.12.2.12",
                  "ICU-WS02", "ICU"])
    agreed = os.path.join(work, "agreed.csv")
    with open(agreed, "w", newline="") as f:
        csv.writer(f).writerows(fixed)
    p = medtap(binary, "inventory", "reconcile", agreed, "--db", db)
    check("reconcile: status 0 when they agree", p.returncode == 0 and "no differences" in p.stdout,
          f"{p.returncode} {p.stdout}")

    broken = os.path.join(work, "broken.csv")
    with open(broken, "w") as f:
        f.write("Asset Tag,MAC Address\nA1,00:00:00:00:00:01\nA2,00:00:00:00:00:0g\n")
    p = medtap(binary, "inventory", "reconcile", broken, "--db", db)
    check("reconcile: a bad MAC is one line with its line number, status 2",
          p.returncode == 2 and p.stderr.splitlines() == [
              f'medtap: error: {broken}: line 3: not a MAC address: "00:00:00:00:00:0g"'],
          p.stderr)
    with open(broken, "w") as f:
        f.write('Asset Tag,MAC Address\nA1,00:00:00:00:00:01\nA2,"00:00:00:00:00:02\n')
    p = medtap(binary, "inventory", "reconcile", broken, "--db", db)
    check("reconcile: a quote never closed is one line with the line it opened on, status 2",
          p.returncode == 2 and p.stderr.splitlines() == [
              f"medtap: error: {broken}: line 3: a quoted field is never closed"], p.stderr)
    p = medtap(binary, "inventory", "reconcile", assets, "--db", db, "--column", "colour=Paint")
    check("reconcile: an unknown --column field is one line, status 2",
          p.returncode == 2 and len(p.stderr.splitlines()) == 1, p.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medtap")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, MEDTAP_SECRET_FILE=os.path.join(work, "secret.key"))
        pcap = os.path.join(work, "ward.pcap")
        p = medtap(args.medtap, "simulate", "--beds", "2", "--duration", "1m", "--seed", "3",
                   "-o", pcap)
        if p.returncode != 0:
            sys.exit(f"FAIL simulate: {p.stderr}")
        config = os.path.join(work, "site.yaml")
        with open(config, "w") as f:
            f.write("inventory:\n  fingerprints_directory: " +
                    os.path.join(FIXTURES, "fingerprints") + "\n")
        out = os.path.join(work, "out")
        p = medtap(args.medtap, "analyze", pcap, "-o", out, "-c", config, env=env)
        if p.returncode != 0:
            sys.exit(f"FAIL analyze: {p.stderr}")
        with open(os.path.join(out, "inventory.json")) as f:
            inventory = json.load(f)
        db = os.path.join(out, "medtap.db")
        check_inventory(args.medtap, db, inventory)
        check_reconcile(args.medtap, db, work)
    check("no patient token in any output", not any("pt_" in text for text in printed))
    print("inventory_cli: " + ("ok" if not failures else f"{len(failures)} failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
