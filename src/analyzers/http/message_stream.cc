#include "analyzers/http/message_stream.h"

#include <algorithm>

#include "analyzers/http/limits.h"

namespace medtap::analyzers::http {

namespace {
// A chunk-size line with extensions, or one trailer line (RFC 9112 sections 7.1.1 and 7.1.2).
constexpr size_t kMaxLineLength = 4096;
}  // namespace

FeedResult MessageStream::feed(Bytes data, StreamCallbacks& cb) {
  size_t pos = 0;
  while (pos < data.size()) {
    const size_t avail = data.size() - pos;
    switch (state_) {
      case State::Head: {
        const FeedResult r = feedHead(data, pos, cb);
        if (r == FeedResult::OutOfSync) return r;
        break;
      }
      case State::Body: {
        const uint64_t n = std::min<uint64_t>(remaining_, avail);
        cb.onBody(n);
        remaining_ -= n;
        pos += static_cast<size_t>(n);
        if (remaining_ == 0) finishMessage(cb);
        break;
      }
      case State::ChunkSize: {
        std::string_view line;
        if (!readLine(data, pos, line, cb)) {
          if (state_ == State::Dead) return FeedResult::OutOfSync;
          break;
        }
        const auto size = parseChunkSize(line);
        if (!size) {
          cb.onAnomaly(Anomaly::HttpBadChunk);
          cb.onMessageEnd(false);
          state_ = State::Dead;
          return FeedResult::OutOfSync;
        }
        remaining_ = *size;
        state_ = *size == 0 ? State::Trailers : State::ChunkData;
        trailer_bytes_ = 0;
        break;
      }
      case State::ChunkData: {
        const uint64_t n = std::min<uint64_t>(remaining_, avail);
        cb.onBody(n);
        remaining_ -= n;
        pos += static_cast<size_t>(n);
        if (remaining_ == 0) state_ = State::ChunkDataEnd;
        break;
      }
      case State::ChunkDataEnd: {
        std::string_view line;
        if (!readLine(data, pos, line, cb)) {
          if (state_ == State::Dead) return FeedResult::OutOfSync;
          break;
        }
        if (!line.empty()) {
          cb.onAnomaly(Anomaly::HttpBadChunk);
          cb.onMessageEnd(false);
          state_ = State::Dead;
          return FeedResult::OutOfSync;
        }
        state_ = State::ChunkSize;
        break;
      }
      case State::Trailers: {
        std::string_view line;
        if (!readLine(data, pos, line, cb)) {
          if (state_ == State::Dead) return FeedResult::OutOfSync;
          break;
        }
        trailer_bytes_ += line.size() + 2;
        if (line.empty()) {
          finishMessage(cb);
        } else if (trailer_bytes_ > kMaxHeaderSection) {
          cb.onAnomaly(Anomaly::HttpOversizedHeader);
          cb.onMessageEnd(false);
          state_ = State::Dead;
          return FeedResult::OutOfSync;
        }
        break;
      }
      case State::UntilClose:
        cb.onBody(avail);
        pos = data.size();
        break;
      case State::Tunnel:
      case State::Dead:
        return FeedResult::Consumed;
    }
  }
  return FeedResult::Consumed;
}

// Finds the empty line that ends the head with a small per-byte state machine that works the
// same whether the head arrives whole or byte by byte; a head seen whole in one feed() call is
// parsed in place, otherwise it is gathered in head_.
FeedResult MessageStream::feedHead(Bytes data, size_t& pos, StreamCallbacks& cb) {
  const std::string_view text = asChars(data);
  if (!in_head_) {
    // RFC 9112 section 2.2: empty lines before a request line are ignored (robustness).
    while (pos < text.size() && (text[pos] == '\r' || text[pos] == '\n')) ++pos;
    if (pos == text.size()) return FeedResult::Consumed;
    in_head_ = true;
    line_length_ = 0;
  }
  const size_t start = pos;
  bool complete = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (c == '\n') {
      if (line_length_ == 0) {
        complete = true;
        break;
      }
      line_length_ = 0;
    } else if (c != '\r') {
      ++line_length_;
    }
  }
  const std::string_view part = text.substr(start, pos - start);
  if (head_.size() + part.size() > kMaxHeaderSection) {
    cb.onAnomaly(Anomaly::HttpOversizedHeader);
    state_ = State::Dead;
    head_.clear();
    return FeedResult::OutOfSync;
  }
  std::string_view section;
  if (complete && head_.empty()) {
    section = part;
  } else {
    head_.append(part);
    if (!complete) return FeedResult::Consumed;
    section = head_;
  }
  Head head;
  AnomalyCounters counters;
  const HeadStatus status = parseHead(section, head, counters);
  for (Anomaly a : head.anomalies) cb.onAnomaly(a);
  in_head_ = false;
  if (status != HeadStatus::Ok) {
    cb.onAnomaly(Anomaly::HttpBadStartLine);
    state_ = State::Dead;
    head_.clear();
    return FeedResult::OutOfSync;
  }
  const Framing framing = cb.onHead(head);
  const uint64_t length = head.content_length.value_or(0);
  head_.clear();
  if (head_.capacity() > kMaxHeaderSection / 4) head_.shrink_to_fit();
  return startBody(framing, length, cb);
}

