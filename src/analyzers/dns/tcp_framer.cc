#include "analyzers/dns/tcp_framer.h"

#include <algorithm>

#include "analyzers/dns/limits.h"

namespace medtap::analyzers::dns {

FeedResult TcpFramer::feed(Bytes data, FramerCallbacks& callbacks) {
  size_t pos = 0;
  while (pos < data.size()) {
    if (state_ == State::Failed) return FeedResult::OutOfSync;
    if (state_ == State::Length) {
      if (buffer_.empty() && pos + kTcpLengthPrefix <= data.size()) {
        need_ = readBe16(data, pos);
        pos += kTcpLengthPrefix;
      } else {
        buffer_.push_back(data[pos++]);
        if (buffer_.size() < kTcpLengthPrefix) continue;
        need_ = readBe16(Bytes(buffer_), 0);
        buffer_.clear();
      }
      if (need_ < kHeaderSize) {
        callbacks.onAnomaly(Anomaly::DnsTcpBadLength);
        state_ = State::Failed;
        return FeedResult::OutOfSync;
      }
      state_ = State::Body;
      continue;
    }
    // State::Body: whole message in this chunk, without copying, when nothing is held.
    if (buffer_.empty() && data.size() - pos >= need_) {
      callbacks.onMessage(data.subspan(pos, need_));
      pos += need_;
      state_ = State::Length;
      continue;
    }
    const size_t take = std::min(need_ - buffer_.size(), data.size() - pos);
    buffer_.insert(buffer_.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                   data.begin() + static_cast<std::ptrdiff_t>(pos + take));
    pos += take;
    if (buffer_.size() == need_) {
      callbacks.onMessage(Bytes(buffer_));
      buffer_.clear();
      state_ = State::Length;
    }
  }
  if (state_ == State::Failed) return FeedResult::OutOfSync;
  return state_ == State::Length && buffer_.empty() ? FeedResult::Consumed
                                                    : FeedResult::NeedMoreData;
}

void TcpFramer::gap(FramerCallbacks& callbacks) {
  if (state_ == State::Failed) return;
  if (state_ == State::Body || !buffer_.empty()) {
    callbacks.onAnomaly(Anomaly::DnsTcpTruncatedMessage);
  }
  // Whatever follows the gap starts at an unknown place in the length-prefixed stream.
  std::vector<uint8_t>().swap(buffer_);
  state_ = State::Failed;
}

void TcpFramer::end(FramerCallbacks& callbacks) {
  if (state_ == State::Failed) return;
  if (state_ == State::Body || !buffer_.empty()) {
    callbacks.onAnomaly(Anomaly::DnsTcpTruncatedMessage);
  }
  std::vector<uint8_t>().swap(buffer_);
  state_ = State::Length;
}

}  // namespace medtap::analyzers::dns
