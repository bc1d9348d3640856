#!/usr/bin/env python3
"""End-to-end check: medtap's flow records against tshark's conversation tables.

For every file under the test-data folder (default: <repo>/../shared/testdata):
  * a capture (pcap, pcapng, or either gzip-compressed; recognised by its magic bytes, never by
    its name) must make `medtap analyze FILE -o DIR` exit 0, write an eve.json made only of JSON
    objects whose flow records carry the contract fields (/work/shared/EVENTS.md), and hold as
    many TCP and UDP flow records as tshark finds TCP and UDP conversations
    (`tshark -q -n -r FILE -z conv,tcp -z conv,udp`), unless the difference is listed, with its
    reason, in KNOWN_DIFFERENCES below;
  * any other file (an HL7 message, a fuzzer crasher, a text file) is not a capture, so medtap
    must exit 2 with a one-line error naming the file.

Prints one line per file, then `N passed, M failed`; exits 1 when anything failed, 77 (skip)
when tshark is not installed.

Usage: flows_vs_tshark.py MEDTAP_BINARY [TESTDATA_DIR] [--jobs N] [--only SUBSTRING] [--explain]
       [--keep DIR]
--explain prints, for each mismatching file, the conversations only one side has (endpoint
pairs with their packet counts): that is the starting point for investigating a difference.

Standard library only: it runs wherever python3 and tshark do.
"""

import argparse
import concurrent.futures
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field

# ------------------------------------------------------------------------------------------------
# Known, explained differences. Key: path relative to the test-data folder. Value: for "tcp"
# and/or "udp", the pair (medtap flow count, tshark conversation count) that was investigated.
# Both figures are pinned: if either tool's count moves, the entry no longer describes what
# happens and the file fails until someone looks again. The comment above each entry says what the
# packets show; the "why" string is printed on the file's line.
# ------------------------------------------------------------------------------------------------
KNOWN_DIFFERENCES = {}

# Capture-file magic numbers (first four bytes, as bytes on disk).
_PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1",  # pcap, microseconds, little-endian
    b"\xa1\xb2\xc3\xd4",  # pcap, microseconds, big-endian
    b"\x4d\x3c\xb2\xa1",  # pcap, nanoseconds, little-endian
    b"\xa1\xb2\x3c\x4d",  # pcap, nanoseconds, big-endian
    b"\x0a\x0d\x0d\x0a",  # pcapng section header block
}
_GZIP_MAGIC = b"\x1f\x8b"

# The fields every flow record carries (EVENTS.md, "Event types").
_FLOW_TOP_FIELDS = ("timestamp", "flow_id", "src_ip", "dest_ip", "proto", "flow")
_FLOW_INNER_FIELDS = ("pkts_toserver", "pkts_toclient", "bytes_toserver", "bytes_toclient",
                      "start", "end", "state", "reason")

_MEDTAP_TIMEOUT_S = 120
kSkip = 77  # ctest SKIP_RETURN_CODE
_TSHARK_TIMEOUT_S = 300


