// Cuts one direction of an HTTP/1.x connection into messages: buffers each head (start line and
// header section, at most kMaxHeaderSection bytes), then skips the body by Content-Length or by
// chunks without buffering it, so that pipelined messages on a persistent connection follow one
// another (RFC 9112 sections 6 and 7).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "analyzers/analyzer.h"
#include "analyzers/http/http_message.h"

namespace medtap::analyzers::http {

// What a MessageStream reports (STYLE.md 5).
class StreamCallbacks {
 public:
  virtual ~StreamCallbacks() = default;
  // A complete head; `head` and its views are valid during the call only. Returns how the body
  // that follows is delimited.
  virtual Framing onHead(Head& head) = 0;
  // `n` body bytes (decoded: chunk framing excluded) of the current message went by.
  virtual void onBody(uint64_t n) = 0;
  // The current message ended: `complete` is false when a gap or the end of the stream cut it.
  virtual void onMessageEnd(bool complete) = 0;
  virtual void onAnomaly(Anomaly a) = 0;
};

class MessageStream {
 public:
  // Consumed, or OutOfSync when the bytes are not HTTP/1.x (bad start line, head beyond
  // kMaxHeaderSection, bad chunk framing); after OutOfSync the stream ignores further bytes.
  FeedResult feed(Bytes data, StreamCallbacks& cb);
  // Bytes lost: a body with a known length skips them; anything else ends the message and the
  // stream stops parsing this direction.
  void gap(uint64_t length, StreamCallbacks& cb);
  void end(StreamCallbacks& cb);
  // The other direction switched protocols (101, CONNECT): ignore the rest of this one.
  void setTunnel() { state_ = State::Tunnel; }
  bool idle() const { return state_ == State::Head && head_.empty() && !in_head_; }

 private:
  enum class State : uint8_t {
    Head,          // reading a start line and header section
    Body,          // remaining_ bytes of a Content-Length body
    ChunkSize,     // reading a chunk-size line
    ChunkData,     // remaining_ bytes of chunk data
    ChunkDataEnd,  // the CR LF after chunk data
    Trailers,      // trailer section after the last chunk
    UntilClose,    // body until the stream ends
    Tunnel,        // not HTTP any more; ignored
    Dead,          // out of sync; ignored
  };

  FeedResult feedHead(Bytes data, size_t& pos, StreamCallbacks& cb);
  FeedResult startBody(Framing framing, uint64_t length, StreamCallbacks& cb);
  // Collects one line (up to LF) into line_; true with the line (CR stripped) when complete.
  bool readLine(Bytes data, size_t& pos, std::string_view& line, StreamCallbacks& cb);
  void finishMessage(StreamCallbacks& cb);

  State state_ = State::Head;
  bool in_head_ = false;        // bytes of the current head have been seen
  size_t line_length_ = 0;      // characters of the head's current line, CR excluded
  uint64_t remaining_ = 0;      // of the body or chunk
  size_t trailer_bytes_ = 0;    // of the trailer section
  std::string head_;            // head bytes, when a head spans feed() calls
  std::string line_;            // a chunk-size or trailer line spanning feed() calls
  bool line_consumed_ = false;  // line_ holds a line already returned by readLine
};

}  // namespace medtap::analyzers::http
