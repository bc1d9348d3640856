#!/usr/bin/env python3
"""End-to-end check: medtap's flow records against tshark's conversation tables.

For every file under the test-data folder (default: <repo>/../shared/testdata):
  * a capture (pcap, pcapng, or either gzip-compressed; recognised by its magic bytes, never by
    its name) must make `medtap analyze FILE -o DIR` exit 0, write an eve.json made only of JSON
    objects whose flow records carry the contract fields (/work/shared/EVENTS.md), and hold as
    many TCP and UDP flow records as tshark finds TCP and UDP conversations
    (`tshark -q -n -r FILE -z conv,tcp -z conv,udp`), between the same endpoint pairs, unless the
    difference is listed, with its reason, in KNOWN_DIFFERENCES below;
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
# Causes seen, with the medtap behaviour behind each (all checked packet by packet with tshark):
#   idle timeout: medtap ends a flow idle past its timeout (Suricata's defaults, flow_table.h: UDP
#     30 s in state new / 300 s established, TCP 60 s new or closed / 3600 s established) and a
#     later packet of the same tuple starts a new flow record; tshark keeps one conversation per
#     address/port pair whatever the time between packets.
#   VLAN: medtap's flow key includes the VLAN tags (DESIGN.md); tshark's conversation table
#     ignores them, so a conversation seen on two VLANs is one for tshark and two for medtap.
#   bad IPv4 total length: a total length beyond the bytes of a frame that was not cut by the
#     snap length means a damaged header; medtap skips the packet (ipv4_bad_total_length), as
#     Suricata does (decoder.ipv4.trunc_pkt), tshark dissects what is there. Same for a UDP length
#     beyond the IP payload (udp_bad_length).
#   lone first fragment: an IPv4 packet with More Fragments set is held for reassembly and never
#     completed; tshark dissects the transport header of an incomplete first fragment.
#   IPv6 fragments: medtap does not reassemble IPv6 (counted as ipv6_fragment); tshark does.
#   IPv6 routing header / home address: tshark keys the conversation on the final destination of
#     a type 0 routing header (RFC 2460 4.4, deprecated by RFC 5095) or on the Home Address
#     destination option (RFC 6275 6.3); medtap keys flows on the addresses of the IPv6 header as
#     they are on the wire (as Suricata does).
#   not decoded by medtap: FDDI link type (capture_unsupported_link_type), PPPoE sessions
#     (unknown_ethertype 0x8864), GTP-U tunnels (only the outer UDP flow).
KNOWN_DIFFERENCES = {
    # Dropbox LAN sync (17500) and Spotify (57621) broadcasts every 30.01-30.05 s: just over the
    # 30 s UDP timeout, each broadcast is its own flow (3+3 records for tshark's 1+1). Idle timeout.
    "dhcp/nDPI/android.pcap": {"udp": (35, 31), "why": "idle timeout (30 s broadcasts)"},
    # The same two broadcasts, twice each (2+2 records for 1+1). Idle timeout.
    "dhcp/nDPI/iphone.pcap": {"udp": (33, 31), "why": "idle timeout (30 s broadcasts)"},
    # mDNS and Dropbox broadcasts with gaps of 31-49 s, four pairs split in two. Idle timeout.
    "dhcp/nDPI/telegram.pcap": {"udp": (52, 48), "why": "idle timeout (gaps 31-49 s)"},
    # DHCP leasequery relay 10.30.1.1:67 <-> 10.40.2.3:67 over 33 minutes with gaps of 1287 s
    # (established) and 174 s after a one-packet flow: three records. Idle timeout.
    "dhcp/tcpdump/dhcp-rfc4388.pcap": {"udp": (4, 2), "why": "idle timeout (gaps 174-1287 s)"},
    # DHCPv6 solicits fe80::200:1ff:fe01:0 -> ff02::1:2 three days apart. Idle timeout.
    "dhcp/tcpdump/dhcpv4v6-rfc5970-rfc8572.pcap": {"udp": (7, 6), "why": "idle timeout (3 days)"},
    # DHCP discovers 0.0.0.0:68 -> 255.255.255.255:67 with a 37 s pause. Idle timeout.
    "dhcp/tcpdump/eapon1.pcap": {"udp": (8, 7), "why": "idle timeout (37 s gap)"},
    # The first packet of [2001:558:feed::1]:53 <-> :56752 is stamped 1970-01-01, the next 2021:
    # the first flow times out (TCP, state new, 60 s). Idle timeout.
    "dns/PcapPlusPlus/dns_over_tcp.pcapng": {"tcp": (3, 2), "why": "idle timeout (1970 stamp)"},
    # The second conversation (82.178.113.245 <-> 82.178.158.181) runs in a PPPoE session over
    # QinQ: not decoded by medtap. The first one splits on a 40.8 s gap (idle timeout), so the
    # counts agree by chance; the endpoint pairs do not.
    "dns/nDPI/dns.pcap": {"udp": (2, 2), "why": "PPPoE not decoded, offset by an idle timeout"},
    # FDDI link type (10): not decoded by medtap, all 11 packets capture_unsupported_link_type.
    "dns/zeek/dns-inverse-query.pcap": {"tcp": (0, 1), "why": "FDDI link type not decoded"},
    # Query on VLANs [1042,120], answer on [1041,120]. VLAN.
    "dns/zeek/loc-29-trunc.pcap": {"udp": (2, 1), "why": "VLAN: query and answer on two VLANs"},
    # Query on VLAN 34, answer on VLAN 47, twice, 181 s apart. VLAN and idle timeout.
    "dns/zeek/sshfp-trunc.pcap": {"udp": (4, 1), "why": "VLAN (34/47) and idle timeout (181 s)"},
    # All 93 packets claim IPv4 total length 1500 with MF set in frames of 60-1501 bytes that the
    # capture did not cut (wire length = captured length). Bad IPv4 total length.
    "malformed/nDPI/badpackets.pcap": {"udp": (0, 93), "why": "IPv4 total length beyond frame"},
    # Fuzzed capture (691 packets over 25 min): 26 bad IPv4 total lengths and 25 bad UDP lengths
    # (e.g. frames 21, 62, 65, 83, 104, 474, 517), fuzzed addresses, and NetBIOS 137/138, SIP 5060
    # and DNS retries with gaps of 31-354 s. Bad lengths and idle timeouts.
    "malformed/nDPI/fuzz-2006-06-26-2594.pcap": {"tcp": (20, 23), "udp": (255, 221),
                                                 "why": "fuzzed lengths, idle timeouts"},
    # Frame 27: SYN|PSH|URG|CWR with TCP header length 40 in 20 bytes: tshark starts a new
    # conversation on port 2601 with it, medtap skips it (tcp_bad_header_length) and the rest
    # stays one flow. Frame 72 (port 2605): bad IPv4 total length.
    "malformed/nDPI/fuzz-2006-09-29-28586.pcap": {"tcp": (36, 37),
                                                  "why": "fuzzed TCP header length, bad length"},
    # RADIUS 10.12.64.30:29200 <-> 1812/1813 over 43 min with gaps of 44-1007 s (idle timeout),
    # 17 bad UDP lengths and 8 bad IPv4 total lengths, fuzzed addresses.
    "malformed/nDPI/fuzz-2020-02-16-11740.pcap": {"udp": (75, 68),
                                                  "why": "idle timeouts, fuzzed lengths"},
    # Synthetic packets minutes apart: 127.0.0.1:1119 <-> :1120 (gaps 37 s, 105 s), :100 <-> :200
    # (45 s), 192.168.1.128:1 <-> 1.2.3.4:11 (TCP, 293 s). Idle timeout.
    "malformed/nDPI/ossfuzz_seed_fake_traces_1.pcapng": {"tcp": (7, 6), "udp": (7, 4),
                                                         "why": "idle timeouts"},
    # A TCP connection inside GTP-U (UDP 2152): medtap has the outer UDP flow only.
    "malformed/nDPI/reasm_segv_anon.pcapng": {"tcp": (0, 1), "why": "GTP-U tunnel not decoded"},
    # IPv4 total length 65028 in a 1530-byte frame (the suricata-verify test expects
    # decoder.ipv4.trunc_pkt). Bad IPv4 total length.
    "malformed/suricata-verify/ipv4-truncated/truncated.pcap": {
        "udp": (0, 1), "why": "IPv4 total length beyond frame"},
    # One IPv4 packet with MF set (flags 0x7), cut by the snap length: held as a first fragment,
    # never completed. Lone first fragment.
    "malformed/tcpdump/bootp_asan-2.pcap": {"udp": (0, 1), "why": "lone first fragment"},
    "malformed/tcpdump/bootp_asan.pcap": {"udp": (0, 1), "why": "lone first fragment"},
    "malformed/tcpdump/dhcp6_reconf_asan.pcap": {"udp": (0, 1), "why": "lone first fragment"},
    # IPv4 total length 296 in 65 bytes. Bad IPv4 total length.
    "malformed/tcpdump/hncp_dhcpv4data-oobr.pcap": {"udp": (0, 1),
                                                    "why": "IPv4 total length beyond frame"},
    # Frame 1 has MF set (flags 0x7): lone first fragment. Frame 3 makes the one flow both see.
    "malformed/tcpdump/rx_serviceid_oobr.pcap": {"udp": (1, 2), "why": "lone first fragment"},
    # Zeek's Mobile IPv6 and routing-header traces: one packet each, keyed on the wire addresses
    # by medtap and on the home address / final destination by tshark. IPv6 routing header / home
    # address.
    "malformed/zeek/ip6-hoa-tcp-bad-chksum.pcap": {"tcp": (1, 1), "why": "IPv6 home address"},
    "malformed/zeek/ip6-hoa-tcp-good-chksum.pcap": {"tcp": (1, 1), "why": "IPv6 home address"},
    "malformed/zeek/ip6-hoa-udp-bad-chksum.pcap": {"udp": (1, 1), "why": "IPv6 home address"},
    "malformed/zeek/ip6-hoa-udp-good-chksum.pcap": {"udp": (1, 1), "why": "IPv6 home address"},
    "malformed/zeek/ip6-route0-tcp-bad-chksum.pcap": {"tcp": (1, 1), "why": "IPv6 routing header"},
    "malformed/zeek/ip6-route0-tcp-good-chksum.pcap": {"tcp": (1, 1), "why": "IPv6 routing header"},
    "malformed/zeek/ip6-route0-udp-bad-chksum.pcap": {"udp": (1, 1), "why": "IPv6 routing header"},
    "malformed/zeek/ip6-route0-udp-good-chksum.pcap": {"udp": (1, 1), "why": "IPv6 routing header"},
    # Frame 2, the SYN-ACK of 127.0.0.1:40304 <-> :3306, is stamped 2061 in a 2015 capture: the
    # packet clock jumps 46 years, the SYN's flow times out and the rest of the connection becomes
    # a second flow. Idle timeout (on a corrupt timestamp).
    "pcap_format/PcapPlusPlus/pcapng-example.pcapng": {"tcp": (16, 15),
                                                       "why": "idle timeout (2061 timestamp)"},
    # 36 IPv6 fragments (mDNS, WS-Discovery). IPv6 fragments.
    "tcp_reassembly/PcapPlusPlus/ip6_fragments.pcap": {"udp": (0, 2),
                                                       "why": "IPv6 fragments not reassembled"},
    # The whole HTTP connection runs in a PPPoE session over VLAN. PPPoE not decoded.
    "tcp_reassembly/PcapPlusPlus/one_http_stream_rst.pcap": {"tcp": (0, 1),
                                                             "why": "PPPoE not decoded"},
    # A SYN retransmitted 300 s later: past the 60 s timeout of a TCP flow in state new.
    "tcp_reassembly/zeek/retransmit-timeout.pcapng": {"tcp": (2, 1),
                                                      "why": "idle timeout (300 s SYN retry)"},
    # Frames 10-12: a TCP handshake inside GTP-U over QinQ (medtap has the outer UDP flow);
    # frame 2: IPv4 total length 4148 in 66 bytes.
    "tls/nDPI/tls_invalid_reads.pcap": {"tcp": (2, 3), "why": "GTP-U not decoded, bad length"},
}

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
_TSHARK_TIMEOUT_S = 300
kSkip = 77  # ctest SKIP_RETURN_CODE


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

    def pairs(self, proto):
        """The distinct endpoint pairs, whatever the packet counts and however often split."""
        return {pair for pair, _ in self.convs[proto]}


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
            else:
                # Equal counts can hide a missing conversation offset by a split one.
                only_m = run.side.pairs(proto) - tshark.pairs(proto)
                only_t = tshark.pairs(proto) - run.side.pairs(proto)
                if only_m or only_t:
                    problems.append("%s counts agree but %d endpoint pairs are only in medtap's "
                                    "flows and %d only in tshark's" % (proto, len(only_m),
                                                                       len(only_t)))
        elif (m, t) != tuple(pinned):
            problems.append("%s medtap %d / tshark %d, but the known difference says %d / %d: "
                            "look again and update KNOWN_DIFFERENCES" % ((proto, m, t) + tuple(pinned)))
        elif m == t and run.side.pairs(proto) == tshark.pairs(proto):
            problems.append("%s now agrees with tshark: remove the KNOWN_DIFFERENCES entry" % proto)
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
