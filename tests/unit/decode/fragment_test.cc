// IPv4 fragment reassembly through the Decoder: order, duplicates, overlaps, limits.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "packet_builder.h"

namespace medtap::decode {
namespace {

using capture::LinkType;
using namespace test;

constexpr Timestamp kT0 = Timestamp::fromSeconds(1700000000);
constexpr Duration kMs{1'000'000};

// One fragment of `datagram` (the whole IP payload): bytes [offset, offset + len).
struct Piece {
  size_t offset;
  size_t len;
  bool more;
};

Buf fragmentPacket(const Buf& datagram, Piece p, uint16_t id = 0x4242, uint8_t proto = 17,
                   uint32_t src = 0x0a000001) {
  Ipv4Spec spec;
  spec.src = src;
  spec.proto = proto;
  spec.id = id;
  spec.flags_offset = static_cast<uint16_t>((p.offset / 8) | (p.more ? 0x2000 : 0));
  const Buf body(datagram.begin() + static_cast<ptrdiff_t>(p.offset),
                 datagram.begin() + static_cast<ptrdiff_t>(p.offset + p.len));
  return ethernet(kTypeIpv4, ipv4(spec, body));
}

// A UDP datagram of 8 + n bytes with a recognisable payload.
Buf udpDatagram(size_t n, uint8_t seed = 3) {
  return udp(40000, 161, filled(n, seed));
}

// Splits a datagram into pieces of `size` bytes (a multiple of 8).
std::vector<Piece> split(size_t total, size_t size) {
  std::vector<Piece> pieces;
  for (size_t off = 0; off < total; off += size) {
    pieces.push_back({off, std::min(size, total - off), off + size < total});
  }
  return pieces;
}

void expectReassembledUdp(const Harness& h, const Buf& datagram) {
  EXPECT_TRUE(h.out.reassembled);
  EXPECT_FALSE(h.out.fragment);
  EXPECT_TRUE(h.out.has_l4);
  EXPECT_EQ(h.out.src_port, 40000);
  EXPECT_EQ(h.out.dst_port, 161);
  EXPECT_EQ(h.payload(), Buf(datagram.begin() + 8, datagram.end()));
}

TEST(Fragments, InOrder) {
  const Buf dgram = udpDatagram(3000);
  const auto pieces = split(dgram.size(), 1480);
  ASSERT_EQ(pieces.size(), 3u);
  Harness h;
  for (size_t i = 0; i + 1 < pieces.size(); ++i) {
    const Buf pkt = fragmentPacket(dgram, pieces[i]);
    ASSERT_EQ(h.run(pkt), DecodeResult::Incomplete);
    // Enough for the caller to count the packet.
    EXPECT_TRUE(h.out.fragment);
    EXPECT_FALSE(h.out.reassembled);
    EXPECT_FALSE(h.out.has_l4);
    EXPECT_EQ(h.out.l3, L3::Ipv4);
    EXPECT_EQ(h.out.src_ip.toString(), "10.0.0.1");
    EXPECT_EQ(h.out.ip_proto, 17);
  }
  const Buf last = fragmentPacket(dgram, pieces.back());
  ASSERT_EQ(h.run(last), DecodeResult::Ok);
  expectReassembledUdp(h, dgram);
  EXPECT_EQ(h.out.cap_len, last.size());  // the packet that completed it
  EXPECT_EQ(h.anomalies.total(), 0u);

  // The reassembled view lives in the decoder's own buffer, not in the packet.
  const uint8_t* view = h.out.payload.data();
  EXPECT_TRUE(view < h.packet.data() || view >= h.packet.data() + h.packet.size());
}

TEST(Fragments, OutOfOrderInManyShuffles) {
  const Buf dgram = udpDatagram(5000);
  auto pieces = split(dgram.size(), 512);
  std::mt19937 rng(20240601);
  for (int round = 0; round < 50; ++round) {
    std::shuffle(pieces.begin(), pieces.end(), rng);
    Harness h;
    for (size_t i = 0; i < pieces.size(); ++i) {
      const DecodeResult r = h.run(fragmentPacket(dgram, pieces[i]));
      if (i + 1 < pieces.size()) {
        ASSERT_EQ(r, DecodeResult::Incomplete) << round << " " << i;
      } else {
        ASSERT_EQ(r, DecodeResult::Ok) << round;
        expectReassembledUdp(h, dgram);
      }
    }
    EXPECT_EQ(h.anomalies.total(), 0u);
  }
}

TEST(Fragments, DuplicatesAndIdenticalOverlapsAreQuiet) {
  const Buf dgram = udpDatagram(2000);
  Harness h;
  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 800, true})), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 800, true})), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(dgram, {400, 800, true})), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(dgram, {1600, 408, false})), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(dgram, {1600, 408, false})), DecodeResult::Incomplete);
  ASSERT_EQ(h.run(fragmentPacket(dgram, {1200, 408, true})), DecodeResult::Ok);
  expectReassembledUdp(h, dgram);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(Fragments, DifferingOverlapKeepsTheFirstCopy) {
  const Buf dgram = udpDatagram(1000);
  Buf forged = dgram;
  for (size_t i = 400; i < 600; ++i) forged[i] ^= 0xff;
  Harness h;
  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 504, true})), DecodeResult::Incomplete);
  // Claims bytes 400-599 differently; only 504-599 are new and those differ from nothing.
  EXPECT_EQ(h.run(fragmentPacket(forged, {400, 608, false})), DecodeResult::Ok);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4FragmentOverlap));
  Buf expected = dgram;
  for (size_t i = 504; i < 600; ++i) expected[i] ^= 0xff;  // the hole was filled by the forgery
  EXPECT_EQ(h.payload(), Buf(expected.begin() + 8, expected.end()));
}

