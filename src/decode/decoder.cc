// The L2-L4 decoder. One straight pass over the packet per call: each layer is a small member
// function that checks its bounds, fills its fields of DecodedPacket and hands the rest to the
// next layer. No allocation, no virtual dispatch and no callbacks on the way; only IPv4
// fragments leave this path (ipv4_reassembly.h).
#include "decode/decoder.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <type_traits>

#include "decode/ipv4_reassembly.h"

namespace medtap::decode {

namespace {

using capture::LinkType;

// Ethernet II and IEEE 802.3 (IEEE 802.3-2018 clause 3.2.6): a type/length field of 1500 or
// less is the length of an 802.2 LLC frame, 1536 and more is an Ethertype.
constexpr size_t kEthernetHeaderLen = 14;
constexpr uint16_t kMaxIeee8023Length = 1500;
constexpr uint16_t kMinEthertype = 0x0600;

// Ethertypes (IEEE registry).
constexpr uint16_t kEthertypeIpv4 = 0x0800;
constexpr uint16_t kEthertypeArp = 0x0806;
constexpr uint16_t kEthertypeVlan = 0x8100;     // IEEE 802.1Q customer tag
constexpr uint16_t kEthertypeQinQ = 0x88a8;     // IEEE 802.1ad service tag
constexpr uint16_t kEthertypeQinQOld = 0x9100;  // pre-802.1ad vendor QinQ, still seen
constexpr uint16_t kEthertypeIpv6 = 0x86dd;
constexpr size_t kVlanTagLen = 4;  // TCI + inner Ethertype
constexpr uint16_t kVlanIdMask = 0x0fff;

// IEEE 802.2 LLC and the SNAP extension (RFC 1042): DSAP 0xAA, SSAP 0xAA, UI control 0x03,
// then a 3-byte OUI and a 2-byte protocol; OUI 0 means the protocol is an Ethertype.
constexpr size_t kLlcSnapLen = 8;
constexpr uint8_t kLlcSapSnap = 0xaa;
constexpr uint8_t kLlcControlUi = 0x03;

// Linux cooked capture (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and _SLL2.html).
constexpr size_t kSllHeaderLen = 16;
constexpr size_t kSllProtocolOffset = 14;
constexpr size_t kSllHatypeOffset = 2;
constexpr size_t kSll2HeaderLen = 20;
constexpr size_t kSll2ProtocolOffset = 0;
constexpr size_t kSll2HatypeOffset = 8;
constexpr uint16_t kSllProtocolLlc = 0x0004;  // ETH_P_802_2: an 802.2 LLC header follows
constexpr uint16_t kArphrdNetlink = 824;      // protocol field is a netlink family, not Ethertype

// BSD loopback: a 4-byte address family. AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD,
// OpenBSD), 28 (FreeBSD, DragonFly) or 30 (Darwin) (tcpdump.org LINKTYPE_NULL).
constexpr size_t kNullHeaderLen = 4;
constexpr uint32_t kAfInet = 2;
constexpr bool isAfInet6(uint32_t family) {
  return family == 24 || family == 28 || family == 30;
}

// ARP for Ethernet and IPv4 (RFC 826).
constexpr size_t kArpFixedLen = 8;
constexpr size_t kArpEthernetIpv4Len = 28;
constexpr uint16_t kArpHardwareEthernet = 1;
constexpr uint8_t kMacLen = 6;
constexpr uint8_t kIpv4AddressLen = 4;

// IPv4 (RFC 791 3.1).
constexpr size_t kIpv4MinHeaderLen = 20;
constexpr uint16_t kIpv4MoreFragments = 0x2000;
constexpr uint16_t kIpv4OffsetMask = 0x1fff;  // in units of 8 bytes

// IPv6 (RFC 8200).
constexpr size_t kIpv6HeaderLen = 40;
constexpr uint8_t kIpv6HopByHop = 0;
constexpr uint8_t kIpv6Routing = 43;
constexpr uint8_t kIpv6Fragment = 44;
constexpr uint8_t kIpv6Ah = 51;  // RFC 4302: length in 4-byte units minus 2
constexpr uint8_t kIpv6NoNextHeader = 59;
constexpr uint8_t kIpv6DestinationOptions = 60;
constexpr uint8_t kIpv6Mobility = 135;  // RFC 6275
constexpr size_t kIpv6FragmentHeaderLen = 8;
constexpr uint16_t kIpv6OffsetMask = 0xfff8;  // already in bytes: offset << 3
constexpr uint16_t kIpv6MoreFragments = 0x0001;

constexpr size_t kTcpMinHeaderLen = 20;  // RFC 9293 3.1
constexpr size_t kUdpHeaderLen = 8;      // RFC 768
constexpr size_t kIcmpHeaderLen = 4;     // RFC 792 / RFC 4443: type, code, checksum

constexpr uint8_t kProtoIcmp = static_cast<uint8_t>(IpProto::Icmp);
constexpr uint8_t kProtoTcp = static_cast<uint8_t>(IpProto::Tcp);
constexpr uint8_t kProtoUdp = static_cast<uint8_t>(IpProto::Udp);
constexpr uint8_t kProtoIcmpv6 = static_cast<uint8_t>(IpProto::Icmpv6);

constexpr bool isVlanEthertype(uint16_t t) {
  return t == kEthertypeVlan || t == kEthertypeQinQ || t == kEthertypeQinQOld;
}

// Write an address straight into its slot in DecodedPacket. IpAddress::v4/v6 are out of line
// and return through memory; assigning their result copies it back with wide loads over the
// callee's byte-wise stores, which stalls store forwarding (measured: about a third of the
// decode time of a TCP/IPv4 packet). Initialising from the prvalue lets the callee write into
// the slot itself. IpAddress is trivially destructible, so nothing is left to destroy.
inline void setV4(IpAddress& slot, uint32_t host_order) {
  ::new (static_cast<void*>(&slot)) IpAddress(IpAddress::v4(host_order));
}
inline void setV6(IpAddress& slot, Bytes sixteen_bytes) {
  ::new (static_cast<void*>(&slot)) IpAddress(IpAddress::v6(sixteen_bytes));
}
static_assert(std::is_trivially_destructible_v<IpAddress>);

// Resets a DecodedPacket by copying a constant: `out = DecodedPacket{}` compiles to `rep stos`,
// whose start-up cost was about a third of the decode time of a TCP/IPv4 packet; a
// fixed-size memcpy of a constant becomes ten vector stores.
constexpr DecodedPacket kEmptyPacket{};
static_assert(std::is_trivially_copyable_v<DecodedPacket>);
inline void reset(DecodedPacket& out) {
  std::memcpy(static_cast<void*>(&out), &kEmptyPacket, sizeof(DecodedPacket));
}

// Whether a packet was cut by the capture's snapshot length (caplen < original length): then a
// length field pointing past the captured bytes is expected and not an anomaly.
enum class CaptureCut : uint8_t { Whole, Snaplen };

// Whether an 802.2 LLC header may still follow; LLC/SNAP can carry an Ethertype that could
// lead to LLC again, so it is followed once per packet.
enum class LlcAllowed : uint8_t { No, Yes };

}  // namespace

class Decoder::Impl {
 public:
  Impl(AnomalyCounters& anomalies, const DecoderLimits& limits)
      : anomalies_(anomalies), limits_(limits), reassembler_(anomalies, limits) {}

