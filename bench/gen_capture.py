#!/usr/bin/env python3
"""Writes a ward-like benchmark capture (classic pcap, Ethernet) of about a given size.

The traffic is a hospital ward as seen from a SPAN port, by bytes mostly imaging, by flows mostly
HL7:
  * bedside monitors send HL7 v2 ORU^R01 observation messages over MLLP (TCP 2575) to an
    interface engine: one connection per batch of 1-20 messages, each message a few hundred bytes
    to a few KB (3-40 OBX vitals with MDC codes), each answered by an HL7 ACK; full TCP handshake,
    delayed ACKs and FIN teardown;
  * modalities push images to the PACS over DICOM (TCP 104) as stand-ins for C-STORE: an
    A-ASSOCIATE-RQ/AC exchange, then 256 KB - 8 MB of P-DATA-TF PDUs in 1460-byte segments with an
    ACK every second segment, then A-RELEASE;
  * every host resolves names over DNS (UDP 53): one query, one answer.
Everything is synthetic: patient identifiers are made-up tokens (`SYNTH000123`), no real person.

Deterministic: the same --seed and --size give the same bytes (random.Random(seed), packet time
from a fixed start, never the wall clock). Checksums (IPv4, TCP, UDP) are correct.

Efficient: each flow builds its Ethernet/IPv4/TCP or UDP header template once per direction and
patches the varying fields into it; checksums are computed from per-direction partial sums plus
one big-integer reduction of the payload; records are written in multi-megabyte chunks.
About 1 GB a minute on one core of a current machine.

Usage: gen_capture.py OUTPUT.pcap [--size 1G] [--seed 1] [--concurrency 64]
"""

import argparse
import random
import struct
import sys

kSnapLen = 262144
kLinkTypeEthernet = 1
kMss = 1460
kMllpStart, kMllpEnd = b"\x0b", b"\x1c\x0d"
kHl7Port, kDicomPort, kDnsPort = 2575, 104, 53
kStartTimeUs = 1764064800 * 1000000  # 2025-11-25T10:00:00Z: fixed, never the wall clock
kLinkBitsPerUs = 400                 # the SPAN link runs at about 400 Mbit/s while busy
kFlushBytes = 8 << 20                # write in chunks of this many bytes