TEST(Fragments, LaterFragmentCannotRewriteHeldBytes) {
  const Buf dgram = udpDatagram(1000);
  Buf forged = dgram;
  forged[8] = 'X';  // first payload byte
  Harness h;
  EXPECT_EQ(h.run(fragmentPacket(dgram, {504, 504, false})), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 504, true})), DecodeResult::Ok);
  EXPECT_EQ(h.payload()[0], dgram[8]);
  // A new datagram with the same key starts fresh after completion.
  EXPECT_EQ(h.run(fragmentPacket(forged, {0, 504, true})), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 504, true})), DecodeResult::Incomplete);
  EXPECT_EQ(h.anomalies.get(Anomaly::Ipv4FragmentOverlap), 1u);
  EXPECT_EQ(h.run(fragmentPacket(dgram, {504, 504, false})), DecodeResult::Ok);
  EXPECT_EQ(h.payload()[0], 'X');  // first copy wins
}

TEST(Fragments, InterleavedDatagramsStayApart) {
  const Buf a = udpDatagram(1500, 1);
  const Buf b = udpDatagram(1500, 2);
  const auto pieces = split(a.size(), 760);
  Harness h;
  // Same id, different protocol and different source: three separate datagrams.
  EXPECT_EQ(h.run(fragmentPacket(a, pieces[0], 7, 17)), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(b, pieces[0], 7, 6)), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(b, pieces[0], 7, 17, 0x0a000009)), DecodeResult::Incomplete);
  ASSERT_EQ(h.run(fragmentPacket(a, pieces[1], 7, 17)), DecodeResult::Ok);
  expectReassembledUdp(h, a);
  ASSERT_EQ(h.run(fragmentPacket(b, pieces[1], 7, 17, 0x0a000009)), DecodeResult::Ok);
  expectReassembledUdp(h, b);
  EXPECT_EQ(h.out.src_ip.toString(), "10.0.0.9");
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(Fragments, ReassembledTcp) {
  const Buf dgram = tcp({}, filled(2000, 4));
  Harness h;
  EXPECT_EQ(h.run(fragmentPacket(dgram, {1000, dgram.size() - 1000, false}, 9, 6)),
            DecodeResult::Incomplete);
  ASSERT_EQ(h.run(fragmentPacket(dgram, {0, 1000, true}, 9, 6)), DecodeResult::Ok);
  EXPECT_TRUE(h.out.reassembled);
  EXPECT_EQ(h.out.dst_port, 2575);
  EXPECT_EQ(h.out.tcp_seq, 0x01020304u);
  EXPECT_EQ(h.payload(), filled(2000, 4));
}

TEST(Fragments, PaddingOnTheLastFragmentIsTrimmed) {
  const Buf dgram = udpDatagram(20);  // 28 bytes: 24 + 4
  Harness h;
  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 24, true})), DecodeResult::Incomplete);
  Buf last = fragmentPacket(dgram, {24, 4, false});
  last.resize(60, 0);
  ASSERT_EQ(h.run(last), DecodeResult::Ok);
  expectReassembledUdp(h, dgram);
}

