// The DNS analyzer: one `dns` event per DNS message, over UDP (53, mDNS 5353, LLMNR 5355) and
// over TCP (length-prefixed, tcp_framer.h).
#pragma once

#include <array>
#include <memory>

#include "analyzers/analyzer.h"
#include "analyzers/dns/tcp_framer.h"
#include "analyzers/registry.h"
#include "events/dns.h"

namespace medtap::analyzers::dns {

// UDP: Yes when the datagram's header is sane and its first question parses (checkHeader).
ProbeResult probeUdp(Bytes first_bytes, Direction dir);
// TCP: the same after the 2-byte length (at least a header); Maybe while too short to tell.
ProbeResult probeTcp(Bytes first_bytes, Direction dir);

// Parses a message and emits its event; shared by the UDP and TCP analyzers. Reuses `scratch`.
void emitMessage(AnalyzerContext& ctx, Bytes message, Timestamp ts,
                 std::unique_ptr<events::DnsMessage>& scratch);

class DnsUdpAnalyzer final : public DatagramAnalyzer {
 public:
  // One event per datagram with a DNS header; never OutOfSync.
  FeedResult feed(AnalyzerContext& ctx, Direction dir,
                  const decode::DecodedPacket& packet) override;

 private:
  std::unique_ptr<events::DnsMessage> scratch_;  // created at the first message
};

class DnsTcpAnalyzer final : public StreamAnalyzer {
 public:
  // One event per complete message, with the time of the packet that completed it. OutOfSync
  // when a direction's framing breaks (bad length, or data after a gap).
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

 private:
  class Emitter;
  std::array<TcpFramer, 2> framers_;
  std::unique_ptr<events::DnsMessage> scratch_;
};

// Adds the "dns" analyzers: UDP (port hints 53, 5353, 5355) and TCP (port hint 53).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::dns