  DecodeResult decode(const capture::RawPacket& raw, DecodedPacket& out) {
    reset(out);
    out.ts = raw.ts;
    out.wire_len = raw.wire_len;
    out.cap_len = static_cast<uint32_t>(raw.data.size());
    wire_len_ = raw.wire_len;
    cut_ = raw.data.size() < raw.wire_len ? CaptureCut::Snaplen : CaptureCut::Whole;
    reassembler_.expire(raw.ts);

    const Bytes b = raw.data;
    switch (raw.link) {
      case LinkType::Ethernet:
        return ethernet(b, out);
      case LinkType::Raw:
        return rawIp(b, out);
      case LinkType::Ipv4:
        return ipv4(b, 0, out);
      case LinkType::Ipv6:
        return ipv6(b, 0, out);
      case LinkType::Null:
        return loopback(b, ByteOrder::Either, out);
      case LinkType::Loop:
        return loopback(b, ByteOrder::Network, out);
      case LinkType::LinuxSll:
        return cooked(b, kSllHeaderLen, kSllProtocolOffset, kSllHatypeOffset, out);
      case LinkType::LinuxSll2:
        return cooked(b, kSll2HeaderLen, kSll2ProtocolOffset, kSll2HatypeOffset, out);
    }
    return malformed(Anomaly::CaptureUnsupportedLinkType);
  }

