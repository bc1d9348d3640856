// The two ends of an event's flow as the bytes it describes travelled: who sent them, who
// received them, and the receiver's port. One answer for every correlator (the inventory's
// facts, the detectors' sources and destinations).
#pragma once

#include <cstdint>
#include <optional>

#include "core/address.h"
#include "events/event.h"

namespace medtap::events {

struct FlowEnd {
  IpAddress ip;
  std::optional<MacAddress> mac;
  uint16_t port = 0;
};

struct Ends {
  FlowEnd sender, receiver;
  bool sender_is_originator = true;
};

// `e.flow` must be set. An event of unknown direction counts as sent by the originator.
inline Ends endsOf(const Event& e) {
  const FlowRef& f = *e.flow;
  FlowEnd orig{f.src_ip, f.src_mac, f.src_port}, resp{f.dest_ip, f.dest_mac, f.dest_port};
  if (e.direction == Direction::ToClient) return Ends{resp, orig, false};
  return Ends{orig, resp, true};
}

}  // namespace medtap::events
