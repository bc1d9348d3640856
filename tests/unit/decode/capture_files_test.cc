// Real third-party captures from ../shared/testdata (SOURCES.md there), decoded end to end.
// The expected figures were read off with tshark 4.0 on the same files.
#include <gtest/gtest.h>

#include <string_view>

#include "capture/file_source.h"
#include "packet_builder.h"
#include "test_capture_reader.h"

namespace medtap::decode {
namespace {

using capture::LinkType;
using namespace test;

struct Summary {
  size_t packets = 0, ok = 0, incomplete = 0, malformed = 0;
  size_t ipv4 = 0, ipv6 = 0, arp = 0, other = 0;
  size_t tcp = 0, udp = 0, icmp = 0;  // packets with that L4 decoded
  size_t fragments = 0, reassembled = 0;
  std::vector<size_t> reassembled_payload_sizes;
  std::vector<Buf> reassembled_payloads;
  AnomalyCounters anomalies;
};

Summary decodeFile(const std::string& relative) {
  Summary s;
  const TestCapture cap = readTestCapture(sharedTestdata(relative));
  EXPECT_TRUE(cap.error.empty()) << relative << ": " << cap.error;
  EXPECT_FALSE(cap.packets.empty()) << relative;
  Decoder decoder(s.anomalies);
  DecodedPacket out;
  for (const TestPacket& p : cap.packets) {
    capture::RawPacket raw;
    raw.data = Bytes(p.data);
    raw.wire_len = p.wire_len;
    raw.link = p.link;
    raw.ts = p.ts;
    ++s.packets;
    switch (decoder.decode(raw, out)) {
      case DecodeResult::Ok:
        ++s.ok;
        break;
      case DecodeResult::Incomplete:
        ++s.incomplete;
        break;
      case DecodeResult::Malformed:
        ++s.malformed;
        break;
    }
    s.ipv4 += out.l3 == L3::Ipv4;
    s.ipv6 += out.l3 == L3::Ipv6;
    s.arp += out.l3 == L3::Arp;
    s.other += out.l3 == L3::Other;
    if (out.has_l4) {
      s.tcp += out.ip_proto == 6;
      s.udp += out.ip_proto == 17;
      s.icmp += out.ip_proto == 1 || out.ip_proto == 58;
    }
    s.fragments += out.fragment;
    if (out.reassembled) {
      ++s.reassembled;
      s.reassembled_payload_sizes.push_back(out.payload.size());
      s.reassembled_payloads.emplace_back(out.payload.begin(), out.payload.end());
    }
  }
  return s;
}

TEST(CaptureFiles, ZeekQinQ) {
  const TestCapture cap = readTestCapture(sharedTestdata("pcap_format/zeek/http-qinq-0.pcap"));
  ASSERT_EQ(cap.packets.size(), 14u);
  AnomalyCounters anomalies;
  Decoder decoder(anomalies);
  DecodedPacket out;
  for (const TestPacket& p : cap.packets) {
    ASSERT_EQ(decoder.decode({p.ts, Bytes(p.data), p.wire_len, p.link}, out), DecodeResult::Ok);
    EXPECT_EQ(out.vlan_count, 2);
    EXPECT_EQ(out.vlan[0], 0);  // TCI 0xb000: priority 5, VLAN 0, twice
    EXPECT_EQ(out.vlan[1], 0);
    EXPECT_TRUE(out.has_l4);
    EXPECT_TRUE(out.src_port == 80 || out.dst_port == 80);
  }
  EXPECT_EQ(anomalies.total(), 0u);
}

TEST(CaptureFiles, ZeekSingleVlan) {
  const Summary s = decodeFile("pcap_format/zeek/http-vlan-0.pcap");
  EXPECT_EQ(s.packets, 14u);
  EXPECT_EQ(s.tcp, 14u);
  EXPECT_EQ(s.anomalies.total(), 0u);
}

TEST(CaptureFiles, PcapPlusPlusQinQ8021ad) {
  const TestCapture cap =
      readTestCapture(sharedTestdata("pcap_format/PcapPlusPlus/QinQ_802.1_AD.pcapng"));
  ASSERT_EQ(cap.packets.size(), 1u);
  AnomalyCounters anomalies;
  Decoder decoder(anomalies);
  DecodedPacket out;
  const TestPacket& p = cap.packets[0];
  ASSERT_EQ(decoder.decode({p.ts, Bytes(p.data), p.wire_len, p.link}, out), DecodeResult::Ok);
  EXPECT_EQ(out.vlan_count, 2);
  EXPECT_EQ(out.vlan[0], 30);
  EXPECT_EQ(out.vlan[1], 100);
  EXPECT_EQ(out.src_ip.toString(), "192.85.1.22");
  EXPECT_EQ(out.ip_proto, 253);
  EXPECT_EQ(out.payload.size(), 1474u - 20u);  // the 4-byte trailer is trimmed
  EXPECT_EQ(anomalies.total(), 0u);
}

TEST(CaptureFiles, CdpOverLlcSnapInVlan) {
  const Summary s = decodeFile("pcap_format/PcapPlusPlus/llc_vlan.pcap");
  EXPECT_EQ(s.packets, 1u);
  EXPECT_EQ(s.ok, 1u);
  EXPECT_EQ(s.other, 1u);
  EXPECT_EQ(s.anomalies.total(), 0u);
}

TEST(CaptureFiles, LinuxCookedV1) {
  const Summary s = decodeFile("pcap_format/PcapPlusPlus/sll.pcap");
  EXPECT_EQ(s.packets, 518u);
  EXPECT_EQ(s.ok, 518u);
  EXPECT_EQ(s.tcp, 483u);
  EXPECT_EQ(s.udp, 28u);
  EXPECT_EQ(s.arp, 7u);
  EXPECT_EQ(s.ipv6, 1u);
  EXPECT_EQ(s.anomalies.total(), 0u);
}

TEST(CaptureFiles, LinuxCookedV2) {
  const Summary s = decodeFile("pcap_format/PcapPlusPlus/sll2.pcap");
  EXPECT_EQ(s.packets, 3u);
  EXPECT_EQ(s.tcp, 3u);
  EXPECT_EQ(s.anomalies.total(), 0u);
}

TEST(CaptureFiles, NullLoopback) {
  const Summary s = decodeFile("pcap_format/PcapPlusPlus/null_loopback.pcap");
  EXPECT_EQ(s.packets, 3u);
  EXPECT_EQ(s.ipv4, 2u);
  EXPECT_EQ(s.ipv6, 1u);
  EXPECT_EQ(s.udp, 2u);
  EXPECT_EQ(s.tcp, 1u);
  EXPECT_EQ(s.anomalies.total(), 0u);
}

TEST(CaptureFiles, DicomOverLoopback) {
  const Summary s = decodeFile("dicom_pcap/tapirx/dicom_arq_2_get_testclient.pcap");
  EXPECT_EQ(s.packets, 2u);
  EXPECT_EQ(s.tcp, 2u);
  EXPECT_EQ(s.anomalies.total(), 0u);
}

TEST(CaptureFiles, RawIpLinkTypes) {
  const Summary raw = decodeFile("pcap_format/PcapPlusPlus/raw_ip.pcap");
  EXPECT_EQ(raw.packets, 100u);
  EXPECT_EQ(raw.ipv6, 50u);
  EXPECT_EQ(raw.tcp, 92u);
  EXPECT_EQ(raw.udp, 8u);
  EXPECT_EQ(raw.anomalies.total(), 0u);
  const Summary v4 = decodeFile("pcap_format/PcapPlusPlus/linktype_ipv4.pcap");
  EXPECT_EQ(v4.udp, 2u);
  EXPECT_EQ(v4.anomalies.total(), 0u);
  const Summary v6 = decodeFile("pcap_format/PcapPlusPlus/linktype_ipv6.pcap");
  EXPECT_EQ(v6.ipv6, 1u);
  EXPECT_EQ(v6.tcp, 1u);
  EXPECT_EQ(v6.anomalies.total(), 0u);
  const Summary pings = decodeFile("tcp_reassembly/zeek/timeout-with-pings.pcap");
  EXPECT_EQ(pings.icmp, 12u);
  EXPECT_EQ(pings.tcp, 3u);
  EXPECT_EQ(pings.anomalies.total(), 0u);
}

TEST(CaptureFiles, Ipv4FragmentsWithDuplicates) {
  // Six fragmented NFS-over-UDP datagrams (ids 0x1ea0-0x1ea5, each 8320 bytes of UDP), the
  // later ones with duplicated fragments, plus three unfragmented UDP packets. Two duplicate
  // last fragments arrive after their datagram completed and stay pending.
  const Summary s = decodeFile("tcp_reassembly/PcapPlusPlus/ip4_fragments.pcap");
  EXPECT_EQ(s.packets, 53u);
  EXPECT_EQ(s.reassembled, 6u);
  EXPECT_EQ(s.ok, 9u);
  EXPECT_EQ(s.incomplete, 44u);
  EXPECT_EQ(s.udp, 9u);
  for (size_t size : s.reassembled_payload_sizes) EXPECT_EQ(size, 8320u - 8u);
  EXPECT_EQ(s.anomalies.total(), 0u);  // the duplicates are byte-identical
}

TEST(CaptureFiles, FragmentedHttpRequest) {
  const Summary s = decodeFile("tcp_reassembly/PcapPlusPlus/frag_http_req.pcap");
  EXPECT_EQ(s.packets, 11u);
  EXPECT_EQ(s.incomplete, 10u);
  ASSERT_EQ(s.reassembled, 1u);
  EXPECT_EQ(s.tcp, 1u);
  const Buf& http = s.reassembled_payloads[0];
  ASSERT_EQ(http.size(), 1460u);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(http.data()), 4), "GET ");
  EXPECT_EQ(s.anomalies.total(), 0u);
}

