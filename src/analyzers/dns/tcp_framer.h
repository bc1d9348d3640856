// DNS over TCP framing (RFC 1035 section 4.2.2, RFC 7766 section 8): each message is preceded by
// its length as a 2-byte big-endian number. Cuts one direction of a stream into messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "analyzers/analyzer.h"
#include "core/anomaly.h"
#include "core/bytes.h"

namespace medtap::analyzers::dns {

// How the framer reports (STYLE.md 5). Tests mock it.
class FramerCallbacks {
 public:
  virtual ~FramerCallbacks() = default;
  // One message without its length prefix; valid only during the call (it points into the
  // caller's chunk when the message arrived whole, else into the framer's buffer).
  virtual void onMessage(Bytes message) = 0;
  virtual void onAnomaly(Anomaly anomaly) = 0;
};

// Incremental framer for one direction. Buffers at most one message (kMaxTcpMessage, the most a
// 2-byte length can say), and copies only messages split across feed() calls.
//
// Malformed input:
// - a length below the 12-byte DNS header: dns_tcp_bad_length, and the framer gives up
//   (OutOfSync): with length framing there is no way to find the next message;
// - a gap, or the end of the stream inside a message: dns_tcp_truncated_message; after a gap the
//   framer gives up for the same reason (the next feed() returns OutOfSync).
class TcpFramer {
 public:
  // Consumed: no message open; NeedMoreData: a partial length or message is held; OutOfSync: the
  // framer gave up and every later call does nothing.
  FeedResult feed(Bytes data, FramerCallbacks& callbacks);
  void gap(FramerCallbacks& callbacks);
  void end(FramerCallbacks& callbacks);

  size_t bufferedBytes() const { return buffer_.size(); }

 private:
  enum class State : uint8_t { Length, Body, Failed };

  State state_ = State::Length;
  size_t need_ = 0;              // message length being collected (State::Body)
  std::vector<uint8_t> buffer_;  // partial length prefix or partial message
};

}  // namespace medtap::analyzers::dns
