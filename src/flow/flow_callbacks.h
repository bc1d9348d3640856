// How the flow stage hands data to the analyzers (STYLE.md 5: a narrow callback interface).
#pragma once

#include "core/bytes.h"
#include "core/timestamp.h"
#include "decode/packet.h"
#include "flow/flow.h"

namespace medtap::flow {

class FlowCallbacks {
 public:
  virtual ~FlowCallbacks() = default;

  // TCP: the next in-order bytes of one direction. `data` is valid only during the call.
  virtual void onStreamData(Flow& flow, Direction dir, Bytes data, Timestamp ts) = 0;
  // TCP: `length` bytes of this direction will never arrive (loss, capture drop, buffer limit).
  virtual void onStreamGap(Flow& flow, Direction dir, uint64_t length, Timestamp ts) = 0;
  // TCP: this direction ended (FIN reached in order, RST, or the flow is being flushed).
  virtual void onStreamEnd(Flow& flow, Direction dir, Timestamp ts) = 0;
  // UDP and ICMP: one datagram's payload (packet.payload), as decoded.
  virtual void onDatagram(Flow& flow, Direction dir, const decode::DecodedPacket& packet) = 0;
  // The flow is finished (expired, evicted or flushed) and about to be destroyed. Streams have
  // already been ended.
  virtual void onFlowEnd(Flow& flow, EndReason reason, Timestamp ts) = 0;
};

}  // namespace medtap::flow