 private:
  enum class ByteOrder : uint8_t { Either, Network };

  DecodeResult malformed(Anomaly a) {
    anomalies_.add(a);
    return DecodeResult::Malformed;
  }

  // A length field says the layer ends at byte `end` of the frame, beyond the captured bytes.
  // Fine when the capture's snaplen cut it and the original packet was that long.
  bool cutBySnaplen(size_t end) const { return cut_ == CaptureCut::Snaplen && end <= wire_len_; }

  // ---- Link layers ----

  DecodeResult ethernet(Bytes b, DecodedPacket& out) {
    if (b.size() < kEthernetHeaderLen) return malformed(Anomaly::TruncatedEthernet);
    out.has_mac = true;
    out.dst_mac = MacAddress::from(b.subspan(0, kMacLen));
    out.src_mac = MacAddress::from(b.subspan(kMacLen, kMacLen));
    return ethertype(readBe16(b, 12), b, kEthernetHeaderLen, LlcAllowed::Yes, out);
  }

  // Follows VLAN tags, then dispatches on the Ethertype found at b[off - 2].
  DecodeResult ethertype(uint16_t type, Bytes b, size_t off, LlcAllowed llc_allowed,
                         DecodedPacket& out) {
    size_t extra_tags = 0;
    while (isVlanEthertype(type)) {
      if (b.size() < off + kVlanTagLen) return malformed(Anomaly::TruncatedVlan);
      const uint16_t tci = readBe16(b, off);
      if (out.vlan_count < kMaxVlanTags) {
        out.vlan[out.vlan_count++] = tci & kVlanIdMask;
      } else if (extra_tags++ == 0) {
        // Counted once per run of tags; the tags beyond are skipped, not recorded.
        anomalies_.add(Anomaly::TooManyVlanTags);
      }
      type = readBe16(b, off + 2);
      off += kVlanTagLen;
    }
    switch (type) {
      case kEthertypeIpv4:
        return ipv4(b, off, out);
      case kEthertypeIpv6:
        return ipv6(b, off, out);
      case kEthertypeArp:
        return arp(b, off, out);
      default:
        break;
    }
    out.l3 = L3::Other;
    if (type <= kMaxIeee8023Length && llc_allowed == LlcAllowed::Yes) return llc(b, off, out);
    anomalies_.add(Anomaly::UnknownEthertype);
    return DecodeResult::Ok;
  }

  // An IEEE 802.3 frame with an 802.2 LLC header: STP, CDP, NetBIOS and friends. Recognised
  // and skipped (l3 = Other), except SNAP with OUI 0, which carries an Ethertype (RFC 1042).
  DecodeResult llc(Bytes b, size_t off, DecodedPacket& out) {
    out.l3 = L3::Other;
    if (b.size() >= off + kLlcSnapLen && b[off] == kLlcSapSnap && b[off + 1] == kLlcSapSnap &&
        b[off + 2] == kLlcControlUi && b[off + 3] == 0 && b[off + 4] == 0 && b[off + 5] == 0) {
      const uint16_t type = readBe16(b, off + 6);
      if (type >= kMinEthertype) return ethertype(type, b, off + kLlcSnapLen, LlcAllowed::No, out);
    }
    return DecodeResult::Ok;
  }

  // Linux cooked capture v1 and v2: the same fields at different offsets.
  DecodeResult cooked(Bytes b, size_t header_len, size_t protocol_off, size_t hatype_off,
                      DecodedPacket& out) {
    if (b.size() < header_len) return malformed(Anomaly::TruncatedSll);
    const uint16_t protocol = readBe16(b, protocol_off);
    if (readBe16(b, hatype_off) == kArphrdNetlink) {
      out.l3 = L3::Other;
      return DecodeResult::Ok;
    }
    if (protocol == kSllProtocolLlc) return llc(b, header_len, out);
    if (protocol < kMinEthertype) {
      // ETH_P_802_3, ETH_P_AX25, CAN and other Linux pseudo-protocols: not IP, not an error.
      out.l3 = L3::Other;
      return DecodeResult::Ok;
    }
    return ethertype(protocol, b, header_len, LlcAllowed::No, out);
  }

