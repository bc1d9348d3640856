#include "analyzers/dhcp/dhcp_analyzer.h"

#include <cstring>
#include <utility>

#include "analyzers/dhcp/dhcp_parser.h"
#include "analyzers/dhcp/limits.h"

namespace medtap::analyzers::dhcp {

namespace {

constexpr std::string_view kName = "dhcp";
constexpr uint16_t kPortHints[] = {kServerPort, kClientPort};
// Largest hardware address length (chaddr is 16 bytes, RFC 2131 section 2).
constexpr uint8_t kMaxHlen = 16;

std::unique_ptr<DatagramAnalyzer> makeDatagram() {
  return std::make_unique<DhcpAnalyzer>();
}

}  // namespace

ProbeResult probe(Bytes first_bytes, Direction /*dir*/) {
  if (first_bytes.size() < kOptionsOffset) return ProbeResult::No;
  const uint8_t op = first_bytes[kOpOffset];
  if (op != kOpRequest && op != kOpReply) return ProbeResult::No;
  if (first_bytes[kHlenOffset] > kMaxHlen || first_bytes[3] > kMaxHops) return ProbeResult::No;
  if (std::memcmp(first_bytes.data() + kCookieOffset, kMagicCookie, sizeof kMagicCookie) != 0) {
    return ProbeResult::No;
  }
  return ProbeResult::Yes;
}

FeedResult DhcpAnalyzer::feed(AnalyzerContext& ctx, Direction /*dir*/,
                              const decode::DecodedPacket& packet) {
  if (!scratch_) scratch_ = std::make_unique<events::DhcpMessage>();
  if (parseMessage(packet.payload, *scratch_, ctx.anomalies) == ParseStatus::NotDhcp) {
    return FeedResult::Consumed;
  }
  // The BOOTP op says the direction, whichever side of the flow sent it (a relay or a broadcast
  // reply may come from either end).
  const events::Direction direction = scratch_->op == events::DhcpMessage::Op::Request
                                          ? events::Direction::ToServer
                                          : events::Direction::ToClient;
  events::Event event{packet.ts, ctx.flow, std::move(*scratch_), direction};
  ctx.events.emit(event);
  *scratch_ = std::move(std::get<events::DhcpMessage>(event.body));
  return FeedResult::Consumed;
}

void registerAnalyzer(Registry& registry) {
  registry.add(AnalyzerDef{
      .name = kName,
      .transport = Transport::Udp,
      .port_hints = {std::begin(kPortHints), std::end(kPortHints)},
      .probe = &probe,
      .make_stream = nullptr,
      .make_datagram = &makeDatagram,
  });
}

}  // namespace medtap::analyzers::dhcp
