#include "analyzers/hl7/raw_framer.h"

#include <algorithm>
#include <string_view>

namespace medtap::analyzers::hl7 {

namespace {

constexpr std::string_view kMsh = "MSH";

bool isBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == '\r' || c == '\n' || c == ' ' || c == '\t'; });
}

}  // namespace

size_t findRawMessageStart(std::string_view text, size_t from) {
  from = std::max<size_t>(from, 1);
  while (from < text.size()) {
    const size_t m = text.find(kMsh, from);
    if (m == std::string_view::npos) return std::string_view::npos;
    if (text[m - 1] == '\r' || text[m - 1] == '\n') return m;
    from = m + 1;
  }
  return std::string_view::npos;
}

FeedResult RawFramer::feed(Bytes data, FramerCallbacks& callbacks) {
  if (state_ == State::Failed) return FeedResult::OutOfSync;
  if (state_ == State::Skipping) {
    skip(data);
  } else {
    buffer_.insert(buffer_.end(), data.begin(), data.end());
  }
  deliverComplete(callbacks);
  if (state_ == State::InMessage && buffer_.size() > max_message_size_) {
    callbacks.onAnomaly(Anomaly::Hl7OversizedMessage);
    // Keep the tail: a message start may straddle this feed and the next.
    buffer_.erase(buffer_.begin(), buffer_.end() - static_cast<std::ptrdiff_t>(kMsh.size()));
    skipped_ = 0;
    state_ = State::Skipping;
  }
  if (state_ == State::Skipping && skipped_ > max_message_size_) state_ = State::Failed;
  if (state_ == State::Failed) return FeedResult::OutOfSync;
  return state_ == State::InMessage && !buffer_.empty() ? FeedResult::NeedMoreData
                                                        : FeedResult::Consumed;
}

void RawFramer::gap(FramerCallbacks& callbacks) {
  if (state_ == State::Failed) return;
  if (state_ == State::InMessage && !isBlank(asChars(buffer_))) {
    callbacks.onAnomaly(Anomaly::Hl7TruncatedMessage);
  }
  // What follows the gap may start right at a message: act as if a line break came before it.
  buffer_.assign(1, '\n');
  skipped_ = 0;
  state_ = State::Skipping;
}

void RawFramer::end(FramerCallbacks& callbacks) {
  if (state_ == State::InMessage) deliver(asChars(buffer_), callbacks);
  if (state_ != State::Failed) state_ = State::Skipping;
  buffer_.clear();
  if (buffer_.capacity() > kRetainedBufferCapacity) std::vector<uint8_t>().swap(buffer_);
}

// Skipping: look for a message start in the kept tail plus `data`, and open a message there.
void RawFramer::skip(Bytes data) {
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  const size_t start = findRawMessageStart(asChars(buffer_), 1);
  if (start == std::string_view::npos) {
    skipped_ += data.size();
    const size_t keep = std::min(buffer_.size(), kMsh.size());
    buffer_.erase(buffer_.begin(), buffer_.end() - static_cast<std::ptrdiff_t>(keep));
    return;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start));
  skipped_ = 0;
  scan_from_ = 1;
  state_ = State::InMessage;
}

void RawFramer::deliverComplete(FramerCallbacks& callbacks) {
  if (state_ != State::InMessage) return;
  const std::string_view text = asChars(buffer_);
  size_t begin = 0;
  size_t next = findRawMessageStart(text, scan_from_);
  while (next != std::string_view::npos) {
    deliver(text.substr(begin, next - begin), callbacks);
    begin = next;
    next = findRawMessageStart(text, begin + 1);
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(begin));
  // Resume where a start could still be found: a partial "\rMS" at the end needs a second look.
  scan_from_ = buffer_.size() > kMsh.size() ? buffer_.size() - kMsh.size() : 1;
}

void RawFramer::deliver(std::string_view message, FramerCallbacks& callbacks) {
  if (message.size() > max_message_size_) {
    callbacks.onAnomaly(Anomaly::Hl7OversizedMessage);
    return;
  }
  if (!isBlank(message)) callbacks.onMessage(asBytes(message));
}

}  // namespace medtap::analyzers::hl7