  DecodeResult loopback(Bytes b, ByteOrder order, DecodedPacket& out) {
    if (b.size() < kNullHeaderLen) return malformed(Anomaly::TruncatedNull);
    const uint32_t be = readBe32(b, 0);
    // LINKTYPE_NULL is in the capturing host's byte order, which the file does not record:
    // accept either (the values cannot be confused, 2 vs 0x02000000).
    const uint32_t le = order == ByteOrder::Either ? readLe32(b, 0) : be;
    if (be == kAfInet || le == kAfInet) return ipv4(b, kNullHeaderLen, out);
    if (isAfInet6(be) || isAfInet6(le)) return ipv6(b, kNullHeaderLen, out);
    // Some writers put an Ethertype in the low half instead of an address family (PcapPlusPlus's
    // null_loopback.pcap has 0f 00 08 00); Wireshark's packet-null.c reads any value above
    // 1500 that way. Only the two IP Ethertypes are taken, so a stray value cannot reach ARP or
    // VLAN decoding from here.
    if (order == ByteOrder::Either && be > kMaxIeee8023Length) {
      const uint16_t type = readBe16(b, 2);
      if (type == kEthertypeIpv4) return ipv4(b, kNullHeaderLen, out);
      if (type == kEthertypeIpv6) return ipv6(b, kNullHeaderLen, out);
    }
    out.l3 = L3::Other;
    anomalies_.add(Anomaly::UnknownNullFamily);
    return DecodeResult::Ok;
  }

  DecodeResult rawIp(Bytes b, DecodedPacket& out) {
    if (b.empty()) return malformed(Anomaly::TruncatedIpv4);
    switch (b[0] >> 4) {
      case 4:
        return ipv4(b, 0, out);
      case 6:
        return ipv6(b, 0, out);
      default:
        return malformed(Anomaly::Ipv4BadVersion);
    }
  }

  DecodeResult arp(Bytes b, size_t off, DecodedPacket& out) {
    out.l3 = L3::Arp;
    if (b.size() < off + kArpFixedLen) return malformed(Anomaly::TruncatedArp);
    out.arp.operation = readBe16(b, off + 6);
    if (readBe16(b, off) != kArpHardwareEthernet || readBe16(b, off + 2) != kEthertypeIpv4 ||
        b[off + 4] != kMacLen || b[off + 5] != kIpv4AddressLen) {
      out.l3 = L3::Other;
      anomalies_.add(Anomaly::ArpUnsupported);
      return DecodeResult::Ok;
    }
    if (b.size() < off + kArpEthernetIpv4Len) return malformed(Anomaly::TruncatedArp);
    out.arp.sender_mac = MacAddress::from(b.subspan(off + 8, kMacLen));
    setV4(out.arp.sender_ip, readBe32(b, off + 14));
    out.arp.target_mac = MacAddress::from(b.subspan(off + 18, kMacLen));
    setV4(out.arp.target_ip, readBe32(b, off + 24));
    return DecodeResult::Ok;
  }

  // ---- IPv4 ----

  DecodeResult ipv4(Bytes b, size_t off, DecodedPacket& out) {
    out.l3 = L3::Ipv4;
    if (b.size() < off + kIpv4MinHeaderLen) return malformed(Anomaly::TruncatedIpv4);
    const uint8_t version_ihl = b[off];
    if ((version_ihl >> 4) != 4) return malformed(Anomaly::Ipv4BadVersion);
    out.ttl = b[off + 8];
    out.ip_proto = b[off + 9];
    const uint32_t src = readBe32(b, off + 12);
    const uint32_t dst = readBe32(b, off + 16);
    setV4(out.src_ip, src);
    setV4(out.dst_ip, dst);

    const size_t header_len = (version_ihl & 0x0f) * 4u;
    if (header_len < kIpv4MinHeaderLen) return malformed(Anomaly::Ipv4BadHeaderLength);
    size_t total_len = readBe16(b, off + 2);
    // Total length 0 is what a host sees of its own segmentation-offloaded (TSO) sends: the
    // NIC fills it in later. Take the captured length, as Zeek and Wireshark do.
    if (total_len == 0) total_len = b.size() - off;
    if (total_len < header_len) return malformed(Anomaly::Ipv4BadTotalLength);
    if (b.size() < off + header_len) {
      return malformed(cutBySnaplen(off + total_len) ? Anomaly::TruncatedIpv4
                                                     : Anomaly::Ipv4BadHeaderLength);
    }
    size_t end = off + total_len;  // anything after it is Ethernet padding
    if (end > b.size()) {
      if (!cutBySnaplen(end)) return malformed(Anomaly::Ipv4BadTotalLength);
      end = b.size();
    }
    const Bytes seg = b.subspan(off + header_len, end - off - header_len);
    const size_t payload_len = total_len - header_len;

    const uint16_t flags_offset = readBe16(b, off + 6);
    if ((flags_offset & (kIpv4MoreFragments | kIpv4OffsetMask)) == 0) {
      return transport(out.ip_proto, seg, payload_len, out);
    }
    out.fragment = true;
    // A fragment cut by the snaplen cannot be reassembled: its bytes are not all there. It is
    // not stored, so its datagram ends in ipv4_fragment_timeout.
    if (seg.size() < payload_len) return DecodeResult::Incomplete;
    const FragmentKey key{src, dst, readBe16(b, off + 4), out.ip_proto};
    const auto more = (flags_offset & kIpv4MoreFragments) ? MoreFragments::Yes : MoreFragments::No;
    Bytes whole;
    switch (reassembler_.add(key, (flags_offset & kIpv4OffsetMask) * 8u, seg, more,
                             static_cast<uint32_t>(header_len), out.ts, whole)) {
      case FragmentOutcome::Held:
        return DecodeResult::Incomplete;
      case FragmentOutcome::Dropped:
        return DecodeResult::Malformed;
      case FragmentOutcome::Complete:
        break;
    }
    out.fragment = false;
    out.reassembled = true;
    return transport(out.ip_proto, whole, whole.size(), out);
  }

