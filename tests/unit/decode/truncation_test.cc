// Every packet template cut at every byte offset, twice: once as a packet that really is that
// short (its length fields lie) and once as a snaplen cut (the original was longer). Each cut
// must count exactly the anomaly of the layer it falls in, and never read past the buffer (each
// cut is its own exactly-sized allocation, so the sanitizer build catches an over-read).
#include <gtest/gtest.h>

#include <string>

#include "packet_builder.h"

namespace medtap::decode {
namespace {

using capture::LinkType;
using namespace test;

// Cuts below `end` (and at or above the previous layer's end) count `whole` when the packet is
// just short, `snaplen` when the capture cut it.
struct Layer {
  size_t end;
  Anomaly whole;
  Anomaly snaplen;
};

struct Template {
  std::string name;
  LinkType link;
  Buf packet;
  std::vector<Layer> layers;
  // Past the last layer: a short packet's length field lies (this anomaly); a snaplen cut
  // decodes fine with the payload cut to (cut - payload_start).
  Anomaly tail;
  size_t payload_start;
};

std::vector<Template> templates() {
  std::vector<Template> t;
  {
    TcpSpec spec;
    spec.option_words = 1;
    t.push_back({"eth_ipv4_tcp",
                 LinkType::Ethernet,
                 ethernet(kTypeIpv4, ipv4({}, tcp(spec, filled(10, 1)))),
                 {{14, Anomaly::TruncatedEthernet, Anomaly::TruncatedEthernet},
                  {34, Anomaly::TruncatedIpv4, Anomaly::TruncatedIpv4},
                  {58, Anomaly::Ipv4BadTotalLength, Anomaly::TruncatedTcp}},
                 Anomaly::Ipv4BadTotalLength,
                 58});
  }
  t.push_back(
      {"eth_qinq_ipv6_hbh_udp",
       LinkType::Ethernet,
       ethernet(kTypeQinQ, vlanTag(10, kTypeVlan,
                                   vlanTag(20, kTypeIpv6,
                                           ipv6(0, ipv6Options(17, 0, udp(1, 2, filled(6, 2))))))),
       {{14, Anomaly::TruncatedEthernet, Anomaly::TruncatedEthernet},
        {22, Anomaly::TruncatedVlan, Anomaly::TruncatedVlan},
        {62, Anomaly::TruncatedIpv6, Anomaly::TruncatedIpv6},
        {70, Anomaly::Ipv6BadPayloadLength, Anomaly::TruncatedIpv6},
        {78, Anomaly::Ipv6BadPayloadLength, Anomaly::TruncatedUdp}},
       Anomaly::Ipv6BadPayloadLength,
       78});
  t.push_back({"sll_ipv4_icmp",
               LinkType::LinuxSll,
               sll(kTypeIpv4, ipv4({.proto = 1}, icmp(0, 0, filled(8, 3)))),
               {{16, Anomaly::TruncatedSll, Anomaly::TruncatedSll},
                {36, Anomaly::TruncatedIpv4, Anomaly::TruncatedIpv4},
                {40, Anomaly::Ipv4BadTotalLength, Anomaly::TruncatedIcmp}},
               Anomaly::Ipv4BadTotalLength,
               40});
  t.push_back({"eth_arp",
               LinkType::Ethernet,
               ethernet(kTypeArp, arpEthernetIpv4(2, 0x0a000001, 0x0a000002)),
               {{14, Anomaly::TruncatedEthernet, Anomaly::TruncatedEthernet},
                {42, Anomaly::TruncatedArp, Anomaly::TruncatedArp}},
               Anomaly::TruncatedArp,
               42});
  {
    Buf null = {30, 0, 0, 0};
    append(null, ipv6(6, tcp({}, filled(5, 4))));
    t.push_back({"null_ipv6_tcp",
                 LinkType::Null,
                 null,
                 {{4, Anomaly::TruncatedNull, Anomaly::TruncatedNull},
                  {44, Anomaly::TruncatedIpv6, Anomaly::TruncatedIpv6},
                  {64, Anomaly::Ipv6BadPayloadLength, Anomaly::TruncatedTcp}},
                 Anomaly::Ipv6BadPayloadLength,
                 64});
  }
  {
    Ipv4Spec spec;
    spec.proto = 17;
    spec.option_words = 2;
    t.push_back({"sll2_ipv4opts_udp",
                 LinkType::LinuxSll2,
                 sll2(kTypeIpv4, ipv4(spec, udp(7, 8, filled(7, 5)))),
                 {{20, Anomaly::TruncatedSll, Anomaly::TruncatedSll},
                  {40, Anomaly::TruncatedIpv4, Anomaly::TruncatedIpv4},
                  {48, Anomaly::Ipv4BadHeaderLength, Anomaly::TruncatedIpv4},
                  {56, Anomaly::Ipv4BadTotalLength, Anomaly::TruncatedUdp}},
                 Anomaly::Ipv4BadTotalLength,
                 56});
  }
  return t;
}

enum class Cut { ShortPacket, Snaplen };

void checkEveryCut(const Template& t, Cut mode) {
  for (size_t cut = 0; cut < t.packet.size(); ++cut) {
    SCOPED_TRACE(t.name + " cut at " + std::to_string(cut) +
                 (mode == Cut::Snaplen ? " (snaplen)" : " (short packet)"));
    const Buf bytes(t.packet.begin(), t.packet.begin() + static_cast<ptrdiff_t>(cut));
    const uint32_t wire = mode == Cut::Snaplen ? static_cast<uint32_t>(t.packet.size()) : 0;
    Harness h;
    const DecodeResult r = h.run(bytes, t.link, Timestamp::fromSeconds(1), wire);
    const Layer* layer = nullptr;
    for (const Layer& l : t.layers) {
      if (cut < l.end) {
        layer = &l;
        break;
      }
    }
    if (layer != nullptr) {
      EXPECT_EQ(r, DecodeResult::Malformed);
      const Anomaly expected = mode == Cut::Snaplen ? layer->snaplen : layer->whole;
      EXPECT_TRUE(h.onlyAnomaly(expected)) << anomalyName(expected);
      EXPECT_FALSE(h.out.has_l4);
    } else if (mode == Cut::ShortPacket) {
      EXPECT_EQ(r, DecodeResult::Malformed);
      EXPECT_TRUE(h.onlyAnomaly(t.tail)) << anomalyName(t.tail);
    } else {
      EXPECT_EQ(r, DecodeResult::Ok);
      EXPECT_EQ(h.anomalies.total(), 0u);
      EXPECT_EQ(h.out.payload.size(), cut - t.payload_start);
    }
  }
}

TEST(Truncation, EveryOffsetOfEveryTemplate) {
  for (const Template& t : templates()) {
    Harness whole;
    ASSERT_EQ(whole.run(t.packet, t.link), DecodeResult::Ok) << t.name;
    EXPECT_EQ(whole.anomalies.total(), 0u) << t.name;
    EXPECT_EQ(whole.out.payload.size(), t.packet.size() - t.payload_start) << t.name;
    checkEveryCut(t, Cut::ShortPacket);
    checkEveryCut(t, Cut::Snaplen);
  }
}

}  // namespace
}  // namespace medtap::decode
