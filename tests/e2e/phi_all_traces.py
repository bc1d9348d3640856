#!/usr/bin/env python3
"""No patient name, identifier or birth date from any trace appears in medtap's output (issue #4).

Traces: every capture in tests/traces, ../shared/testdata and ../shared/data (recognised by magic
bytes), every HL7 message file there (wrapped into a capture: one MLLP-over-TCP connection per
file, see wrap_hl7_file), and a simulated ward (`medtap simulate` with the phi-exfil and both
Contec scenarios).

For each trace the PHI is extracted here, independently of medtap, from the TCP payloads put back
in sequence order per direction (or from the message file itself):
  * HL7 v2 (any stream holding "MSH"; separators read from MSH-1/MSH-2): PID-3 identifiers
    (CX.1 of every repetition), PID-5 names, PID-7 birth date, PID-19 SSN, NK1-2 names;
  * DICOM upper layer (any stream made of PDUs): (0010,0010) patient name, (0010,0020) patient
    id, (0010,0030) birth date in the data sets of P-DATA-TF, explicit or implicit VR;
  * the Contec central-station stream (../shared/DOMAIN.md): in a 0x3E patient record the
    patient name, patient number, birth date and doctor's name.
Names count whole and by component (family, given, middle...); dates as written and as
YYYY-MM-DD. Values under 3 characters are not checked (counted): "14" or "S" are everywhere.

Then the real `medtap analyze TRACE -o DIR --syslog udp://127.0.0.1:PORT` runs (a UDP listener
of this script keeps every syslog message it receives), and no value may appear in any file of
DIR (every file, so that outputs added later are covered: eve.json, inventory.json, medtap.db
searched as bytes, report.html, report.md; and what `medtap plan isolate` and `medtap export
nftables|iptables` print from that medtap.db), in the syslog messages (RFC 5424; the simulated
ward is analysed a second time with CEF), nor on its stdout or stderr (with DIR's own name
blanked). JSON is also searched with its strings decoded, so an escaped value is still seen. The
simulated ward must raise alerts that reach syslog, so that the syslog check is not vacuous; a
run without medtap.db, report.html, report.md or eve.json fails. For the simulated ward, the simulator's own outputs (the sidecar ward.truth.json and
its stdout/stderr) are checked too. Matching is case-insensitive and by whole token: the value
not inside a longer run of letters and digits ("ill" is not in "mill/mm3"). A value the input also
carries in a non-PHI HL7 segment (a patient id inside MSH-10, a name that is also the sending
application) is written legitimately: it is printed as excused, not failed.

The test can fail: before looking at medtap's output, the same matcher must flag the trace's own
input bytes for every trace that holds PHI (if the extractor or the matcher were broken, this
fails). Prints the number of distinct values checked.

Usage: phi_all_traces.py MEDTAP [--shared DIR] [--jobs N] [--keep DIR]
Standard library only.
"""

import argparse
import concurrent.futures
import glob
import gzip
import json
import os
import re
import shutil
import struct
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests" / "traces"))
from flows_vs_tshark import is_capture  # noqa: E402
import gen_traces  # noqa: E402  (pcap writer used to wrap HL7 message files)

kMinLength = 3  # shorter values (name components, "14" as an id) are everywhere: not checked
kDicomScan = 64 << 10  # the patient module (group 0010) sits near the start of a data set
kMedtapTimeoutS = 120
SIM_ARGS = ["--beds", "2", "--duration", "4m", "--seed", "7", "--scenario", "phi-exfil",
            "--scenario", "contec-backdoor", "--scenario", "contec-lan-default"]

# ------------------------------------------------------------------------------------------------
# Capture reading: pcap and pcapng (gzip too), link types Ethernet, NULL/loopback, raw IP, Linux
# SLL/SLL2; VLAN tags; IPv4/IPv6; TCP payloads in sequence order per direction.
# ------------------------------------------------------------------------------------------------


