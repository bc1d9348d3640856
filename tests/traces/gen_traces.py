#!/usr/bin/env python3
"""Writes the small golden-test captures in this folder. Deterministic: no clock, no randomness.

    python3 tests/traces/gen_traces.py tests/traces

Every patient in these traces is synthetic (TEST^PATIENT...). Each trace exercises one part of
the engine; tests/golden/<trace>.eve.json holds what medtap must write for it.
"""
import struct
import sys
from pathlib import Path

T0 = 1764064800  # 2025-11-25T10:00:00Z


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a: str) -> bytes:
    return bytes(int(x) for x in a.split("."))


def mac(m: str) -> bytes:
    return bytes(int(x, 16) for x in m.split(":"))


class Pcap:
    def __init__(self, path: Path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def write(self, t: float, frame: bytes, caplen=None):
        sec = int(t)
        usec = int(round((t - sec) * 1e6))
        data = frame if caplen is None else frame[:caplen]
        self.f.write(struct.pack("<IIII", sec, usec, len(data), len(frame)))
        self.f.write(data)

    def close(self):
        self.f.close()


def ether(src, dst, ethertype, payload, vlans=()):
    hdr = mac(dst) + mac(src)
    for v in vlans:
        hdr += struct.pack("!HH", 0x8100, v)
    return hdr + struct.pack("!H", ethertype) + payload


def ipv4(src, dst, proto, payload, ident=1, flags_frag=0x4000, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_frag, ttl, proto, 0,
                      ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", win=64240):
    off = 5 << 12
    hdr = struct.pack("!HHIIHHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, off | flags, win, 0, 0)
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
    c = csum(pseudo + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def udp(src, dst, sport, dport, payload):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, 8 + len(payload))
    c = csum(pseudo + hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + payload


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class Host:
    def __init__(self, ip, mac_):
        self.ip, self.mac = ip, mac_


class TcpConn:
    """One TCP connection; segments are produced as frames for the caller to order and write."""

    def __init__(self, client: Host, server: Host, sport, dport, isn_c=1000, isn_s=50000):
        self.c, self.s, self.sport, self.dport = client, server, sport, dport
        self.seq = {0: isn_c, 1: isn_s}

    def frame(self, d, flags, payload=b"", seq=None, vlans=()):
        a, b = (self.c, self.s) if d == 0 else (self.s, self.c)
        sp, dp = (self.sport, self.dport) if d == 0 else (self.dport, self.sport)
        s = self.seq[d] if seq is None else seq
        ack = self.seq[1 - d] if flags & ACK else 0
        seg = tcp(a.ip, b.ip, sp, dp, s, ack, flags, payload)
        return ether(a.mac, b.mac, 0x0800, ipv4(a.ip, b.ip, 6, seg), vlans)

    def send(self, d, flags, payload=b""):
        f = self.frame(d, flags, payload)
        self.seq[d] += len(payload) + (1 if flags & (SYN | FIN) else 0)
        return f


def mllp(msg: str) -> bytes:
    return b"\x0b" + msg.encode() + b"\x1c\x0d"


def oru(n: int, hr: int) -> str:
    segs = [
        f"MSH|^~\\&|MONITOR^0012345678ABCDEF^EUI-64|WARD3|CENTRAL|HOSPITAL|20251125100{n}00||ORU^R01^ORU_R01|MSG{n:04d}|P|2.6",
        f"PID|||TEST{n:03d}^^^HOSP^MR||TEST^PATIENT{n}||19700101|U",
        "PV1||I|WARD3^^BED12",
        f"OBR|1|||182777000^monitoring of patient^SCT|||2025112510{n:02d}00",
        f"OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC||{hr}|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R",
        "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||97|262688^MDC_DIM_PERCENT^MDC|||||R",
    ]
    return "\r".join(segs) + "\r"


def ack(n: int) -> str:
    return (f"MSH|^~\\&|CENTRAL|HOSPITAL|MONITOR|WARD3|20251125100{n}01||ACK^R01^ACK|ACK{n:04d}|P|2.6\r"
            f"MSA|AA|MSG{n:04d}\r")


MONITOR = Host("10.1.2.12", "00:09:fb:12:34:56")
CENTRAL = Host("10.1.2.200", "00:50:56:aa:bb:cc")


def hl7_session(conn: TcpConn, split_second=True):
    """Frames of a whole HL7 session: handshake, 4 ORU (one split across 3 segments, two in one
    segment), ACKs, FIN/ACK both ways."""
    out = [conn.send(0, SYN), conn.send(1, SYN | ACK), conn.send(0, ACK)]
    m1, m2, m3, m4 = (mllp(oru(i, 70 + i)) for i in range(1, 5))
    out.append(conn.send(0, PSH | ACK, m1))
    out.append(conn.send(1, PSH | ACK, mllp(ack(1))))
    if split_second:
        out.append(conn.send(0, ACK, m2[:40]))
        out.append(conn.send(0, ACK, m2[40:130]))
        out.append(conn.send(0, PSH | ACK, m2[130:]))
    else:
        out.append(conn.send(0, PSH | ACK, m2))
    out.append(conn.send(1, PSH | ACK, mllp(ack(2))))
    out.append(conn.send(0, PSH | ACK, m3 + m4))
    out.append(conn.send(1, PSH | ACK, mllp(ack(3)) + mllp(ack(4))))
    out.append(conn.send(0, FIN | ACK))
    out.append(conn.send(1, FIN | ACK))
    out.append(conn.send(0, ACK))
    return out


def write(path, frames, step=0.01):
    p = Pcap(path)
    for i, f in enumerate(frames):
        p.write(T0 + i * step, f)
    p.close()


def trace_hl7_mllp(d: Path):
    """An HL7 session in order: the whole path from framing to the hl7 events."""
    write(d / "hl7_mllp.pcap", hl7_session(TcpConn(MONITOR, CENTRAL, 40001, 2575)))


def trace_hl7_reordered(d: Path):
    """The same session on port 6661 with the split message's segments reordered, one segment
    duplicated and one retransmitted with different bytes (first copy wins)."""
    frames = hl7_session(TcpConn(MONITOR, CENTRAL, 40002, 6661))
    # frames: 0 SYN,1 SYNACK,2 ACK,3 m1,4 ack1,5 m2a,6 m2b,7 m2c,8 ack2,9 m3+m4,...
    conn = TcpConn(MONITOR, CENTRAL, 40002, 6661)
    # A conflicting copy of segment 6 (m2b): same sequence numbers, different bytes.
    seq_m2b = 1000 + 1 + len(mllp(oru(1, 71))) + 40
    conn.seq[1] = 50000 + 1 + len(mllp(ack(1)))
    evil = conn.frame(0, ACK, b"X" * 90, seq=seq_m2b)
    reordered = frames[:5] + [frames[7], frames[6], frames[7], evil, frames[5]] + frames[8:]
    write(d / "hl7_reordered.pcap", reordered)


def trace_hl7_gap(d: Path):
    """A session whose second message loses its middle segment on the capture: the server's ACK
    covers bytes the sensor never saw, so the stream has a gap; the framer resynchronises and
    the messages after the gap still decode."""
    frames = hl7_session(TcpConn(MONITOR, CENTRAL, 40003, 2575))
    write(d / "hl7_gap.pcap", frames[:6] + frames[7:])


def trace_mixed(d: Path):
    """VLANs, UDP, ICMP, ARP, a TCP flow picked up mid-stream, and a truncated packet."""
    a, b = Host("10.1.3.20", "00:11:22:33:44:01"), Host("10.1.3.53", "00:11:22:33:44:02")
    frames = []
    # The same UDP tuple on VLAN 100 and VLAN 200: two flows.
    for v in (100, 200):
        payload = udp(a.ip, b.ip, 41000, 6000, b"vlan%d" % v)
        frames.append(ether(a.mac, b.mac, 0x0800, ipv4(a.ip, b.ip, 17, payload), vlans=(v,)))
    # QinQ: outer 300, inner 10.
    frames.append(ether(a.mac, b.mac, 0x0800, ipv4(a.ip, b.ip, 17, udp(a.ip, b.ip, 41000, 6000, b"qinq")), vlans=(300, 10)))
    # DNS query and response for a synthetic name.
    q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\x04pacs\x04ward\x05local\x00" + struct.pack("!HH", 1, 1)
    r = struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0) + q[12:] + b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + ip4("10.1.9.9")
    frames.append(ether(a.mac, b.mac, 0x0800, ipv4(a.ip, b.ip, 17, udp(a.ip, b.ip, 53001, 53, q))))
    frames.append(ether(b.mac, a.mac, 0x0800, ipv4(b.ip, a.ip, 17, udp(b.ip, a.ip, 53, 53001, r))))
    # ICMP echo request and reply.
    echo = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"ping"
    echo = echo[:2] + struct.pack("!H", csum(echo)) + echo[4:]
    reply = struct.pack("!BBHHH", 0, 0, 0, 7, 1) + b"ping"
    reply = reply[:2] + struct.pack("!H", csum(reply)) + reply[4:]
    frames.append(ether(a.mac, b.mac, 0x0800, ipv4(a.ip, b.ip, 1, echo)))
    frames.append(ether(b.mac, a.mac, 0x0800, ipv4(b.ip, a.ip, 1, reply)))
    # ARP request and reply.
    arp_req = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac(a.mac) + ip4(a.ip) + bytes(6) + ip4(b.ip)
    arp_rep = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac(b.mac) + ip4(b.ip) + mac(a.mac) + ip4(a.ip)
    frames.append(ether(a.mac, "ff:ff:ff:ff:ff:ff", 0x0806, arp_req))
    frames.append(ether(b.mac, a.mac, 0x0806, arp_rep))
    # A TCP flow picked up mid-stream: no handshake, data both ways.
    conn = TcpConn(a, b, 51000, 8080, isn_c=777777, isn_s=999999)
    frames.append(conn.send(0, PSH | ACK, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
    frames.append(conn.send(1, PSH | ACK, b"HTTP/1.1 204 No Content\r\n\r\n"))
    # An IPv4 packet whose header claims more bytes than it has.
    bad = bytearray(ipv4(a.ip, b.ip, 17, udp(a.ip, b.ip, 1, 2, b"x")))
    bad[2:4] = struct.pack("!H", 400)
    frames.append(ether(a.mac, b.mac, 0x0800, bytes(bad)))
    write(d / "mixed.pcap", frames, step=0.5)


def main():
    d = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    d.mkdir(parents=True, exist_ok=True)
    trace_hl7_mllp(d)
    trace_hl7_reordered(d)
    trace_hl7_gap(d)
    trace_mixed(d)


if __name__ == "__main__":
    main()
