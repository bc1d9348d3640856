// TCP stream reassembly: turns the segments of one connection into two ordered byte streams,
// handed to FlowCallbacks::onStreamData, with onStreamGap where bytes will never arrive.
//
// Contract, per direction (RFC 9293 §3.4 for sequence numbers):
// - Stream offset 0 is the byte after the SYN (ISN + 1), or the first segment's sequence number
//   when no SYN was seen (mid-stream pickup, tcp_midstream_pickup, counted once per flow).
//   Sequence numbers are unwrapped against the next expected offset, so streams cross 2^32 and
//   may run past 4 GiB; a segment is placed within +-2^31 of where the stream is.
// - In-order bytes are delivered straight from the packet (no copy). Out-of-order bytes are
//   copied into a bounded per-direction buffer (ReassemblyLimits) and delivered when the hole
//   before them fills.
// - First copy wins: bytes already delivered or buffered are never delivered again. Bytes that
//   overlap the buffer and differ from it count tcp_overlap_conflict. Bytes that overlap what was
//   already delivered are dropped without comparison: keeping a window of delivered bytes would
//   cost a copy of every in-order segment and idle memory per flow, for a check that the
//   buffered case already covers where reordering makes it matter.
// - A hole becomes a gap (onStreamGap, tcp_gap) when the peer has acknowledged bytes past it
//   (the bytes were sent and received, so the capture lost them), when a buffer limit is hit
//   (tcp_flow_buffer_limit / tcp_global_buffer_limit; the oldest hole is given up first), or
//   when the stream ends (RST, or the flow expires, is evicted or flushed). A FIN does not make
//   a gap by itself: segments reordered behind it may still come.
// - A FIN ends the direction (onStreamEnd) once every byte before it is delivered or gapped.
//   A RST ends both directions at once, after delivering what is buffered (with gaps for the
//   holes). Data past a FIN, or any data after a RST, counts tcp_data_after_close and is not
//   delivered.
// - A SYN carrying data is delivered (TCP Fast Open, RFC 7413) and counts tcp_syn_with_data.
// - Callbacks must not call back into the flow table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/anomaly.h"
#include "core/bytes.h"
#include "core/timestamp.h"
#include "decode/packet.h"
#include "flow/flow.h"
#include "flow/flow_callbacks.h"
#include "flow/flow_table.h"

namespace medtap::flow {

// The furthest ahead of the stream an ACK is believed: the largest TCP window, 2^30 bytes with
// window scale 14 (RFC 7323 §2.3). ACKs beyond it are bogus and ignored.
constexpr uint64_t kMaxAckAdvance = uint64_t{1} << 30;

// An out-of-order buffer that has drained keeps its segment array up to this capacity; a larger
// one is freed so that an idle flow holds no buffer memory.
constexpr size_t kKeptSegmentCapacity = 4;

// What the reassembly of every flow in one table shares. Not stored in the flows (it would cost
// a pointer per flow); passed to each call.
struct ReassemblyContext {
  const ReassemblyLimits& limits;
  FlowCallbacks& callbacks;
  AnomalyCounters& anomalies;
  size_t& buffered_total;  // out-of-order bytes held by all flows (tcp_global_buffer_limit)
};

// Where the connection as a whole is, for the flow state (flow.h FlowState).
enum class TcpPhase : uint8_t {
  Opening,      // no completed handshake and no data both ways yet
  Established,  // handshake completed, or data seen both ways
  Closed,       // FIN seen both ways, or RST
};

// Who or what a call is for: the flow, the direction and the packet time to report.
struct StreamCall {
  ReassemblyContext& ctx;
  Flow& flow;
  Direction dir;
  Timestamp ts;
};

// One direction of a connection.
class TcpHalfStream {
 public:
  enum class State : uint8_t {
    Unseen,  // no segment yet: where the stream starts is unknown
    Open,    // bytes are being delivered
    Ended,   // onStreamEnd was called (FIN reached, RST, or the flow ended)
  };

  State state() const { return state_; }
  bool startedBySyn() const { return (flags_ & kStartedBySyn) != 0; }
  bool finSeen() const { return (flags_ & kFinSeen) != 0; }
  uint32_t isn() const { return base_seq_ - 1; }  // meaningful when startedBySyn()
  // Nothing delivered, gapped or buffered yet: a late SYN may still set where the stream starts.
  bool untouched() const { return next_ == 0 && segments_.empty() && !finSeen(); }
  uint64_t nextOffset() const { return next_; }
  size_t bufferedBytes() const { return buffered_; }

  // Stream offset 0 is ISN + 1.
  void startAtSyn(uint32_t isn);
  // Stream offset 0 is `seq` (mid-stream pickup).
  void startAt(uint32_t seq);
  // The stream offset of sequence number `seq`, unwrapped near the next expected offset; may be
  // negative for a segment from before the stream start.
  int64_t offsetOf(uint32_t seq) const;

