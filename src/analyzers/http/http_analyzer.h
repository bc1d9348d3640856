// The HTTP/1.x analyzer: cuts each direction into messages (MessageStream), pairs each response
// with the oldest request still waiting on the connection (pipelining) and emits one `http` event
// per request/response pair, when the response ends.
#pragma once

#include <array>
#include <deque>
#include <memory>

#include "analyzers/analyzer.h"
#include "analyzers/http/message_stream.h"
#include "analyzers/registry.h"
#include "events/http.h"

namespace medtap::analyzers::http {

// Yes when a direction starts with a known method and a space, or with "HTTP/1."; Maybe while
// the bytes are a prefix of one of those; No otherwise.
ProbeResult probe(Bytes first_bytes, Direction dir);

class HttpAnalyzer final : public StreamAnalyzer {
 public:
  // OutOfSync when a direction stops being HTTP/1.x (see MessageStream::feed).
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  // When both directions have ended, requests still waiting are emitted without a response.
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

 private:
  class Callbacks;
  friend class Callbacks;

  Framing onRequest(AnalyzerContext& ctx, Head& head);
  Framing onResponse(AnalyzerContext& ctx, Direction dir, Head& head);
  // Emits a response in progress and the requests still waiting.
  void flush(AnalyzerContext& ctx, Timestamp ts);
  void onResponseEnd(AnalyzerContext& ctx, Direction dir, Timestamp ts);
  void emit(AnalyzerContext& ctx, events::HttpTransaction&& t, events::Direction dir, Timestamp ts);

  std::array<MessageStream, 2> streams_;
  std::array<bool, 2> ended_{};
  // Requests waiting for their response, oldest first (at most kMaxPendingRequests).
  std::deque<events::HttpTransaction> pending_;
  // Per direction: the response being read (its body length grows until it ends), and whether
  // the message being read is an interim 1xx response that answers no request by itself.
  std::array<std::unique_ptr<events::HttpTransaction>, 2> response_;
  std::array<bool, 2> interim_{};
  std::string scratch_;  // redaction buffer, reused
};

// Adds the "http" analyzer (TCP; port hints 80, 8080, 8000, 8008).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::http