FeedResult MessageStream::startBody(Framing framing, uint64_t length, StreamCallbacks& cb) {
  switch (framing) {
    case Framing::None:
      finishMessage(cb);
      break;
    case Framing::Length:
      remaining_ = length;
      state_ = State::Body;
      if (length == 0) finishMessage(cb);
      break;
    case Framing::Chunked:
      state_ = State::ChunkSize;
      break;
    case Framing::UntilClose:
      state_ = State::UntilClose;
      break;
    case Framing::Tunnel:
      cb.onMessageEnd(true);
      state_ = State::Tunnel;
      break;
  }
  return FeedResult::Consumed;
}

bool MessageStream::readLine(Bytes data, size_t& pos, std::string_view& line, StreamCallbacks& cb) {
  if (line_consumed_) {
    line_.clear();
    line_consumed_ = false;
  }
  const std::string_view text = asChars(data).substr(pos);
  const size_t lf = text.find('\n');
  const std::string_view part = text.substr(0, lf == std::string_view::npos ? text.size() : lf);
  if (line_.size() + part.size() > kMaxLineLength) {
    cb.onAnomaly(Anomaly::HttpBadChunk);
    cb.onMessageEnd(false);
    state_ = State::Dead;
    line_.clear();
    return false;
  }
  if (lf == std::string_view::npos) {
    line_.append(part);
    pos += part.size();
    return false;
  }
  pos += lf + 1;
  if (line_.empty()) {
    line = part;
  } else {
    line_.append(part);
    line = line_;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // A line gathered in line_ is cleared at the next readLine: the view stays valid until then.
  line_consumed_ = !line_.empty();
  return true;
}

void MessageStream::finishMessage(StreamCallbacks& cb) {
  state_ = State::Head;
  cb.onMessageEnd(true);
}

void MessageStream::gap(uint64_t length, StreamCallbacks& cb) {
  switch (state_) {
    case State::Body:
    case State::ChunkData:
      if (length < remaining_) {
        cb.onBody(length);
        remaining_ -= length;
        return;
      }
      break;
    case State::UntilClose:
      cb.onBody(length);
      return;
    case State::Head:
      if (!in_head_) {
        // Between messages: the next bytes start somewhere unknown.
        state_ = State::Dead;
        return;
      }
      break;
    case State::Tunnel:
    case State::Dead:
      return;
    default:
      break;
  }
  cb.onAnomaly(Anomaly::HttpTruncatedMessage);
  cb.onMessageEnd(false);
  head_.clear();
  in_head_ = false;
  state_ = State::Dead;
}

void MessageStream::end(StreamCallbacks& cb) {
  switch (state_) {
    case State::UntilClose:
      cb.onMessageEnd(true);
      break;
    case State::Head:
      if (!in_head_) break;
      [[fallthrough]];
    case State::Body:
    case State::ChunkSize:
    case State::ChunkData:
    case State::ChunkDataEnd:
    case State::Trailers:
      cb.onAnomaly(Anomaly::HttpTruncatedMessage);
      cb.onMessageEnd(false);
      break;
    case State::Tunnel:
    case State::Dead:
      break;
  }
  head_.clear();
  in_head_ = false;
  state_ = State::Dead;
}

}  // namespace medtap::analyzers::http
