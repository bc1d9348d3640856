#include "analyzers/rpc/record_marker.h"

#include <algorithm>

namespace medtap::analyzers::rpc {

FeedResult RecordFramer::feed(Bytes data, RecordCallbacks& callbacks) {
  size_t pos = 0;
  while (pos < data.size() && state_ != State::Failed && state_ != State::Lost) {
    pos =
        state_ == State::Mark ? readMark(data, pos, callbacks) : readFragment(data, pos, callbacks);
  }
  if (state_ == State::Failed) return FeedResult::OutOfSync;
  if (state_ == State::Lost) return FeedResult::Consumed;
  return recordOpen() ? FeedResult::NeedMoreData : FeedResult::Consumed;
}

size_t RecordFramer::readMark(Bytes data, size_t pos, RecordCallbacks& callbacks) {
  // Fast path: a whole single-fragment record in this chunk is handed over as a view.
  if (mark_have_ == 0 && length_ == 0 && data.size() - pos >= kRecordMarkSize) {
    const uint32_t mark = readBe32(data, pos);
    const uint32_t len = mark & ~kLastFragmentBit;
    if ((mark & kLastFragmentBit) != 0 && len > 0 && len <= limits_.max_fragment_size &&
        data.size() - pos - kRecordMarkSize >= len) {
      callbacks.onRecord(
          data.subspan(pos + kRecordMarkSize, std::min<size_t>(len, limits_.max_prefix)), len);
      return pos + kRecordMarkSize + len;
    }
  }
  const size_t take = std::min(kRecordMarkSize - mark_have_, data.size() - pos);
  std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(pos), take, mark_ + mark_have_);
  mark_have_ += take;
  pos += take;
  if (mark_have_ < kRecordMarkSize) return pos;
  mark_have_ = 0;
  const uint32_t mark = readBe32(Bytes(mark_, kRecordMarkSize), 0);
  fragment_left_ = mark & ~kLastFragmentBit;
  last_fragment_ = (mark & kLastFragmentBit) != 0;
  if (fragment_left_ > limits_.max_fragment_size || (fragment_left_ == 0 && !last_fragment_)) {
    callbacks.onAnomaly(Anomaly::RpcBadRecordMark);
    buffer_.clear();
    length_ = 0;
    state_ = State::Failed;
    return data.size();
  }
  state_ = State::Fragment;
  if (fragment_left_ == 0) finishRecord(callbacks);
  return pos;
}

size_t RecordFramer::readFragment(Bytes data, size_t pos, RecordCallbacks& callbacks) {
  const size_t take = std::min<size_t>(fragment_left_, data.size() - pos);
  const size_t room = limits_.max_prefix - std::min(limits_.max_prefix, buffer_.size());
  const size_t keep = std::min(take, room);
  buffer_.insert(buffer_.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                 data.begin() + static_cast<std::ptrdiff_t>(pos + keep));
  fragment_left_ -= static_cast<uint32_t>(take);
  length_ += take;
  pos += take;
  if (fragment_left_ == 0) {
    if (last_fragment_) {
      finishRecord(callbacks);
    } else {
      state_ = State::Mark;
    }
  }
  return pos;
}

void RecordFramer::finishRecord(RecordCallbacks& callbacks) {
  callbacks.onRecord(buffer_, length_);
  buffer_.clear();
  length_ = 0;
  state_ = State::Mark;
}

void RecordFramer::gap(RecordCallbacks& callbacks) {
  if (state_ == State::Failed || state_ == State::Lost) return;
  if (recordOpen()) callbacks.onAnomaly(Anomaly::RpcTruncatedRecord);
  callbacks.onAnomaly(Anomaly::RpcLostSync);
  std::vector<uint8_t>().swap(buffer_);
  length_ = 0;
  mark_have_ = 0;
  state_ = State::Lost;
}

void RecordFramer::end(RecordCallbacks& callbacks) {
  if (state_ == State::Failed || state_ == State::Lost) return;
  if (recordOpen()) callbacks.onAnomaly(Anomaly::RpcTruncatedRecord);
  buffer_.clear();
  length_ = 0;
  mark_have_ = 0;
  state_ = State::Mark;
}

}  // namespace medtap::analyzers::rpc