  // ---- IPv6 ----

  // Follows the extension header chain (RFC 8200 4) to the upper-layer header. IPv6 fragments
  // are not reassembled (yet): every fragment, the first one included, is counted as
  // ipv6_fragment and returned without L4, with ip_proto = the fragment header's next header.
  // Only an atomic fragment (offset 0, M = 0; RFC 6946) is decoded through.
  DecodeResult ipv6(Bytes b, size_t off, DecodedPacket& out) {
    out.l3 = L3::Ipv6;
    if (b.size() < off + kIpv6HeaderLen) return malformed(Anomaly::TruncatedIpv6);
    if ((b[off] >> 4) != 6) return malformed(Anomaly::Ipv6BadVersion);
    uint8_t next = b[off + 6];
    out.ip_proto = next;
    out.ttl = b[off + 7];
    setV6(out.src_ip, b.subspan(off + 8, 16));
    setV6(out.dst_ip, b.subspan(off + 24, 16));

    const size_t start = off + kIpv6HeaderLen;
    const size_t captured = b.size() - start;
    size_t payload_len = readBe16(b, off + 4);
    // Payload length 0 with a hop-by-hop header is a jumbogram (RFC 2675); take what is there.
    if (payload_len == 0 && next == kIpv6HopByHop) payload_len = captured;
    if (payload_len > captured && !cutBySnaplen(start + payload_len)) {
      return malformed(Anomaly::Ipv6BadPayloadLength);
    }
    const Bytes p = b.subspan(start, std::min(payload_len, captured));

    size_t pos = 0;
    for (int headers = 0;; ++headers) {
      size_t len = 0;
      switch (next) {
        case kIpv6HopByHop:
          // RFC 8200 4.1: hop-by-hop options only ever come first.
          if (headers != 0) return malformed(Anomaly::Ipv6BadExtensionHeader);
          [[fallthrough]];
        case kIpv6Routing:
        case kIpv6DestinationOptions:
        case kIpv6Mobility:
        case kIpv6Ah:
        case kIpv6Fragment:
          break;
        case kIpv6NoNextHeader:
          out.ip_proto = next;
          return DecodeResult::Ok;
        default:
          out.ip_proto = next;
          return transport(next, p.subspan(pos), payload_len - pos, out);
      }
      if (headers >= limits_.max_ipv6_extension_headers) {
        return malformed(Anomaly::Ipv6TooManyExtensionHeaders);
      }
      // Every extension header starts with next header and a length byte (RFC 8200 4.2).
      if (pos + 2 > payload_len) return malformed(Anomaly::Ipv6BadExtensionHeader);
      if (pos + 2 > p.size()) return malformed(Anomaly::TruncatedIpv6);
      if (next == kIpv6Fragment) {
        len = kIpv6FragmentHeaderLen;
      } else if (next == kIpv6Ah) {
        len = (p[pos + 1] + 2u) * 4u;
      } else {
        len = (p[pos + 1] + 1u) * 8u;
      }
      if (pos + len > payload_len) return malformed(Anomaly::Ipv6BadExtensionHeader);
      if (pos + len > p.size()) return malformed(Anomaly::TruncatedIpv6);
      const uint8_t following = p[pos];
      if (next == kIpv6Fragment) {
        const uint16_t offset_more = readBe16(p, pos + 2);
        if ((offset_more & (kIpv6OffsetMask | kIpv6MoreFragments)) != 0) {
          anomalies_.add(Anomaly::Ipv6Fragment);
          out.fragment = true;
          out.ip_proto = following;
          return DecodeResult::Ok;
        }
      }
      next = following;
      pos += len;
    }
  }