_ETH_IP_TCP = struct.Struct("!6s6sH BBHHHBBH4s4s HHIIBBHHH")
_ETH_IP_UDP = struct.Struct("!6s6sH BBHHHBBH4s4s HHHH")
_REC = struct.Struct("<IIII")
_TCP_OFF = 14 + 20


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().rstrip("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def word_sum(data):
    """One's complement sum of `data` as big-endian 16-bit words, reduced modulo 0xFFFF (RFC 1071:
    2^16 = 1 mod 0xFFFF, so the integer value of the bytes reduces to the same sum)."""
    value = int.from_bytes(data, "big")
    if len(data) & 1:
        value <<= 8
    return value % 0xFFFF


def ip4(text):
    return bytes(int(x) for x in text.split("."))


def words(b):
    return sum(int.from_bytes(b[i:i + 2], "big") for i in range(0, len(b), 2))


class Writer:
    """Buffers pcap records and keeps the packet clock."""

    def __init__(self, out, rng):
        self.out = out
        self.rng = rng
        self.buf = bytearray()
        self.written = 0
        self.packets = 0
        self.now_us = kStartTimeUs
        self.buf += struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, kSnapLen, kLinkTypeEthernet)

    def add(self, frame):
        n = len(frame)
        # Wire time at the link rate plus a little jitter, so that packet times never repeat.
        self.now_us += n * 8 // kLinkBitsPerUs + 1 + (self.rng.getrandbits(3))
        self.buf += _REC.pack(self.now_us // 1000000, self.now_us % 1000000, n, n)
        self.buf += frame
        self.packets += 1
        if len(self.buf) >= kFlushBytes:
            self.flush()

    def size(self):
        return self.written + len(self.buf)

    def flush(self):
        self.out.write(self.buf)
        self.written += len(self.buf)
        self.buf = bytearray()


class TcpSide:
    """One direction of a TCP connection: a header template and the partial checksums."""

    def __init__(self, smac, dmac, sip, dip, sport, dport, isn):
        self.template = bytearray(_ETH_IP_TCP.pack(
            dmac, smac, 0x0800, 0x45, 0, 0, 0, 0x4000, 64, 6, 0, sip, dip,
            sport, dport, 0, 0, 5 << 4, 0, 64240, 0, 0))
        self.ip_sum = words(self.template[14:34])            # length, id, checksum still 0
        self.pseudo_sum = words(sip) + words(dip) + 6 + sport + dport + 64240
        self.seq = isn
        self.ip_id = isn & 0xFFFF

    def frame(self, flags, ack, payload=b"", options=b""):
        hlen = 20 + len(options)
        tcp_len = hlen + len(payload)
        total = 20 + tcp_len
        f = self.template + options + payload if options or payload else bytearray(self.template)
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        s = self.ip_sum + total + self.ip_id
        struct.pack_into("!HH", f, 16, total, self.ip_id)
        struct.pack_into("!H", f, 24, 0xFFFF - s % 0xFFFF)
        off_flags = (hlen // 4) << 12 | flags
        seq = self.seq
        s = (self.pseudo_sum + tcp_len + (seq >> 16) + (seq & 0xFFFF) + (ack >> 16) +
             (ack & 0xFFFF) + off_flags)
        if options:
            s += word_sum(options)
        if payload:
            s += word_sum(payload)
        struct.pack_into("!IIH", f, _TCP_OFF + 4, seq, ack, off_flags)
        struct.pack_into("!H", f, _TCP_OFF + 16, 0xFFFF - s % 0xFFFF)
        self.seq = (seq + len(payload) + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        return f


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
_SYN_OPTIONS = b"\x02\x04\x05\xb4\x04\x02\x01\x03\x03\x07"  + b"\x00\x00"  # MSS 1460, SACK ok, wscale 7


class Hosts:
    def __init__(self, rng):
        self.rng = rng

        def mac(i):
            return bytes([0x02, 0x00, 0x5E, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])

        self.engine = ("10.20.0.10", mac(10))
        self.pacs = ("10.20.0.20", mac(20))
        self.dns = ("10.20.0.53", mac(53))
        self.monitors = [("10.20.1.%d" % i, mac(0x100 + i)) for i in range(1, 49)]
        self.modalities = [("10.20.2.%d" % i, mac(0x200 + i)) for i in range(1, 7)]
        self.workstations = [("10.20.3.%d" % i, mac(0x300 + i)) for i in range(1, 25)]
        self.all_clients = self.monitors + self.modalities + self.workstations
        self.next_port = {}

    def port(self, ip):
        p = self.next_port.get(ip, 32768 + self.rng.randrange(20000))
        self.next_port[ip] = 32768 + (p - 32768 + 1) % 28000
        return p


def tcp_pair(rng, client, server, sport, dport):
    c = TcpSide(client[1], server[1], ip4(client[0]), ip4(server[0]), sport, dport,
                rng.getrandbits(32))
    s = TcpSide(server[1], client[1], ip4(server[0]), ip4(client[0]), dport, sport,
                rng.getrandbits(32))
    return c, s


def handshake(c, s):
    yield c.frame(SYN, 0, options=_SYN_OPTIONS)
    yield s.frame(SYN | ACK, c.seq, options=_SYN_OPTIONS)
    yield c.frame(ACK, s.seq)


def teardown(c, s):
    yield c.frame(FIN | ACK, s.seq)
    yield s.frame(FIN | ACK, c.seq)
    yield c.frame(ACK, s.seq)


def send_stream(tx, rx, data, ack_every=2):
    """Segments `data` from tx to rx at the MSS; rx acknowledges every `ack_every` segments and
    at the end."""
    view = memoryview(data)
    unacked = 0
    for off in range(0, len(data), kMss):
        chunk = view[off:off + kMss]
        last = off + kMss >= len(data)
        yield tx.frame(ACK | (PSH if last else 0), rx.seq, chunk)
        unacked += 1
        if unacked >= ack_every or last:
            yield rx.frame(ACK, tx.seq)
            unacked = 0


_VITALS = (  # (MDC code, name, unit code, unit, low, high)
    ("147842", "MDC_ECG_HEART_RATE", "264864", "MDC_DIM_BEAT_PER_MIN", 50, 130),
    ("150456", "MDC_PULS_OXIM_SAT_O2", "262688", "MDC_DIM_PERCENT", 88, 100),
    ("151562", "MDC_RESP_RATE", "264928", "MDC_DIM_RESP_PER_MIN", 8, 30),
    ("150021", "MDC_PRESS_BLD_NONINV_SYS", "266016", "MDC_DIM_MMHG", 90, 170),
    ("150022", "MDC_PRESS_BLD_NONINV_DIA", "266016", "MDC_DIM_MMHG", 50, 100),
    ("150344", "MDC_TEMP", "268192", "MDC_DIM_DEGC", 35, 40),
    ("149538", "MDC_PULS_OXIM_PULS_RATE", "264864", "MDC_DIM_BEAT_PER_MIN", 50, 130),
)


def hl7_oru(rng, bed, control_id, ts):
    """An ORU^R01 from a bedside monitor: synthetic identifiers only."""
    segs = [
        "MSH|^~\\&|MONITOR|WARD3^BED%02d|ENGINE|HOSP|%s||ORU^R01^ORU_R01|MSG%09d|P|2.6|||AL|NE"
        "||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO" % (bed, ts, control_id),
        "PID|||SYNTH%06d^^^HOSP^MR||SYNTHETIC^PATIENT^%02d^^^^L||19700101|U" % (bed * 1000 + 7, bed),
        "PV1||I|WARD3^^BED%02d" % bed,
        "OBR|1|MSG%09d^MONITOR|MSG%09d^ENGINE|182777000^monitoring of patient^SNOMED-CT|||%s"
        % (control_id, control_id, ts),
    ]
    n = rng.randint(3, 40)
    for i in range(1, n + 1):
        code, name, ucode, unit, lo, hi = _VITALS[i % len(_VITALS)]
        segs.append("OBX|%d|NM|%s^%s^MDC|1.3.1.%d|%d|%s^%s^MDC|%d-%d||||R|||%s|||0123456789ABCDEF"
                    "^MONITOR_MDS^EUI-64" % (i, code, name, i, rng.randint(lo, hi), ucode, unit,
                                             lo, hi, ts))
    return kMllpStart + ("\r".join(segs) + "\r").encode() + kMllpEnd


def hl7_ack(control_id, ts):
    msg = ("MSH|^~\\&|ENGINE|HOSP|MONITOR|WARD3|%s||ACK^R01^ACK|ACK%09d|P|2.6\r"
           "MSA|AA|MSG%09d\r" % (ts, control_id, control_id))
    return kMllpStart + msg.encode() + kMllpEnd


def hl7_session(rng, hosts, counter):
    bed = rng.randrange(len(hosts.monitors))
    client = hosts.monitors[bed]
    c, s = tcp_pair(rng, client, hosts.engine, hosts.port(client[0]), kHl7Port)
    yield from handshake(c, s)
    for _ in range(rng.randint(1, 20)):
        counter[0] += 1
        ts = "20251125%06d" % (100000 + counter[0] % 140000)
        yield from send_stream(c, s, hl7_oru(rng, bed + 1, counter[0], ts), ack_every=1 << 30)
        yield s.frame(ACK | PSH, c.seq, hl7_ack(counter[0], ts))
        yield c.frame(ACK, s.seq)
    yield from teardown(c, s)


def ae_title(name):
    return name.encode().ljust(16)


def dicom_associate_rq(calling, called):
    # PS3.8 9.3.2: PDU type 1, version 1, called/calling AE, application context, one
    # presentation context (CT Image Storage, implicit VR little endian), user information.
    def item(t, body):
        return struct.pack("!BBH", t, 0, len(body)) + body

    app_ctx = item(0x10, b"1.2.840.10008.3.1.1.1")
    pres = item(0x20, b"\x01\x00\x00\x00" + item(0x30, b"1.2.840.10008.5.1.4.1.1.2") +
                item(0x40, b"1.2.840.10008.1.2"))
    user = item(0x50, item(0x51, struct.pack("!I", 16384)) +
                item(0x52, b"1.2.826.0.1.3680043.9.9999.1") + item(0x55, b"BENCH_MODALITY"))
    body = struct.pack("!HH", 1, 0) + ae_title(called) + ae_title(calling) + bytes(32)
    body += app_ctx + pres + user
    return struct.pack("!BBI", 0x01, 0, len(body)) + body


def dicom_associate_ac(called, calling):
    # PS3.8 9.3.3: PDU type 2; the presentation context accepted (result 0) with its transfer syntax.
    def item(t, body):
        return struct.pack("!BBH", t, 0, len(body)) + body

    pres = item(0x21, b"\x01\x00\x00\x00" + item(0x40, b"1.2.840.10008.1.2"))
    user = item(0x50, item(0x51, struct.pack("!I", 16384)) +
                item(0x52, b"1.2.826.0.1.3680043.9.9999.2") + item(0x55, b"BENCH_PACS"))
    body = struct.pack("!HH", 1, 0) + ae_title(called) + ae_title(calling) + bytes(32)
    body += item(0x10, b"1.2.840.10008.3.1.1.1") + pres + user
    return struct.pack("!BBI", 0x02, 0, len(body)) + body


class PixelData:
    """A seeded block of image-like bytes, sliced into PDU payloads."""

    def __init__(self, rng):
        self.block = rng.randbytes(1 << 16) * 2

    def pdata_stream(self, rng, total):
        pdu_payload = 16384 - 6           # PDV header: length(4) + context id(1) + control(1)
        parts = []
        sent = 0
        while sent < total:
            n = min(pdu_payload, total - sent)
            start = rng.randrange(1 << 16)
            last = sent + n >= total
            pdv = struct.pack("!IBB", n + 2, 1, 0x02 if last else 0x00) + self.block[start:start + n]
            parts.append(struct.pack("!BBI", 0x04, 0, len(pdv)) + pdv)
            sent += n
        return b"".join(parts)


def dicom_session(rng, hosts, pixels):
    client = hosts.modalities[rng.randrange(len(hosts.modalities))]
    c, s = tcp_pair(rng, client, hosts.pacs, hosts.port(client[0]), kDicomPort)
    yield from handshake(c, s)
    calling = "CT%s" % client[0].rsplit(".", 1)[1]
    yield from send_stream(c, s, dicom_associate_rq(calling, "PACS"))
    yield from send_stream(s, c, dicom_associate_ac("PACS", calling))
    # Log-uniform between 256 KB and 8 MB: a few images to a small series.
    total = int(2 ** rng.uniform(18, 23)) & ~1  # PDV lengths stay even (PS3.8 9.3.5.1)
    yield from send_stream(c, s, pixels.pdata_stream(rng, total))
    yield from send_stream(c, s, b"\x05\x00\x00\x00\x00\x04\x00\x00\x00\x00")  # A-RELEASE-RQ
    yield from send_stream(s, c, b"\x06\x00\x00\x00\x00\x04\x00\x00\x00\x00")  # A-RELEASE-RP
    yield from teardown(c, s)


_NAMES = ("pacs", "engine", "ntp", "ldap", "epic-gw", "printer3", "update", "time", "auth")


def dns_name(rng):
    return "%s%02d.ward3.hospital.example" % (rng.choice(_NAMES), rng.randrange(16))


def encode_qname(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"


def udp_frame(smac, dmac, sip, dip, sport, dport, payload, ip_id):
    udp_len = 8 + len(payload)
    total = 20 + udp_len
    f = bytearray(_ETH_IP_UDP.pack(dmac, smac, 0x0800, 0x45, 0, total, ip_id, 0, 64, 17, 0, sip,
                                   dip, sport, dport, udp_len, 0)) + payload
    s = words(f[14:34])
    struct.pack_into("!H", f, 24, 0xFFFF - s % 0xFFFF)
    s = words(sip) + words(dip) + 17 + udp_len + sport + dport + udp_len + word_sum(payload)
    struct.pack_into("!H", f, 40, 0xFFFF - s % 0xFFFF)
    return f


def dns_exchange(rng, hosts):
    client = hosts.all_clients[rng.randrange(len(hosts.all_clients))]
    sport = hosts.port(client[0])
    txid = rng.getrandbits(16)
    question = encode_qname(dns_name(rng)) + b"\x00\x01\x00\x01"
    query = struct.pack("!HHHHHH", txid, 0x0100, 1, 0, 0, 0) + question
    answer = (struct.pack("!HHHHHH", txid, 0x8180, 1, 1, 0, 0) + question +
              b"\xc0\x0c\x00\x01\x00\x01" + struct.pack("!IH", 300, 4) +
              bytes([10, 20, rng.randrange(4), rng.randrange(1, 255)]))
    cip, sip = ip4(client[0]), ip4(hosts.dns[0])
    yield udp_frame(client[1], hosts.dns[1], cip, sip, sport, kDnsPort, query, txid)
    yield udp_frame(hosts.dns[1], client[1], sip, cip, kDnsPort, sport, answer, txid ^ 0x5A5A)


def generate(out, size, seed, concurrency):
    rng = random.Random(seed)
    writer = Writer(out, rng)
    hosts = Hosts(rng)
    pixels = PixelData(rng)
    counter = [0]
    # Flow mix by starts: HL7 sessions most, DNS lookups next, DICOM transfers few but large
    # (about three quarters of the bytes).
    kinds = ("hl7",) * 60 + ("dns",) * 37 + ("dicom",) * 3

    def start():
        kind = rng.choice(kinds)
        if kind == "hl7":
            return hl7_session(rng, hosts, counter)
        if kind == "dicom":
            return dicom_session(rng, hosts, pixels)
        return dns_exchange(rng, hosts)

    active = [start() for _ in range(concurrency)]
    flows = concurrency
    while writer.size() < size:
        i = rng.randrange(concurrency)
        # A few packets of one flow at a time, as bursts interleave on a real link.
        for _ in range(rng.randint(1, 4)):
            frame = next(active[i], None)
            if frame is None:
                active[i] = start()
                flows += 1
                break
            writer.add(frame)
    writer.flush()
    return writer.packets, writer.written, flows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output")
    parser.add_argument("--size", default="1G", help="about this many bytes (K, M, G suffixes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=64, help="flows interleaved at once")
    args = parser.parse_args()
    with open(args.output, "wb") as out:
        packets, written, flows = generate(out, parse_size(args.size), args.seed, args.concurrency)
    print("%s: %d packets, %d bytes, %d flows started" % (args.output, packets, written, flows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