def open_capture(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def frames(data):
    """Yields (linktype, frame bytes). Stops quietly at the first damaged record."""
    magic = data[:4]
    if magic == b"\x0a\x0d\x0d\x0a":
        yield from pcapng_frames(data)
        return
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    (linktype,) = struct.unpack_from(e + "I", data, 20)
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from(e + "I", data, off + 8)[0]
        if off + 16 + caplen > len(data) or caplen > (1 << 18):
            return
        yield linktype & 0xFFFF, data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def pcapng_frames(data):
    e = "<"
    linktypes = []
    off = 0
    while off + 12 <= len(data):
        btype = struct.unpack_from(e + "I", data, off)[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            linktypes = []
        blen = struct.unpack_from(e + "I", data, off + 4)[0]
        if blen < 12 or off + blen > len(data):
            return
        body = data[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 2:
            linktypes.append(struct.unpack_from(e + "H", body, 0)[0])
        elif btype == 6 and len(body) >= 20:
            iface, _, _, caplen = struct.unpack_from(e + "IIII", body, 0)
            if iface < len(linktypes):
                yield linktypes[iface], body[20:20 + caplen]
        elif btype == 3 and len(body) >= 4 and linktypes:
            yield linktypes[0], body[4:]
        off += blen


def l3(linktype, f):
    """(ethertype, network-layer bytes) or None."""
    if linktype == 1:  # Ethernet
        et, off = struct.unpack_from("!H", f, 12)[0] if len(f) >= 14 else 0, 14
    elif linktype in (0, 109):  # NULL / OpenBSD loopback: AF in host or network order
        if len(f) < 4:
            return None
        af = struct.unpack_from("<I", f, 0)[0]
        if af > 0xFFFF:
            af = struct.unpack_from(">I", f, 0)[0]
        et, off = (0x0800 if af == 2 else 0x86DD), 4
    elif linktype in (101, 12, 14, 228, 229):  # raw IP
        if not f:
            return None
        et, off = (0x0800 if f[0] >> 4 == 4 else 0x86DD), 0
    elif linktype == 113:  # Linux SLL
        et, off = struct.unpack_from("!H", f, 14)[0] if len(f) >= 16 else 0, 16
    elif linktype == 276:  # Linux SLL2
        et, off = struct.unpack_from("!H", f, 0)[0] if len(f) >= 20 else 0, 20
    else:
        return None
    while et in (0x8100, 0x88A8, 0x9100) and len(f) >= off + 4:
        et = struct.unpack_from("!H", f, off + 2)[0]
        off += 4
    return et, f[off:]


def transport(linktype, f):
    """(proto, src, sport, dst, dport, seq, payload) for unfragmented TCP/UDP over IPv4/IPv6."""
    r = l3(linktype, f)
    if r is None:
        return None
    et, p = r
    if et == 0x0800 and len(p) >= 20:
        ihl = (p[0] & 0x0F) * 4
        total = struct.unpack_from("!H", p, 2)[0]
        if struct.unpack_from("!H", p, 6)[0] & 0x3FFF:
            return None  # a fragment: not reassembled here (no trace carries PHI in fragments)
        proto, src, dst, p = p[9], p[12:16], p[16:20], p[ihl:max(ihl, min(total, len(p)))]
    elif et == 0x86DD and len(p) >= 40:
        proto, src, dst, p = p[6], p[8:24], p[24:40], p[40:]
    else:
        return None
    if proto == 6 and len(p) >= 20:
        sport, dport, seq = struct.unpack_from("!HHI", p, 0)
        return 6, src, sport, dst, dport, seq, p[(p[12] >> 4) * 4:]
    if proto == 17 and len(p) >= 8:
        sport, dport = struct.unpack_from("!HH", p, 0)
        return 17, src, sport, dst, dport, 0, p[8:]
    return None


def streams(data):
    """The payload of every TCP direction in sequence order (retransmitted bytes once), and of
    every UDP direction concatenated."""
    segs = {}
    for linktype, f in frames(data):
        t = transport(linktype, f)
        if t is None or not t[6]:
            continue
        segs.setdefault(t[:5], []).append((t[5], t[6]))
    out = []
    for key, parts in segs.items():
        if key[0] == 17:
            out.append(b"".join(p for _, p in parts))
            continue
        base = parts[0][0]
        parts = sorted(((s - base) & 0xFFFFFFFF, p) for s, p in parts)
        buf, end = bytearray(), None
        for s, p in parts:
            if end is not None and s < end:
                p = p[end - s:]  # overlap: keep the bytes already placed
                s = end
            buf += p
            end = s + len(p) if end is None or s + len(p) > end else end
        out.append(bytes(buf))
    return out


# ------------------------------------------------------------------------------------------------
# PHI extraction
# ------------------------------------------------------------------------------------------------


class Phi:
    """Values to look for; each remembered with where it came from."""

    def __init__(self):
        self.values = {}  # lowercased value -> origin
        self.too_short = set()

    def add(self, value, origin):
        v = value.strip().strip("\0").strip().lower()
        if len(v) >= kMinLength:
            self.values.setdefault(v, origin)
        elif v:
            self.too_short.add(v)

    def name(self, full, components, origin):
        self.add(full, origin)
        for c in components:
            self.add(c, origin)

    def merge(self, other):
        for v, o in other.values.items():
            self.values.setdefault(v, o)
        self.too_short |= other.too_short

    def date(self, value, origin):
        digits = re.match(r"\d{8}", value.strip())
        self.add(value, origin)
        if digits:
            d = digits.group(0)
            self.add(f"{d[:4]}-{d[4:6]}-{d[6:]}", origin)
            self.add(d, origin)


def hl7_unescape(text, esc):
    """HL7 v2.x section 2.7 escapes: \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ and \\Xhh..\\."""
    if not esc:
        return text

    def repl(m):
        body = m.group(1)
        if body[:1] == "X":
            try:
                return bytes.fromhex(body[1:]).decode("latin-1")
            except ValueError:
                return ""
        return {"F": "|", "S": "^", "T": "&", "R": "~", "E": esc}.get(body, "")

    return re.sub(re.escape(esc) + r"([^" + re.escape(esc) + r"]*)" + re.escape(esc), repl, text)


def hl7_phi(text, phi, origin, public):
    """PHI of every HL7 message in text (any segment terminator, MLLP bytes ignored). Every other
    segment goes to public: a value those carry too (a patient id in MSH-10, a birth date that
    is also an observation time) is written legitimately and cannot tell a leak."""
    for msg in re.split(r"(?=MSH)", text):
        if not msg.startswith("MSH") or len(msg) < 8:
            continue
        fs = msg[3]
        enc = msg[4:8].split(fs)[0]
        comp, rep = (enc + "^~")[0], (enc[1:] + "~")[0]
        esc, sub = (enc[2:3] or "\\"), (enc[3:4] or "&")
        for seg in re.split(r"[\r\n\x0b\x1c]+", msg):
            fields = seg.split(fs)
            kind = fields[0].strip().lstrip("\ufeff")

            def f(i):
                return fields[i] if i < len(fields) else ""

            def names(raw):
                for r in raw.split(rep):
                    parts = [hl7_unescape(p, esc) for c in r.split(comp) for p in c.split(sub)]
                    phi.name(hl7_unescape(r, esc), parts, origin)
                    phi.name(" ".join(p for p in parts if p), [], origin)

            if kind not in ("PID", "NK1"):
                public.append(seg)
            if kind == "PID":
                for r in f(3).split(rep):
                    phi.add(hl7_unescape(r.split(comp)[0], esc), origin)
                names(f(5))
                phi.date(hl7_unescape(f(7).split(comp)[0], esc), origin)
                phi.add(hl7_unescape(f(19), esc), origin)
            elif kind == "NK1":
                names(f(2))


kDicomTags = {b"\x10\x00\x10\x00": "name", b"\x10\x00\x20\x00": "id", b"\x10\x00\x30\x00": "date"}


def dicom_phi(stream, phi, origin):
    """PS3.8 section 9.3: PDUs (type, reserved, BE32 length); P-DATA-TF (4) holds PDV items
    (BE32 length, context id, control header: bit 0 command, bit 1 last fragment)."""
    off, sets = 0, {}
    while off + 6 <= len(stream):
        ptype, plen = stream[off], struct.unpack_from("!I", stream, off + 2)[0]
        if ptype not in range(1, 8) or stream[off + 1] != 0:
            return
        if ptype == 4:
            p, end = off + 6, min(off + 6 + plen, len(stream))
            while p + 6 <= end:
                ilen = struct.unpack_from("!I", stream, p)[0]
                ctx, hdr = stream[p + 4], stream[p + 5]
                if not hdr & 1:  # a data set fragment
                    buf = sets.setdefault(ctx, bytearray())
                    if len(buf) < kDicomScan:
                        buf += stream[p + 6:p + 4 + ilen]
                    if hdr & 2:
                        dicom_dataset_phi(bytes(sets.pop(ctx)), phi, origin)
                p += 4 + ilen
        off += 6 + plen
    for buf in sets.values():
        dicom_dataset_phi(bytes(buf), phi, origin)


def dicom_dataset_phi(ds, phi, origin):
    for tag, kind in kDicomTags.items():
        i = ds.find(tag)
        while i >= 0 and i + 8 <= len(ds):
            vr = ds[i + 4:i + 6]
            if vr.isalpha() and vr.isupper():  # explicit VR little endian
                n, start = struct.unpack_from("<H", ds, i + 6)[0], i + 8
            else:  # implicit VR little endian
                n, start = struct.unpack_from("<I", ds, i + 4)[0], i + 8
            if n <= 256:
                value = ds[start:start + n].decode("latin-1").strip(" \0")
                if kind == "name":
                    for group in value.split("="):
                        phi.name(group, group.split("^"), origin)
                        phi.name(" ".join(p for p in group.split("^") if p), [], origin)
                elif kind == "date":
                    phi.date(value, origin)
                else:
                    phi.add(value, origin)
            i = ds.find(tag, i + 4)


def contec_phi(stream, phi, origin):
    """Contec central-station blocks (DOMAIN.md): LE16 length (type byte pair + payload),
    0x05, type; 0x3E patient record: name at 35 (32), number at 67 (32), birth date at 124
    (year 5, month 3, day 3), doctor's name at 0x8D (32)."""
    off = 0
    while off + 4 <= len(stream):
        n = struct.unpack_from("<H", stream, off)[0]
        if stream[off + 2] != 0x05 or n < 2:
            return
        payload = stream[off + 4:off + 2 + n]
        if stream[off + 3] == 0x3E and len(payload) >= 0x8D + 32:

            def text(a, size):
                return payload[a:a + size].split(b"\0")[0].decode("latin-1")

            for a in (35, 0x8D):
                name = text(a, 32)
                phi.name(name, re.split(r"[\s^,]+", name), origin)
            phi.add(text(67, 32), origin)
            y, m, d = text(124, 5), text(129, 3), text(132, 3)
            if y.isdigit() and m.isdigit() and d.isdigit():
                phi.date(f"{int(y):04d}{int(m):02d}{int(d):02d}", origin)
                for sep in "-/.":  # as the record writes it, unpadded ("1986-5-15")
                    phi.add(sep.join((y, m, d)), origin)
        off += 2 + n


def capture_phi(path, origin, public):
    phi = Phi()
    payloads = streams(open_capture(path))
    for s in payloads:
        if b"MSH" in s:
            hl7_phi(s.decode("latin-1"), phi, origin, public)
        dicom_phi(s, phi, origin)
        contec_phi(s, phi, origin)
    return phi, payloads


def read_text(path):
    return Path(path).read_bytes().decode("latin-1")


# ------------------------------------------------------------------------------------------------
# HL7 message files -> capture
# ------------------------------------------------------------------------------------------------


def wrap_hl7_file(src, dst):
    """One TCP connection to port 2575 carrying each message of src MLLP-framed (messages start
    at MSH; a UTF-8 BOM, blank lines and the //-comment lines of hapi's messages.txt dropped)."""
    text = Path(src).read_bytes()
    text = text.replace(b"\xef\xbb\xbf", b"")
    lines = [ln for ln in re.split(rb"\r\n|\r|\n", text) if ln.strip() and not ln.startswith(b"//")]
    msgs, cur = [], []
    for ln in lines:
        if ln.startswith(b"MSH") and cur:
            msgs.append(cur)
            cur = []
        cur.append(ln)
    if cur:
        msgs.append(cur)
    g = gen_traces
    conn = g.TcpConn(g.Host("10.1.2.12", "00:09:fb:12:34:56"),
                     g.Host("10.1.2.200", "00:50:56:aa:bb:cc"), 40000, 2575)
    out = [conn.send(0, g.SYN), conn.send(1, g.SYN | g.ACK), conn.send(0, g.ACK)]
    for m in msgs:
        body = b"\x0b" + b"\r".join(m) + b"\r\x1c\r"
        for i in range(0, len(body), 1400):
            out.append(conn.send(0, g.PSH | g.ACK, body[i:i + 1400]))
    out += [conn.send(0, g.FIN | g.ACK), conn.send(1, g.FIN | g.ACK), conn.send(0, g.ACK)]
    g.write(dst, out)


# ------------------------------------------------------------------------------------------------
# Checking outputs
# ------------------------------------------------------------------------------------------------


def haystack_of(texts, files):
    """Lowercased text of the given strings and files; JSON lines also with strings decoded."""
    parts = [t.lower() for t in texts]
    for path in files:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8", errors="replace")
        parts += [text.lower(), raw.decode("latin-1").lower()]
        docs = [text] if path.endswith(".json") else []
        docs += [line for line in text.splitlines() if line.startswith(("{", "["))]
        for doc in docs:
            try:
                parts.append(json.dumps(json.loads(doc), ensure_ascii=False).lower())
            except ValueError:
                pass
    return "\n".join(parts)


def found(values, haystack):
    """The values present in haystack as whole tokens: not inside a longer run of letters and
    digits ("ill" is not found in "mill/mm3", "doe" is found in "doe^john")."""
    return sorted(v for v in values if v in haystack and
                  re.search(r"(?<![0-9a-z])" + re.escape(v) + r"(?![0-9a-z])", haystack))


@dataclass
class Trace:
    name: str
    capture: str
    phi: Phi
    inputs: list  # the input as text, for the self-check
    public: list  # non-PHI HL7 segments of the input
    extra_outputs: list = field(default_factory=list)  # files written by the simulator
    extra_texts: list = field(default_factory=list)  # the simulator's stdout/stderr
    syslog_format: str = "rfc5424"
    needs_syslog: bool = False  # must raise alerts that reach syslog


@dataclass
class Result:
    problems: list
    excused: list  # (value, why)


class SyslogListener:
    """A UDP syslog server on 127.0.0.1. Loopback datagrams wait in the socket's buffer until
    read, so the messages of a run are read after it: no thread, no waiting."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def stop(self):
        messages = []
        while True:
            try:
                messages.append(self.sock.recv(65535))
            except BlockingIOError:
                break
        self.sock.close()
        return messages


def check(medtap, trace, work):
    res = Result([], [])
    if trace.phi.values and not found(trace.phi.values, haystack_of(trace.inputs, [])):
        res.problems.append(f"{trace.name}: self-check: the matcher finds none of the "
                            f"{len(trace.phi.values)} values in the trace's own input")
    outdir = os.path.join(work, "out", trace.name.replace("/", "__"))
    listener = SyslogListener()
    r = subprocess.run([medtap, "analyze", trace.capture, "-o", outdir, "--syslog",
                        f"udp://127.0.0.1:{listener.port}", "--syslog-format",
                        trace.syslog_format], capture_output=True,
                       text=True, errors="replace", timeout=kMedtapTimeoutS)
    messages = listener.stop()
    if r.returncode not in (0, 2):
        res.problems.append(f"{trace.name}: medtap exited {r.returncode}: {r.stderr[:300]}")
    if trace.needs_syslog and not messages:
        res.problems.append(f"{trace.name}: no alert reached syslog; the syslog check is vacuous")
    syslog_file = os.path.join(work, "syslog", trace.name.replace("/", "__") + ".log")
    os.makedirs(os.path.dirname(syslog_file), exist_ok=True)
    Path(syslog_file).write_bytes(b"\n".join(messages))
    # What `medtap plan isolate` and `medtap export` write from the run's store (issue #8) goes
    # into the output folder too, so that it is searched with the rest.
    db = os.path.join(outdir, "medtap.db")
    if os.path.exists(db):
        for args, name in ((["plan", "isolate", "--format", "text"], "plan.txt"),
                           (["plan", "isolate", "--format", "md"], "plan.md"),
                           (["plan", "isolate", "--format", "json"], "plan.json"),
                           (["export", "nftables"], "medtap.nft"),
                           (["export", "iptables"], "medtap.iptables")):
            e = subprocess.run([medtap, *args, "--db", db], capture_output=True, text=True,
                               errors="replace", timeout=kMedtapTimeoutS)
            if e.returncode != 0:
                res.problems.append(f"{trace.name}: medtap {' '.join(args)} exited "
                                    f"{e.returncode}: {e.stderr[:300]}")
            Path(os.path.join(outdir, name)).write_text(e.stdout + e.stderr)
    files = [p for p in glob.glob(os.path.join(outdir, "**"), recursive=True)
             if os.path.isfile(p)] + [syslog_file]
    for name in ("medtap.db", "report.html", "report.md", "eve.json"):
        if not os.path.exists(os.path.join(outdir, name)) and r.returncode == 0:
            res.problems.append(f"{trace.name}: {name} was not written, so not searched")
    # The output folder's name is ours, not the trace's: medtap prints it.
    said = [re.sub(re.escape(outdir) + r"\S*", "OUT", t) for t in (r.stdout, r.stderr)]
    hay = haystack_of(said + trace.extra_texts, files + trace.extra_outputs)
    public = haystack_of(trace.public, [])
    for v in found(trace.phi.values, hay):
        if found([v], public):
            res.excused.append((v, f"{trace.name}: also in a non-PHI HL7 segment of the input"))
        else:
            res.problems.append(f"{trace.name}: PHI {v!r} in the output")
    return res


def collect(testdata_dirs, work, medtap):
    traces = []
    wrapped = os.path.join(work, "wrapped")
    os.makedirs(wrapped)
    files = sorted(str(p) for p in (ROOT / "tests" / "traces").glob("*") if p.is_file())
    for d in testdata_dirs:
        files += sorted(str(p) for p in Path(d).rglob("*") if p.is_file())
    for path in files:
        rel = os.path.relpath(path, ROOT)
        public = []
        if is_capture(path):
            phi, payloads = capture_phi(path, rel, public)
            traces.append(Trace(rel, path, phi, [p.decode("latin-1") for p in payloads], public))
        elif "hl7" in path.lower():
            phi = Phi()
            text = read_text(path)
            hl7_phi(text.replace("\ufeff", ""), phi, rel, public)
            cap = os.path.join(wrapped, f"{len(traces):04d}.pcap")
            wrap_hl7_file(path, cap)
            traces.append(Trace(rel, cap, phi, [text], public))
    # The simulated ward: its capture is an input; its sidecar and messages are outputs.
    sim = os.path.join(work, "sim")
    os.makedirs(sim)
    pcap = os.path.join(sim, "ward.pcap")
    r = subprocess.run([medtap, "simulate", "-o", pcap] + SIM_ARGS, capture_output=True,
                       text=True, timeout=kMedtapTimeoutS)
    if r.returncode != 0:
        raise SystemExit(f"medtap simulate failed ({r.returncode}): {r.stderr}")
    public = []
    phi, payloads = capture_phi(pcap, "simulated ward", public)
    said = [t.replace(sim, "SIM") for t in (r.stdout, r.stderr)]
    for fmt in ("rfc5424", "cef"):
        traces.append(Trace(f"simulated ward ({fmt} syslog)", pcap, phi,
                            [p.decode("latin-1") for p in payloads], public,
                            [os.path.join(sim, "ward.truth.json")], said, fmt, True))
    return traces


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("medtap")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", help="keep the work folder here")
    args = ap.parse_args()
    medtap = os.path.abspath(args.medtap)
    work = tempfile.mkdtemp(prefix="phi_all_traces.")
    # Patient tokens are keyed by the golden tests' fixed secret (deterministic output); medtap
    # refuses a secret file others can read.
    secret = os.path.join(work, "token-secret.key")
    shutil.copyfile(ROOT / "tests" / "golden" / "token-secret.key", secret)
    os.chmod(secret, 0o600)
    os.environ["MEDTAP_SECRET_FILE"] = secret
    try:
        dirs = [os.path.join(args.shared, d) for d in ("testdata", "data")]
        dirs = [d for d in dirs if os.path.isdir(d)]
        traces = collect(dirs, work, medtap)
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(lambda t: check(medtap, t, work), traces))
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    failures = [p for r in results for p in r.problems]
    values = Phi()
    for t in traces:
        values.merge(t.phi)
    with_phi = [t for t in traces if t.phi.values]
    print(f"{len(traces)} traces, {len(with_phi)} holding PHI: {len(values.values)} distinct "
          f"values checked (names, name components, identifiers, birth dates; "
          f"{len(values.too_short)} shorter than {kMinLength} characters not checked)")
    for t in with_phi:
        print(f"  {len(t.phi.values):4d}  {t.name}")
    for r in results:
        for v, why in r.excused:
            print(f"excused {v!r}: {why}")
    for p in failures:
        print("FAIL", p)
    print(f"phi_all_traces: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
