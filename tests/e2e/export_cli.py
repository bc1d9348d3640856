#!/usr/bin/env python3
"""`medtap export` and `medtap plan isolate` end to end (issue #8, remediation).

Simulates a 16-bed ward with the contec-backdoor scenario (seed 5: a CMS8000 and its Epsimed
MN-120 relabel), analyzes it into a store, then:
  - `plan isolate` (text, md, json) lists each cms8000-family device of the inventory with its
    Contec stream to a central station and its HL7 feed kept, and its flows to 202.114.4.0/24 cut;
  - `export nftables` passes `nft -c -f` (Debian's nftables), byte for byte the same twice, with
    each selected device's address and MAC in its sets;
  - `export iptables` passes `iptables-restore --test` inside a new network namespace (as root;
    skipped, and said so, otherwise);
  - `export suricata` (alert and --drop): every rule has an action, a header of protocol,
    addresses and ports, and options with balanced quotes ending in ';', a unique sid in medtap's
    range; Suricata is not installable here, so this checks structure, not Suricata's parser;
  - `export zeek-intel` and `export stix` load back through `medtap analyze --intel` and raise
    threat-intelligence alerts (9000301) naming the exported pack on the same capture;
  - a missing store is one line and status 2; `--device` of an unknown id warns;
  - no patient token ("pt_") in any output.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SEED = "5"
SID_FIRST, SID_LAST = 9100001, 9100999


def run(cmd, env=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect(ok, what, failures):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


RULE = re.compile(r'^(alert|drop) (ip|tcp|udp) (\S+) (\S+) -> (\S+) (\S+) \((.*)\)$')


def check_suricata(text, failures, label):
    sids = set()
    rules = 0
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        rules += 1
        m = RULE.match(line)
        if not m:
            expect(False, "%s: rule parses: %s" % (label, line), failures)
            continue
        options = m.group(7)
        ok = options.count('"') % 2 == 0 and options.endswith(";")
        # Split the options at ';' outside quotes: each is `keyword` or `keyword:value`.
        parts, cur, quoted = [], "", False
        for ch in options:
            if ch == '"':
                quoted = not quoted
            if ch == ";" and not quoted:
                parts.append(cur.strip())
                cur = ""
            else:
                cur += ch
        ok = ok and not quoted and cur.strip() == ""
        keys = [p.split(":", 1)[0] for p in parts]
        ok = ok and all(re.match(r"^[a-z_.]+$", k) for k in keys)
        for must in ("msg", "sid", "rev", "classtype", "reference", "metadata"):
            ok = ok and must in keys
        sid = int(dict(p.split(":", 1) for p in parts if ":" in p)["sid"])
        ok = ok and SID_FIRST <= sid <= SID_LAST and sid not in sids
        sids.add(sid)
        expect(ok, "%s: sid %d well formed" % (label, sid), failures)
    expect(rules >= 6, "%s: %d rules" % (label, rules), failures)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medtap")
    args = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, MEDTAP_SECRET_FILE=os.path.join(work, "secret.key"), TMPDIR=work)
        M = args.medtap
        capture = os.path.join(work, "ward.pcap")
        rc, _, err = run([M, "simulate", "--beds", "16", "--duration", "3m", "--seed", SEED,
                          "--scenario", "contec-backdoor", "-o", capture], env)
        if rc != 0:
            print("simulate failed: " + err)
            return 1
        out = os.path.join(work, "out")
        db = os.path.join(out, "medtap.db")
        rc, _, err = run([M, "analyze", capture, "-o", out], env)
        if rc != 0:
            print("analyze failed: " + err)
            return 1
        printed = ""

        rc, inv, err = run([M, "inventory", "--db", db, "--format", "json",
                            "--tag", "cms8000-family"], env)
        family = {d["id"]: d for d in json.loads(inv)}
        expect(len(family) >= 2, "the inventory holds the CMS8000 family: %s" % sorted(family),
               failures)

        # The plan, in three formats.
        rc, text, err = run([M, "plan", "isolate", "--db", db], env)
        printed += text + err
        expect(rc == 0, "plan isolate exits 0 (%s)" % err.strip(), failures)
        rc, md, err = run([M, "plan", "isolate", "--db", db, "--format", "md"], env)
        printed += md + err
        expect(rc == 0 and md.startswith("# Isolation plan"), "plan --format md", failures)
        rc, js, err = run([M, "plan", "isolate", "--db", db, "--format", "json"], env)
        printed += js + err
        plan = json.loads(js)
        planned = {d["id"]: d for d in plan["devices"]}
        expect(set(planned) == set(family), "the plan lists each cms8000-family device", failures)
        for dev_id, d in sorted(planned.items()):
            flows = d["flows"]
            stream = [f for f in flows if f["app"] == "contec_cms" and f["fate"] == "kept"
                      and f["peer_class"] == "central-station"]
            hl7 = [f for f in flows if f["app"] == "hl7" and f["fate"] == "kept"]
            backdoor = [f for f in flows if f["peer_ip"].startswith("202.114.4.")]
            expect(len(stream) == 1 and stream[0]["messages"] > 0,
                   "%s: its Contec stream to its central station is kept" % dev_id, failures)
            expect(len(hl7) == 1, "%s: its HL7 feed is kept" % dev_id, failures)
            expect(len(backdoor) >= 3 and all(f["fate"] == "cut" for f in backdoor),
                   "%s: its %d flows to 202.114.4.0/24 are cut" % (dev_id, len(backdoor)),
                   failures)
            expect(dev_id in text and stream and
                   ("KEEP  Contec stream to %s %s (central-station)" %
                    (stream[0]["peer_id"], stream[0]["peer_ip"])) in text,
                   "%s: the text plan names the stream and the station" % dev_id, failures)

        # nftables, checked by nft itself.
        nft_file = os.path.join(work, "medtap.nft")
        rc, _, err = run([M, "export", "nftables", "--db", db, "-o", nft_file], env)
        printed += err
        expect(rc == 0, "export nftables exits 0 (%s)" % err.strip(), failures)
        rules = open(nft_file).read()
        printed += rules
        rc2, again, _ = run([M, "export", "nftables", "--db", db], env)
        expect(again == rules, "export nftables is deterministic (stdout == -o file)", failures)
        for dev_id, d in family.items():
            expect(all(ip in rules for ip in d["ips"]) and all(m in rules for m in d["macs"]),
                   "%s: its addresses and MACs are in the sets" % dev_id, failures)
        if shutil.which("nft"):
            rc, _, err = run(["nft", "-c", "-f", nft_file])
            expect(rc == 0, "nft -c -f accepts the ruleset (%s)" % err.strip(), failures)
        else:
            expect(False, "nft is installed (deps/debian.txt)", failures)

        # iptables, checked by iptables-restore in a namespace of its own.
        ipt_file = os.path.join(work, "medtap.iptables")
        rc, _, err = run([M, "export", "iptables", "--db", db, "-o", ipt_file], env)
        expect(rc == 0, "export iptables exits 0", failures)
        printed += open(ipt_file).read()
        ns = "medtap-export-%d" % os.getpid()
        if os.geteuid() == 0 and shutil.which("iptables-restore") and \
                run(["ip", "netns", "add", ns])[0] == 0:
            try:
                rc, _, err = run(["ip", "netns", "exec", ns, "iptables-restore", "--test",
                                  ipt_file])
                expect(rc == 0, "iptables-restore --test accepts the rules (%s)" % err.strip(),
                       failures)
                rc, _, err = run(["ip", "netns", "exec", ns, "iptables-restore", "--noflush",
                                  ipt_file])
                rc2, listed, _ = run(["ip", "netns", "exec", ns, "iptables", "-S", "MEDTAP"])
                expect(rc == 0 and "202.114.4.0/24" in listed,
                       "iptables-restore --noflush loads them (%s)" % err.strip(), failures)
            finally:
                run(["ip", "netns", "del", ns])
        else:
            print("skip iptables-restore --test: needs root, iptables and network namespaces")

        # Suricata: structure (Suricata is not installable here).
        for extra in ([], ["--drop"]):
            rc, sur, err = run([M, "export", "suricata", *extra], env)
            printed += sur + err
            expect(rc == 0, "export suricata %s exits 0" % " ".join(extra), failures)
            check_suricata(sur, failures, "suricata" + (" --drop" if extra else ""))

        # Zeek intel and STIX: medtap's own loader reads them back and matches the capture.
        for fmt_name, fname in (("zeek-intel", "contec-export.intel"),
                                ("stix", "contec-export.json")):
            path = os.path.join(work, fname)
            rc, _, err = run([M, "export", fmt_name, "-o", path], env)
            expect(rc == 0, "export %s exits 0" % fmt_name, failures)
            printed += open(path).read()
            o2 = os.path.join(work, "out-" + fmt_name)
            rc, _, err = run([M, "analyze", capture, "-o", o2, "--intel", path], env)
            expect(rc == 0, "analyze --intel %s loads it (%s)" % (fname, err.strip()[-200:]),
                   failures)
            hits = 0
            with open(os.path.join(o2, "eve.json")) as f:
                for line in f:
                    e = json.loads(line)
                    if e.get("event_type") == "alert" and \
                            e["alert"].get("signature_id") == 9000301 and fname in line:
                        hits += 1
            expect(hits > 0, "%s: %d intel alerts name the exported pack" % (fmt_name, hits),
                   failures)

        # Mistakes.
        rc, out_, err = run([M, "export", "nftables", "--db", os.path.join(work, "nope.db")], env)
        expect(rc == 2 and len(err.strip().splitlines()) == 1 and "nope.db" in err,
               "a missing store: one line, status 2 (%s)" % err.strip(), failures)
        rc, out_, err = run([M, "plan", "isolate", "--db", db, "--device", "mac:ff:ff:ff:ff:ff:01"],
                            env)
        expect(rc == 0 and "mac:ff:ff:ff:ff:ff:01 is not in" in err,
               "an unknown --device warns", failures)
        printed += out_ + err

        expect("pt_" not in printed, "no patient token in any output", failures)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
