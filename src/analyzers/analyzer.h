// The analyzer interface: what every protocol analyzer implements, and the context it reports
// through. An analyzer turns bytes into typed events; it never writes output itself.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/anomaly.h"
#include "core/bytes.h"
#include "core/timestamp.h"
#include "decode/packet.h"
#include "events/event.h"
#include "flow/flow.h"
#include "privacy/phi_tokenizer.h"

namespace medtap::analyzers {

using flow::Direction;

// What a feed call did with the bytes (STYLE.md 6).
enum class FeedResult {
  Consumed,      // all bytes used; complete messages were reported
  NeedMoreData,  // bytes buffered (within the analyzer's limits) until more arrive
  OutOfSync,     // the bytes make no sense for this protocol; the analyzer gives up on the flow
};

// What an analyzer may touch while handling one flow's data.
struct AnalyzerContext {
  const events::FlowRef& flow;  // for event headers
  events::EventSink& events;
  AnomalyCounters& anomalies;
  // Patient data leaves an analyzer only as a token from here (DESIGN.md, "Patient data").
  const privacy::PhiTokenizer& phi;
};

// Per-flow state of a TCP analyzer. Created by the registry's factory when the flow is claimed.
class StreamAnalyzer {
 public:
  virtual ~StreamAnalyzer() = default;
  // In-order bytes of one direction; `data` is valid only during the call.
  virtual FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) = 0;
  // `length` bytes of `dir` are missing: drop any partial message and resynchronise.
  virtual void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) = 0;
  // `dir` ended: report or count what is left in its buffer.
  virtual void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) = 0;
};

// Per-flow state of a UDP analyzer.
class DatagramAnalyzer {
 public:
  virtual ~DatagramAnalyzer() = default;
  virtual FeedResult feed(AnalyzerContext& ctx, Direction dir,
                          const decode::DecodedPacket& packet) = 0;
  // The flow ended (or expired): report what is still pending.
  virtual void end(AnalyzerContext& /*ctx*/, Timestamp /*ts*/) {}
};

}  // namespace medtap::analyzers