  // ---- Transport ----

  // `seg` is the captured part of the IP payload; `claimed` is its length per the IP header
  // (larger than seg.size() only when the snaplen cut the packet).
  DecodeResult transport(uint8_t proto, Bytes seg, size_t claimed, DecodedPacket& out) {
    switch (proto) {
      case kProtoTcp:
        return tcp(seg, claimed, out);
      case kProtoUdp:
        return udp(seg, claimed, out);
      case kProtoIcmp:
      case kProtoIcmpv6:
        return icmp(seg, out);
      default:
        // Not decoded here (GRE, ESP, SCTP, ...): the payload is the whole IP payload.
        out.payload = seg;
        return DecodeResult::Ok;
    }
  }

  DecodeResult tcp(Bytes seg, size_t claimed, DecodedPacket& out) {
    if (seg.size() < kTcpMinHeaderLen) return malformed(Anomaly::TruncatedTcp);
    out.src_port = readBe16(seg, 0);
    out.dst_port = readBe16(seg, 2);
    out.tcp_seq = readBe32(seg, 4);
    out.tcp_ack = readBe32(seg, 8);
    const size_t header_len = (seg[12] >> 4) * 4u;
    out.tcp_flags = seg[13];
    out.tcp_window = readBe16(seg, 14);
    if (header_len < kTcpMinHeaderLen || header_len > claimed) {
      return malformed(Anomaly::TcpBadHeaderLength);
    }
    if (header_len > seg.size()) return malformed(Anomaly::TruncatedTcp);
    out.has_l4 = true;
    out.payload = seg.subspan(header_len);
    return DecodeResult::Ok;
  }

  DecodeResult udp(Bytes seg, size_t claimed, DecodedPacket& out) {
    if (seg.size() < kUdpHeaderLen) return malformed(Anomaly::TruncatedUdp);
    out.src_port = readBe16(seg, 0);
    out.dst_port = readBe16(seg, 2);
    const size_t length = readBe16(seg, 4);
    if (length < kUdpHeaderLen) return malformed(Anomaly::UdpBadLength);
    out.has_l4 = true;
    if (length > claimed) {
      // The IP length is what the stack delivers; a longer UDP length is counted, not trusted.
      anomalies_.add(Anomaly::UdpBadLength);
      out.payload = seg.subspan(kUdpHeaderLen);
      return DecodeResult::Ok;
    }
    // A shorter UDP length trims: the bytes after it are not part of the datagram.
    out.payload = seg.subspan(kUdpHeaderLen, std::min(length, seg.size()) - kUdpHeaderLen);
    return DecodeResult::Ok;
  }

  DecodeResult icmp(Bytes seg, DecodedPacket& out) {
    if (seg.size() < kIcmpHeaderLen) return malformed(Anomaly::TruncatedIcmp);
    out.icmp_type = seg[0];
    out.icmp_code = seg[1];
    out.has_l4 = true;
    out.payload = seg.subspan(kIcmpHeaderLen);
    return DecodeResult::Ok;
  }

  AnomalyCounters& anomalies_;
  DecoderLimits limits_;
  Ipv4Reassembler reassembler_;
  // Of the packet being decoded.
  uint32_t wire_len_ = 0;
  CaptureCut cut_ = CaptureCut::Whole;
};

Decoder::Decoder(AnomalyCounters& anomalies, const DecoderLimits& limits)
    : impl_(std::make_unique<Impl>(anomalies, limits)) {}

Decoder::~Decoder() = default;

DecodeResult Decoder::decode(const capture::RawPacket& raw, DecodedPacket& out) {
  return impl_->decode(raw, out);
}

}  // namespace medtap::decode