TEST(Fragments, Timeout) {
  const Buf dgram = udpDatagram(1000);
  Harness h;  // 30 s
  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 504, true}), LinkType::Ethernet, kT0),
            DecodeResult::Incomplete);
  // Within the timeout it completes.
  ASSERT_EQ(h.run(fragmentPacket(dgram, {504, 504, false}), LinkType::Ethernet,
                  kT0 + Duration::seconds(29)),
            DecodeResult::Ok);
  EXPECT_EQ(h.anomalies.total(), 0u);

  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 504, true}), LinkType::Ethernet, kT0),
            DecodeResult::Incomplete);
  // Any packet's time expires it, not just a fragment's.
  EXPECT_EQ(h.run(ethernet(kTypeLldp, {}), LinkType::Ethernet, kT0 + Duration::seconds(31)),
            DecodeResult::Ok);
  EXPECT_EQ(h.anomalies.get(Anomaly::Ipv4FragmentTimeout), 1u);
  // The rest arrives too late: it starts a new datagram that never completes.
  EXPECT_EQ(h.run(fragmentPacket(dgram, {504, 504, false}), LinkType::Ethernet,
                  kT0 + Duration::seconds(32)),
            DecodeResult::Incomplete);
  EXPECT_EQ(h.anomalies.get(Anomaly::Ipv4FragmentTimeout), 1u);
}

TEST(Fragments, TimeoutIsConfigurable) {
  const Buf dgram = udpDatagram(1000);
  Harness h(DecoderLimits{.fragment_timeout = Duration{500 * kMs.ns}});
  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 504, true}), LinkType::Ethernet, kT0),
            DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(dgram, {504, 504, false}), LinkType::Ethernet,
                  kT0 + Duration{600 * kMs.ns}),
            DecodeResult::Incomplete);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4FragmentTimeout));
}

TEST(Fragments, TooLargeIsDropped) {
  const Buf dgram = udpDatagram(1000);
  Harness h;
  EXPECT_EQ(h.run(fragmentPacket(dgram, {0, 504, true})), DecodeResult::Incomplete);
  // Offset 65528 + 16 bytes + 20 bytes of header > 65535: ping of death.
  Ipv4Spec spec;
  spec.proto = 17;
  spec.id = 0x4242;
  spec.flags_offset = 65528 / 8;
  EXPECT_EQ(h.run(ethernet(kTypeIpv4, ipv4(spec, filled(16, 0)))), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4FragmentTooLarge));
  EXPECT_TRUE(h.out.fragment);
  // What was held for that datagram went with it.
  EXPECT_EQ(h.run(fragmentPacket(dgram, {504, 504, false})), DecodeResult::Incomplete);

  // Exactly 65535 is fine.
  Harness ok;
  const Buf biggest = udpDatagram(65535 - 20 - 8);
  const auto pieces = split(biggest.size(), 8192);
  for (size_t i = 0; i < pieces.size(); ++i) {
    Buf pkt = fragmentPacket(biggest, pieces[i]);
    ASSERT_EQ(ok.run(pkt), i + 1 < pieces.size() ? DecodeResult::Incomplete : DecodeResult::Ok);
  }
  EXPECT_EQ(ok.out.payload.size(), 65535u - 28u);
  EXPECT_EQ(ok.anomalies.total(), 0u);
}

TEST(Fragments, TableFullDropsTheOldest) {
  Harness h(DecoderLimits{.max_fragment_datagrams = 2});
  const Buf d1 = udpDatagram(1000, 1), d2 = udpDatagram(1000, 2), d3 = udpDatagram(1000, 3);
  EXPECT_EQ(h.run(fragmentPacket(d1, {0, 504, true}, 1)), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(d2, {0, 504, true}, 2)), DecodeResult::Incomplete);
  EXPECT_EQ(h.run(fragmentPacket(d3, {0, 504, true}, 3)), DecodeResult::Incomplete);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4FragmentTableFull));
  // d1 was dropped: its last fragment alone cannot complete it (and pushes d2 out).
  EXPECT_EQ(h.run(fragmentPacket(d1, {504, 504, false}, 1)), DecodeResult::Incomplete);
  EXPECT_EQ(h.anomalies.get(Anomaly::Ipv4FragmentTableFull), 2u);
  ASSERT_EQ(h.run(fragmentPacket(d3, {504, 504, false}, 3)), DecodeResult::Ok);
  expectReassembledUdp(h, d3);
}

