// The DHCPv4 analyzer: one `dhcp` event per BOOTP/DHCP datagram (UDP 67/68). A DHCPACK's event
// carries both the client's MAC (chaddr) and the address bound to it (yiaddr).
#pragma once

#include <memory>

#include "analyzers/analyzer.h"
#include "analyzers/registry.h"
#include "events/dhcp.h"

namespace medtap::analyzers::dhcp {

// Yes when the datagram has a BOOTP header with op 1 or 2, a plausible htype/hlen/hops and the
// magic cookie at offset 236; No otherwise (a UDP datagram is complete: no Maybe).
ProbeResult probe(Bytes first_bytes, Direction dir);

class DhcpAnalyzer final : public DatagramAnalyzer {
 public:
  // Emits one event per datagram with a BOOTP header; never OutOfSync (each datagram stands
  // alone, and a bad one is counted as an anomaly).
  FeedResult feed(AnalyzerContext& ctx, Direction dir,
                  const decode::DecodedPacket& packet) override;

 private:
  // Reused between datagrams of the flow; created at the first one.
  std::unique_ptr<events::DhcpMessage> scratch_;
};

// Adds the "dhcp" analyzer (UDP; port hints 67, 68).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::dhcp