  // Payload that starts at stream offset `start`.
  void onData(StreamCall& c, int64_t start, Bytes data);
  // A FIN at stream offset `fin_offset` (the offset just past the segment's data).
  void onFin(StreamCall& c, int64_t fin_offset);
  // The peer acknowledged this stream up to sequence number `ack`.
  void onAck(StreamCall& c, uint32_t ack);
  // Ends the direction now: buffered data is delivered with gaps for the holes, then
  // onStreamEnd. Nothing happens if it has already ended.
  void end(StreamCall& c);

 private:
  // flags_ bits
  static constexpr uint8_t kStartedBySyn = 0x01;
  static constexpr uint8_t kFinSeen = 0x02;

  struct Segment {
    uint64_t start = 0;
    std::vector<uint8_t> data;
    uint64_t end() const { return start + data.size(); }
  };

  void deliver(StreamCall& c, Bytes data);
  void gap(StreamCall& c, uint64_t length);
  // Delivers the buffered segments that start at next_, one after another.
  void drain(StreamCall& c);
  // Moves next_ to at least `target`: holes become gaps, buffered data is delivered.
  void advanceTo(StreamCall& c, uint64_t target);
  // Gives up the first hole, ahead of `cur` (a limit was hit while buffering at `cur`).
  void forceProgress(StreamCall& c, uint64_t cur);
  // Copies `piece` (at stream offset `start`) into the buffer before segment index `at`;
  // false (and the limit counted) when a limit forbids it.
  bool store(StreamCall& c, size_t at, uint64_t start, Bytes piece);
  // Index of the first buffered segment that ends after `offset`.
  size_t firstEndingAfter(uint64_t offset) const;
  // True when `data` at `start` differs from buffered bytes it overlaps.
  bool conflictsWithBuffer(uint64_t start, Bytes data) const;
  void dropBufferedFrom(StreamCall& c, uint64_t offset);
  void releaseBuffer();
  void finishIfAtFin(StreamCall& c);
  void markEnded(StreamCall& c);

  // Out-of-order data: sorted by start, never overlapping, every start > next_.
  std::vector<Segment> segments_;
  uint64_t next_ = 0;      // offset of the next byte to deliver (bytes delivered + gapped)
  uint64_t fin_ = 0;       // offset of the FIN, when kFinSeen
  uint64_t acked_ = 0;     // highest offset the peer acknowledged (within kMaxAckAdvance)
  size_t buffered_ = 0;    // bytes in segments_
  uint32_t base_seq_ = 0;  // sequence number of offset 0
  State state_ = State::Unseen;
  uint8_t flags_ = 0;
};

// Both directions of one TCP connection, owned by its Flow.
class TcpFlowReassembly {
 public:
  // One TCP packet of `flow` travelling in `dir`.
  void onPacket(ReassemblyContext& ctx, Flow& flow, Direction dir,
                const decode::DecodedPacket& packet);
  // Ends both directions (originator first) as the flow ends.
  void endStreams(ReassemblyContext& ctx, Flow& flow, Timestamp ts);

  TcpPhase phase() const;
  // For a SYN (without ACK) from `dir` on a closed connection: does it start a new connection
  // (port reuse), rather than retransmit the SYN that opened this one?
  bool isNewConnection(Direction dir, uint32_t seq) const;
  size_t bufferedBytes() const { return half_[0].bufferedBytes() + half_[1].bufferedBytes(); }
  const TcpHalfStream& half(Direction dir) const { return half_[index(dir)]; }

 private:
  // flags_ bits, by direction where there are two (Originator bit, Responder bit << 1)
  static constexpr uint16_t kSynSent = 0x0001;     // pure SYN, x2 for the responder
  static constexpr uint16_t kSynAckSent = 0x0004;  // SYN+ACK
  static constexpr uint16_t kDataSent = 0x0010;
  static constexpr uint16_t kFinSent = 0x0040;
  static constexpr uint16_t kHandshakeDone = 0x0100;
  static constexpr uint16_t kRstSeen = 0x0200;
  static constexpr uint16_t kMidstreamCounted = 0x0400;

  static uint16_t bit(uint16_t base, Direction dir) {
    return static_cast<uint16_t>(base << index(dir));
  }
  bool has(uint16_t bits) const { return (flags_ & bits) == bits; }
  // False when the SYN is not this connection's (another ISN on a live stream): ignored.
  bool onSyn(StreamCall& c, const decode::DecodedPacket& p);

  TcpHalfStream half_[2];  // by Direction
  uint16_t flags_ = 0;
};

}  // namespace medtap::flow
