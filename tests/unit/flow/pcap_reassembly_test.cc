// Reassembly of real third-party captures (../shared/testdata/tcp_reassembly, see SOURCES.md).
// The flow stage is tested on its own, so this file reads the few captures it needs with a
// minimal classic-pcap reader and Ethernet/IPv4/IPv6/TCP parser of its own (test code only).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "flow/flow_table.h"
#include "flow_test_util.h"

namespace medtap::flow::testing {
namespace {

constexpr Direction kOrig = Direction::Originator;
constexpr Direction kResp = Direction::Responder;
using Kind = Recorder::Kind;

struct Record {
  Timestamp ts;
  uint32_t wire_len = 0;
  std::vector<uint8_t> bytes;
};

struct Capture {
  uint32_t link_type = 0;
  std::vector<Record> records;
};

// Classic pcap, either byte order, micro- or nanosecond timestamps.
Capture readPcap(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Capture cap;
  if (file.size() < 24) return cap;
  const Bytes all(file);
  const uint32_t magic = readLe32(all, 0);
  const bool le = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d;
  const bool nanos = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
  auto rd32 = [&](size_t off) { return le ? readLe32(all, off) : readBe32(all, off); };
  cap.link_type = rd32(20);
  for (size_t off = 24; off + 16 <= file.size();) {
    const uint32_t sec = rd32(off);
    const uint32_t frac = rd32(off + 4);
    const uint32_t incl = rd32(off + 8);
    const uint32_t orig = rd32(off + 12);
    off += 16;
    if (off + incl > file.size()) break;
    Record r;
    r.ts = Timestamp::fromSecNs(sec, nanos ? frac : int64_t{frac} * 1000);
    r.wire_len = orig;
    r.bytes.assign(file.begin() + static_cast<ptrdiff_t>(off),
                   file.begin() + static_cast<ptrdiff_t>(off + incl));
    cap.records.push_back(std::move(r));
    off += incl;
  }
  return cap;
}

// Just enough decoding for these captures: Ethernet (with 802.1Q) or raw IP (no PPPoE), IPv4 or
// IPv6 without extension headers, TCP. False for anything else.
bool decodeTcp(uint32_t link_type, const Record& r, decode::DecodedPacket& p) {
  Bytes b(r.bytes);
  p = decode::DecodedPacket{};
  p.ts = r.ts;
  p.wire_len = r.wire_len;
  p.cap_len = static_cast<uint32_t>(r.bytes.size());
  uint16_t ether_type = 0;
  if (link_type == 1) {
    if (b.size() < 14) return false;
    ether_type = readBe16(b, 12);
    size_t off = 14;
    while (ether_type == 0x8100 && b.size() >= off + 4) {
      p.vlan[p.vlan_count++] = readBe16(b, off) & 0x0fff;
      ether_type = readBe16(b, off + 2);
      off += 4;
    }
    b = b.subspan(off);
  } else if (link_type == 12 || link_type == 14 || link_type == 101 || link_type == 228 ||
             link_type == 229) {  // raw IP (DLT_RAW is 12 or 14 on some systems)
    if (b.empty()) return false;
    ether_type = (b[0] >> 4) == 6 ? 0x86dd : 0x0800;
  } else {
    return false;
  }
  Bytes l4;
  if (ether_type == 0x0800) {
    if (b.size() < 20) return false;
    const size_t ihl = (b[0] & 0x0f) * 4u;
    const size_t total = readBe16(b, 2);
    if (ihl < 20 || total < ihl || total > b.size() || (readBe16(b, 6) & 0x3fff) != 0) {
      return false;
    }
    p.l3 = decode::L3::Ipv4;
    p.ip_proto = b[9];
    p.src_ip = IpAddress::v4(b.subspan(12, 4));
    p.dst_ip = IpAddress::v4(b.subspan(16, 4));
    l4 = b.subspan(ihl, total - ihl);
  } else if (ether_type == 0x86dd) {
    if (b.size() < 40) return false;
    const size_t plen = readBe16(b, 4);
    if (40 + plen > b.size()) return false;
    p.l3 = decode::L3::Ipv6;
    p.ip_proto = b[6];
    p.src_ip = IpAddress::v6(b.subspan(8, 16));
    p.dst_ip = IpAddress::v6(b.subspan(24, 16));
    l4 = b.subspan(40, plen);
  } else {
    return false;
  }
  if (p.ip_proto != 6 || l4.size() < 20) return false;
  const size_t data_off = (l4[12] >> 4) * 4u;
  if (data_off < 20 || data_off > l4.size()) return false;
  p.has_l4 = true;
  p.src_port = readBe16(l4, 0);
  p.dst_port = readBe16(l4, 2);
  p.tcp_seq = readBe32(l4, 4);
  p.tcp_ack = readBe32(l4, 8);
  p.tcp_flags = l4[13];
  p.tcp_window = readBe16(l4, 14);
  p.payload = l4.subspan(data_off);
  return true;
}

struct Replay {
  Recorder rec;
  AnomalyCounters anomalies;
  FlowTableStats stats;
  size_t packets = 0;
};

// Plays a capture through a fresh table, then flushes it.
void replay(const std::string& name, Replay& out, const FlowTableConfig& config = {}) {
  const std::string path = std::string(MEDTAP_SHARED_DIR) + "/testdata/tcp_reassembly/" + name;
  const Capture cap = readPcap(path);
  ASSERT_FALSE(cap.records.empty()) << "cannot read " << path;
  FlowTable table(config, out.rec, out.anomalies);
  Timestamp last;
  for (const Record& r : cap.records) {
    decode::DecodedPacket p;
    if (!decodeTcp(cap.link_type, r, p)) continue;
    table.process(p);
    last = p.ts;
    ++out.packets;
  }
  table.flushAll(Timestamp{last.ns + 1});
  out.stats = table.stats();
}

TEST(PcapReassembly, OneTcpStreamReassemblesWithoutGaps) {
  Replay r;
  replay("PcapPlusPlus/one_tcp_stream.pcap", r);
  ASSERT_EQ(r.packets, 36u);
  ASSERT_EQ(r.rec.ended_flows.size(), 1u);
  // Sequence space from the handshake to the last byte (tshark's "follow tcp" agrees: 22392).
  EXPECT_EQ(r.rec.orig().size(), 9948u);
  EXPECT_EQ(r.rec.resp().size(), 12444u);
  EXPECT_EQ(r.rec.orig().rfind("POST /GetSearchMultipleSuggestions.ashx HTTP/1.1", 0), 0u);
  EXPECT_EQ(r.rec.resp().rfind("HTTP/1.1 200 OK", 0), 0u);
  EXPECT_EQ(r.rec.count(Kind::Gap), 0u);
  EXPECT_EQ(r.anomalies.get(Anomaly::TcpMidstreamPickup), 0u);
  EXPECT_EQ(r.rec.flows_at_end[0].state, FlowState::Established);
  EXPECT_EQ(r.rec.flows_at_end[0].pkts[index(kOrig)], 18u);
  EXPECT_EQ(r.rec.flows_at_end[0].pkts[index(kResp)], 18u);
}

TEST(PcapReassembly, SequenceWraparoundGivesTheSameStreams) {
  // The same connection with the ISNs moved just below 2^32, so both streams wrap.
  Replay plain;
  Replay wrapped;
  replay("PcapPlusPlus/one_tcp_stream.pcap", plain);
  replay("PcapPlusPlus/one_tcp_stream_max_seq.pcap", wrapped);
  EXPECT_EQ(wrapped.rec.count(Kind::Gap), 0u);
  EXPECT_EQ(wrapped.rec.orig().size(), 9948u);
  EXPECT_EQ(wrapped.rec.resp().size(), 12444u);
  EXPECT_TRUE(wrapped.rec.orig() == plain.rec.orig());
  EXPECT_TRUE(wrapped.rec.resp() == plain.rec.resp());
}

TEST(PcapReassembly, FinBothWaysEndsBothStreamsBeforeFlush) {
  Replay r;
  replay("PcapPlusPlus/one_http_stream_fin.pcap", r);
  ASSERT_EQ(r.rec.ended_flows.size(), 1u);
  EXPECT_EQ(r.rec.orig().size(), 367u);
  EXPECT_EQ(r.rec.resp().size(), 2448906422u - 2448902873u);
  EXPECT_EQ(r.rec.count(Kind::Gap), 0u);
  // The two stream ends come from the FINs, before the flush's flow end, with packet times.
  ASSERT_EQ(r.rec.count(Kind::StreamEnd), 2u);
  for (const auto& e : r.rec.events) {
    if (e.kind == Kind::StreamEnd) {
      EXPECT_LT(e.ts, r.rec.flows_at_end[0].end_ts);
    }
  }
  EXPECT_EQ(r.rec.flows_at_end[0].state, FlowState::Closed);
}

TEST(PcapReassembly, MissingPacketOnAOneSidedCaptureBecomesAGapAtTheEnd) {
  // Only the client side was captured and one 1420-byte segment is missing; nobody ACKs it
  // in the capture, so the hole stays open until the flow ends.
  Replay r;
  replay("PcapPlusPlus/unidirectional_tcp_stream_with_missing_packet.pcap", r);
  EXPECT_EQ(r.rec.gapBytes(kOrig), 1420u);
  EXPECT_EQ(r.rec.count(Kind::Gap), 1u);
  const std::string s = r.rec.orig();
  EXPECT_NE(s.find("<gap 1420>"), std::string::npos);
  EXPECT_EQ(s.size(), 9948u - 1420u + std::string("<gap 1420>").size());
  EXPECT_EQ(r.stats.reassembly_bytes_held, 0u);
}

TEST(PcapReassembly, SynPayloadIsDelivered) {
  Replay r;
  replay("zeek/payload-syn.pcap", r);  // raw IP link type
  EXPECT_EQ(r.anomalies.get(Anomaly::TcpSynWithData), 1u);
  EXPECT_EQ(r.rec.orig().size(), 100u);
  EXPECT_EQ(r.rec.orig().rfind("GET //index.php", 0), 0u);
  EXPECT_EQ(r.rec.count(Kind::StreamEnd), 2u);
}

TEST(PcapReassembly, MissingSynPicksUpMidstreamWithTheRightOriginator) {
  Replay r;
  replay("zeek/missing-syn.pcap", r);
  ASSERT_EQ(r.rec.flows_at_end.size(), 1u);
  EXPECT_EQ(r.rec.flows_at_end[0].orig_ip, *IpAddress::parse("141.42.64.125"));
  EXPECT_EQ(r.rec.orig().size(), 98u);
  EXPECT_EQ(r.rec.resp().size(), 2697147405u - 2697137988u);
  EXPECT_EQ(r.rec.count(Kind::Gap), 0u);
  EXPECT_EQ(r.anomalies.get(Anomaly::TcpMidstreamPickup), 1u);
}

TEST(PcapReassembly, RstAnswerToASynClosesTheFlow) {
  Replay r;
  replay("PcapPlusPlus/one_tcp_rst.pcap", r);
  ASSERT_EQ(r.rec.flows_at_end.size(), 1u);
  EXPECT_EQ(r.rec.flows_at_end[0].state, FlowState::Closed);
  EXPECT_EQ(r.rec.count(Kind::StreamEnd), 2u);
  EXPECT_EQ(r.rec.count(Kind::Data), 0u);
}

TEST(PcapReassembly, EveryCaptureInTheFolderReplaysWithinLimits) {
  // Smoke over all the stored TCP edge cases with tiny limits: nothing is held after the
  // flush, and every TCP flow ends both of its streams.
  FlowTableConfig small;
  small.max_flows = 4;
  small.reassembly.max_flow_buffer_bytes = 2000;
  small.reassembly.max_total_buffer_bytes = 3000;
  small.reassembly.max_flow_segments = 3;
  for (const char* name :
       {"zeek/ctu-64702-888.pcap", "zeek/fin_retransmission.pcap", "zeek/handshake-reorder.pcap",
        "zeek/miss_end_data.pcap", "zeek/one-sided-2745.pcap", "zeek/rst-inject-rae.pcap",
        "zeek/reassembly.pcap", "zeek/retransmit-fast009.pcap", "zeek/ssh-dups.pcap",
        "zeek/tcp-fast-open.pcap", "zeek/timestamp.pcap", "PcapPlusPlus/three_http_streams.pcap",
        "PcapPlusPlus/four_ipv6_http_streams.pcap", "PcapPlusPlus/one_http_stream_fin2.pcap",
        "PcapPlusPlus/one_ipv6_http_stream.pcap",
        "PcapPlusPlus/one_tcp_stream_fin_rst_close_packet.pcap"}) {
    SCOPED_TRACE(name);
    Replay r;
    replay(name, r, small);
    EXPECT_GT(r.packets, 0u);
    EXPECT_EQ(r.stats.reassembly_bytes_held, 0u);
    EXPECT_EQ(r.stats.flows_active, 0u);
    EXPECT_EQ(r.rec.count(Kind::StreamEnd), 2 * r.rec.ended_flows.size());
  }
}

}  // namespace
}  // namespace medtap::flow::testing