TEST(CaptureFiles, FragmentsWithPaddingOutOfOrder) {
  // The first fragment (offset 0, 8 bytes: just the UDP header) comes last, in a padded
  // 60-byte frame.
  const Summary s = decodeFile("tcp_reassembly/PcapPlusPlus/frag_with_padding.pcap");
  EXPECT_EQ(s.packets, 8u);
  ASSERT_EQ(s.reassembled, 1u);
  EXPECT_EQ(s.reassembled_payload_sizes[0], 9409u - 8u);
  EXPECT_EQ(s.anomalies.total(), 0u);
}

TEST(CaptureFiles, Ipv6FragmentsAreCounted) {
  const Summary s = decodeFile("tcp_reassembly/PcapPlusPlus/ip6_fragments.pcap");
  EXPECT_EQ(s.packets, 36u);
  EXPECT_EQ(s.ok, 36u);
  EXPECT_EQ(s.fragments, 36u);
  EXPECT_EQ(s.udp, 0u);
  EXPECT_EQ(s.anomalies.get(Anomaly::Ipv6Fragment), 36u);
  EXPECT_EQ(s.anomalies.total(), 36u);
}

TEST(CaptureFiles, SameResultsThroughTheRealCaptureReader) {
  // The test reader above and src/capture must hand the decoder the same packets.
  for (const char* f :
       {"pcap_format/PcapPlusPlus/sll.pcap", "pcap_format/PcapPlusPlus/QinQ_802.1_AD.pcapng",
        "tcp_reassembly/PcapPlusPlus/ip4_fragments.pcap",
        "pcap_format/PcapPlusPlus/null_loopback.pcap"}) {
    SCOPED_TRACE(f);
    const Summary expected = decodeFile(f);
    AnomalyCounters anomalies;
    auto source = capture::openCaptureFile(sharedTestdata(f), anomalies);
    ASSERT_TRUE(source.ok()) << source.error();
    Decoder decoder(anomalies);
    capture::RawPacket raw;
    DecodedPacket out;
    size_t packets = 0, ok = 0, reassembled = 0, tcp = 0;
    while ((*source)->next(raw) == capture::ReadStatus::Packet) {
      ++packets;
      ok += decoder.decode(raw, out) == DecodeResult::Ok;
      reassembled += out.reassembled;
      tcp += out.has_l4 && out.ip_proto == 6;
    }
    EXPECT_EQ(packets, expected.packets);
    EXPECT_EQ(ok, expected.ok);
    EXPECT_EQ(reassembled, expected.reassembled);
    EXPECT_EQ(tcp, expected.tcp);
    EXPECT_EQ(anomalies.total(), expected.anomalies.total());
  }
}

TEST(CaptureFiles, HostileCapturesNeverCrash) {
  // Fuzzed and truncated captures: whatever they hold, every packet gets a result and the
  // decoder keeps going.
  for (const char* f :
       {"malformed/nDPI/fuzz-2006-06-26-2594.pcap", "malformed/nDPI/fuzz-2020-02-16-11740.pcap",
        "malformed/nDPI/ip_fragmented_garbage.pcap", "malformed/nDPI/badpackets.pcap",
        "malformed/zeek/ip4-trunc.pcap", "malformed/zeek/ip6-ext-trunc.pcap",
        "malformed/zeek/ip6-trunc.pcap", "malformed/zeek/icmp-header-trunc.pcap",
        "malformed/zeek/ipv4-truncated-broken-header.pcap"}) {
    SCOPED_TRACE(f);
    const Summary s = decodeFile(f);
    EXPECT_EQ(s.ok + s.incomplete + s.malformed, s.packets);
  }
}

}  // namespace
}  // namespace medtap::decode