def is_capture(path):
    """True when the file starts like a capture file, or is gzip holding one."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
            if head[:2] == _GZIP_MAGIC:
                f.seek(0)
                with gzip.GzipFile(fileobj=f) as g:
                    head = g.read(4)
    except (OSError, EOFError):
        return False
    return head in _PCAP_MAGICS


def split_endpoint(text):
    """'10.0.0.1:80' or '2001:db8::1:80' -> ('10.0.0.1', 80). The port is after the last colon."""
    addr, _, port = text.rpartition(":")
    return addr, int(port) if port.isdigit() else port


# A conversation line of `tshark -z conv,...`: "A:pa <-> B:pb  f_ab bytes unit f_ba bytes unit
# frames bytes unit start duration". The numbers of frames are plain integers.
_CONV_LINE = re.compile(r"^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s")


@dataclass
class Side:
    """What one tool saw in one file: per protocol, the multiset of (endpoint pair, packets)."""
    convs: dict = field(default_factory=lambda: {"tcp": Counter(), "udp": Counter()})
    note: str = ""

    def count(self, proto):
        return sum(self.convs[proto].values())


def conv_key(a, b, packets):
    """Order-independent description of a conversation, for --explain."""
    return (tuple(sorted([a, b])), packets)


def run_tshark(path):
    """tshark's TCP and UDP conversations. A damaged file makes tshark stop at the damaged record
    and exit non-zero after printing the tables for what it read; that is kept, with a note."""
    proc = subprocess.run(["tshark", "-q", "-n", "-r", path, "-z", "conv,tcp", "-z", "conv,udp"],
                          capture_output=True, text=True, errors="replace",
                          timeout=_TSHARK_TIMEOUT_S)
    side = Side()
    section = None
    for line in proc.stdout.splitlines():
        if line.startswith("TCP Conversations"):
            section = "tcp"
        elif line.startswith("UDP Conversations"):
            section = "udp"
        elif line.startswith("===="):
            section = None
        elif section:
            m = _CONV_LINE.match(line)
            if m:
                a, b = split_endpoint(m.group(1)), split_endpoint(m.group(2))
                side.convs[section][conv_key(a, b, int(m.group(5)))] += 1
    if proc.returncode != 0:
        errors = [l for l in proc.stderr.splitlines() if l and "Running as user" not in l]
        side.note = "tshark exit %d: %s" % (proc.returncode, errors[0] if errors else "?")
    return side


@dataclass
class MedtapRun:
    rc: int
    stderr: str
    side: Side = None
    problem: str = ""  # contract violation in eve.json


def run_medtap(medtap, path, outdir):
    proc = subprocess.run([medtap, "analyze", path, "-o", outdir], capture_output=True, text=True,
                          errors="replace", timeout=_MEDTAP_TIMEOUT_S)
    run = MedtapRun(rc=proc.returncode, stderr=proc.stderr)
    if proc.returncode != 0:
        return run
    eve = os.path.join(outdir, "eve.json")
    if not os.path.exists(eve):
        run.problem = "no eve.json written"
        return run
    run.side = Side()
    with open(eve, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            try:
                event = json.loads(line)
            except json.JSONDecodeError as e:
                run.problem = "eve.json line %d is not JSON (%s)" % (number, e.msg)
                return run
            if not isinstance(event, dict) or "event_type" not in event:
                run.problem = "eve.json line %d has no event_type" % number
                return run
            if event["event_type"] != "flow":
                continue
            missing = [k for k in _FLOW_TOP_FIELDS if k not in event]
            inner = event.get("flow")
            if isinstance(inner, dict):
                missing += ["flow." + k for k in _FLOW_INNER_FIELDS if k not in inner]
            if missing:
                run.problem = "flow record on line %d lacks %s" % (number, ", ".join(missing))
                return run
            proto = str(event["proto"]).lower()
            if proto not in ("tcp", "udp"):
                continue
            if "src_port" not in event or "dest_port" not in event:
                run.problem = "%s flow record on line %d has no ports" % (proto.upper(), number)
                return run
            packets = inner["pkts_toserver"] + inner["pkts_toclient"]
            a = (event["src_ip"], event["src_port"])
            b = (event["dest_ip"], event["dest_port"])
            run.side.convs[proto][conv_key(a, b, packets)] += 1
    return run


def explain(medtap_side, tshark_side):
    """Conversations that only one tool reports (endpoint pair + packets), per protocol."""
    lines = []
    for proto in ("tcp", "udp"):
        m, t = medtap_side.convs[proto], tshark_side.convs[proto]
        for who, only in (("medtap", m - t), ("tshark", t - m)):
            for (pair, packets), n in sorted(only.items(), key=str):
                lines.append("      only %s %s: %s <-> %s, %d pkts%s" % (
                    who, proto, "%s:%s" % pair[0], "%s:%s" % pair[1], packets,
                    " (x%d)" % n if n > 1 else ""))
    return lines


def check_file(medtap, root, rel, workdir, want_explain):
    """Returns (passed, line, extra lines)."""
    path = os.path.join(root, rel)
    outdir = os.path.join(workdir, re.sub(r"[^A-Za-z0-9_.-]", "_", rel))
    os.makedirs(outdir, exist_ok=True)
    try:
        run = run_medtap(medtap, path, outdir)
    except subprocess.TimeoutExpired:
        return False, "FAIL %s: medtap analyze took over %d s" % (rel, _MEDTAP_TIMEOUT_S), []

    if not is_capture(path):
        # Not a capture at all: nothing can be read, so exit 2 with one line that names the file.
        errors = [l for l in run.stderr.splitlines() if l.strip()]
        if run.rc != 2:
            return False, "FAIL %s: not a capture, medtap exit %d (want 2)" % (rel, run.rc), []
        if len(errors) != 1 or os.path.basename(rel) not in errors[0]:
            return False, "FAIL %s: not a capture; want one error line naming it, got %r" % (
                rel, errors), []
        return True, "PASS %s: not a capture, exit 2" % rel, []

    if run.rc != 0:
        first = run.stderr.strip().splitlines()[:1]
        return False, "FAIL %s: medtap exit %d: %s" % (rel, run.rc, first[0] if first else ""), []
    if run.problem:
        return False, "FAIL %s: %s" % (rel, run.problem), []
    try:
        tshark = run_tshark(path)
    except subprocess.TimeoutExpired:
        return False, "FAIL %s: tshark took over %d s" % (rel, _TSHARK_TIMEOUT_S), []

    counts = {p: (run.side.count(p), tshark.count(p)) for p in ("tcp", "udp")}
    shown = " ".join("%s=%d/%d" % (p, m, t) for p, (m, t) in counts.items())
    known = KNOWN_DIFFERENCES.get(rel)
    problems = []
    for proto, (m, t) in counts.items():
        pinned = known.get(proto) if known else None
        if pinned is None:
            if m != t:
                problems.append("%s medtap %d != tshark %d" % (proto, m, t))
        elif (m, t) != tuple(pinned):
            problems.append("%s medtap %d / tshark %d, but the known difference says %d / %d: "
                            "look again and update KNOWN_DIFFERENCES" % ((proto, m, t) + tuple(pinned)))
    extra = explain(run.side, tshark) if (problems or known) and want_explain else []
    note = (" [%s]" % tshark.note) if tshark.note else ""
    if problems:
        return False, "FAIL %s: %s (medtap/tshark)%s: %s" % (rel, shown, note,
                                                              "; ".join(problems)), extra
    if known:
        return True, "PASS %s: %s (medtap/tshark)%s, known: %s" % (rel, shown, note,
                                                                   known["why"]), extra
    return True, "PASS %s: %s (medtap/tshark)%s" % (rel, shown, note), extra


def default_testdata():
    here = os.path.dirname(os.path.abspath(__file__))  # <repo>/tests/e2e
    return os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "testdata"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("medtap", help="path of the medtap binary")
    parser.add_argument("testdata", nargs="?", default=default_testdata(),
                        help="folder of captures (default: <repo>/../shared/testdata)")
    parser.add_argument("--jobs", type=int, default=2, help="files checked at once (default 2)")
    parser.add_argument("--only", default="", help="check only paths containing this text")
    parser.add_argument("--explain", action="store_true",
                        help="list the conversations only one tool reports")
    parser.add_argument("--keep", help="write medtap's output folders here and keep them")
    args = parser.parse_args()

    if not shutil.which("tshark"):
        print("SKIP: tshark not installed (Debian package tshark)")
        return kSkip
    if not os.access(args.medtap, os.X_OK):
        print("medtap binary %s is not executable" % args.medtap)
        print("0 passed, 1 failed")
        return 1
    root = os.path.abspath(args.testdata)
    if not os.path.isdir(root):
        print("test-data folder %s not found" % root)
        print("0 passed, 1 failed")
        return 1

    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            if args.only in rel:
                files.append(rel)

    if not any(is_capture(os.path.join(root, rel)) for rel in files):
        print("no capture files under %s%s" % (root, " matching %r" % args.only if args.only else ""))
        print("0 passed, 1 failed")
        return 1

    failed = 0
    passed = 0
    # Entries in the table for files that are gone mean the table has gone stale.
    if not args.only:
        for rel in sorted(set(KNOWN_DIFFERENCES) - set(files)):
            print("FAIL %s: listed in KNOWN_DIFFERENCES but not found" % rel)
            failed += 1

    workdir = args.keep or tempfile.mkdtemp(prefix="medtap-e2e-")
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(check_file, os.path.abspath(args.medtap), root, rel, workdir,
                                   args.explain) for rel in files]
            for future in futures:  # in file order, so the output is deterministic
                ok, line, extra = future.result()
                print(line, flush=True)
                for e in extra:
                    print(e)
                if ok:
                    passed += 1
                else:
                    failed += 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