TEST(Fragments, ByteLimitDropsTheOldest) {
  Harness h(DecoderLimits{.max_fragment_bytes = 2500});
  const Buf d1 = udpDatagram(2000, 1), d2 = udpDatagram(2000, 2);
  EXPECT_EQ(h.run(fragmentPacket(d1, {1000, 1008, false}, 1)), DecodeResult::Incomplete);
  // d2 needs 1008 more bytes than the 2008 held: d1 goes.
  EXPECT_EQ(h.run(fragmentPacket(d2, {1000, 1008, false}, 2)), DecodeResult::Incomplete);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4FragmentTableFull));
  ASSERT_EQ(h.run(fragmentPacket(d2, {0, 1000, true}, 2)), DecodeResult::Ok);
  expectReassembledUdp(h, d2);
  EXPECT_EQ(h.run(fragmentPacket(d1, {0, 1000, true}, 1)), DecodeResult::Incomplete);

  // A datagram alone beyond the limit is dropped, not kept growing.
  Harness tiny(DecoderLimits{.max_fragment_bytes = 1000});
  EXPECT_EQ(tiny.run(fragmentPacket(d1, {1000, 1008, false}, 1)), DecodeResult::Malformed);
  EXPECT_TRUE(tiny.onlyAnomaly(Anomaly::Ipv4FragmentTableFull));
}

TEST(Fragments, ZeroDatagramLimitHoldsNothing) {
  Harness h(DecoderLimits{.max_fragment_datagrams = 0});
  const Buf d = udpDatagram(1000);
  EXPECT_EQ(h.run(fragmentPacket(d, {0, 504, true})), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4FragmentTableFull));
}

TEST(Fragments, InconsistentEndsAreDropped) {
  const Buf d = udpDatagram(2000);
  Harness h;
  EXPECT_EQ(h.run(fragmentPacket(d, {1000, 1008, false})), DecodeResult::Incomplete);
  // A second "last" fragment with a different end.
  EXPECT_EQ(h.run(fragmentPacket(d, {1000, 800, false})), DecodeResult::Malformed);
  EXPECT_TRUE(h.onlyAnomaly(Anomaly::Ipv4FragmentInconsistent));
  // Data beyond the known end.
  Buf longer = udpDatagram(3000);
  EXPECT_EQ(h.run(fragmentPacket(longer, {1600, 800, true})), DecodeResult::Malformed);
  EXPECT_EQ(h.anomalies.get(Anomaly::Ipv4FragmentInconsistent), 2u);
  // A last fragment that ends before bytes already held.
  Harness h2;
  EXPECT_EQ(h2.run(fragmentPacket(d, {800, 800, true})), DecodeResult::Incomplete);
  EXPECT_EQ(h2.run(fragmentPacket(d, {400, 400, false})), DecodeResult::Malformed);
  EXPECT_TRUE(h2.onlyAnomaly(Anomaly::Ipv4FragmentInconsistent));
  // The datagram itself is still intact and completes with consistent fragments.
  EXPECT_EQ(h.run(fragmentPacket(d, {0, 1000, true})), DecodeResult::Ok);
  expectReassembledUdp(h, d);
}

TEST(Fragments, SnaplenCutFragmentIsNotStored) {
  const Buf d = udpDatagram(1000);
  Harness h;
  const Buf first = fragmentPacket(d, {0, 504, true});
  const Buf cut(first.begin(), first.end() - 100);
  EXPECT_EQ(h.run(cut, LinkType::Ethernet, kT0, static_cast<uint32_t>(first.size())),
            DecodeResult::Incomplete);
  EXPECT_TRUE(h.out.fragment);
  EXPECT_EQ(h.run(fragmentPacket(d, {504, 504, false}), LinkType::Ethernet, kT0),
            DecodeResult::Incomplete);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(Fragments, TinyFragmentsInRandomOrderWithDuplicates) {
  // Every fragment 8 bytes (the smallest), shuffled, a third of them sent twice.
  const Buf d = udpDatagram(800);
  auto pieces = split(d.size(), 8);
  std::mt19937 rng(7);
  std::vector<Piece> sends = pieces;
  for (size_t i = 0; i < pieces.size(); i += 3) sends.push_back(pieces[i]);
  std::shuffle(sends.begin(), sends.end(), rng);
  Harness h;
  int completed = 0;
  for (const Piece& p : sends) {
    if (h.run(fragmentPacket(d, p)) == DecodeResult::Ok) {
      ++completed;
      expectReassembledUdp(h, d);
    }
  }
  // Duplicates after completion start a new datagram; the first completion is the only one.
  EXPECT_EQ(completed, 1);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

}  // namespace
}  // namespace medtap::decode
