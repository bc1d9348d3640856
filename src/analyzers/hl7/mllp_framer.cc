#include "analyzers/hl7/mllp_framer.h"

#include <algorithm>
#include <cstring>

namespace medtap::analyzers::hl7 {

namespace {

// Offset of the first `byte` in data[from, to), or `to`.
size_t findByte(Bytes data, size_t from, size_t to, uint8_t byte) {
  if (from >= to) return to;
  const void* hit = std::memchr(data.data() + from, byte, to - from);
  return hit == nullptr ? to : static_cast<size_t>(static_cast<const uint8_t*>(hit) - data.data());
}

bool isLineBreak(uint8_t b) {
  return b == '\r' || b == '\n';
}

}  // namespace

FeedResult MllpFramer::feed(Bytes data, FramerCallbacks& callbacks) {
  size_t pos = 0;
  while (pos < data.size() && state_ != State::Failed) {
    switch (state_) {
      case State::Outside:
        pos = skipOutside(data, pos, callbacks);
        break;
      case State::Resync:
        pos = skipResync(data, pos);
        break;
      case State::InFrame:
        pos = collectFrame(data, pos, callbacks);
        break;
      case State::Discarding:
        pos = skipOversized(data, pos);
        break;
      case State::ExpectCr:
        if (data[pos] == kMllpCarriageReturn) {
          ++pos;
        } else {
          // Not consumed: the byte is looked at again as the start of what follows.
          callbacks.onAnomaly(Anomaly::MllpMissingEndBlock);
        }
        state_ = State::Outside;
        break;
      case State::Failed:
        break;
    }
  }
  if (state_ == State::Failed) return FeedResult::OutOfSync;
  return state_ == State::InFrame ? FeedResult::NeedMoreData : FeedResult::Consumed;
}

void MllpFramer::gap(FramerCallbacks& callbacks) {
  switch (state_) {
    case State::InFrame:
      callbacks.onAnomaly(Anomaly::MllpTruncatedMessage);
      dropBuffer();
      break;
    case State::Failed:
      return;
    default:
      break;  // nothing open, or an oversized frame already counted
  }
  // The lost bytes may have held an <SB>: whatever follows up to the next one is the rest of a
  // message we cannot use, not garbage worth an anomaly.
  state_ = State::Resync;
  skipped_ = 0;
}

void MllpFramer::end(FramerCallbacks& callbacks) {
  switch (state_) {
    case State::InFrame:
      callbacks.onAnomaly(Anomaly::MllpTruncatedMessage);
      dropBuffer();
      break;
    case State::ExpectCr:
      callbacks.onAnomaly(Anomaly::MllpMissingEndBlock);
      break;
    case State::Failed:
      return;
    default:
      break;
  }
  state_ = State::Outside;
}

// Between frames: skip to the next <SB>, counting one anomaly per run of stray bytes.
size_t MllpFramer::skipOutside(Bytes data, size_t pos, FramerCallbacks& callbacks) {
  const size_t sb = findByte(data, pos, data.size(), kMllpStartBlock);
  if (!outside_run_reported_ && std::any_of(data.begin() + pos, data.begin() + sb,
                                            [](uint8_t b) { return !isLineBreak(b); })) {
    callbacks.onAnomaly(Anomaly::MllpMissingStartBlock);
    outside_run_reported_ = true;
  }
  skipped_ += sb - pos;
  if (skipped_ > limits_.max_bytes_outside_frame) {
    state_ = State::Failed;
    return data.size();
  }
  if (sb == data.size()) return sb;
  startFrame();
  return sb + 1;
}

// After a gap: skip quietly to the next <SB>. A frame is never longer than the message limit, so
// skipping more than that means the stream is no longer MLLP.
size_t MllpFramer::skipResync(Bytes data, size_t pos) {
  const size_t sb = findByte(data, pos, data.size(), kMllpStartBlock);
  skipped_ += sb - pos;
  if (skipped_ > limits_.max_message_size + limits_.max_bytes_outside_frame) {
    state_ = State::Failed;
    return data.size();
  }
  if (sb == data.size()) return sb;
  startFrame();
  return sb + 1;
}

// Inside a frame: deliver it when <EB> arrives, as a view when the whole frame is in `data`.
size_t MllpFramer::collectFrame(Bytes data, size_t pos, FramerCallbacks& callbacks) {
  const size_t eb = findByte(data, pos, data.size(), kMllpEndBlock);
  const size_t sb = findByte(data, pos, eb, kMllpStartBlock);
  const size_t stop = std::min(sb, eb);  // the part of this frame in `data`
  const size_t part = stop - pos;
  if (frame_size_ + part > limits_.max_message_size) {
    callbacks.onAnomaly(Anomaly::MllpOversizedMessage);
    dropBuffer();
    state_ = State::Discarding;
    return stop;  // skipOversized() handles the <SB> or <EB> at `stop`, if any
  }
  if (sb < eb) {
    // A new frame starts before this one ended: the sender gave up on it.
    callbacks.onAnomaly(Anomaly::MllpTruncatedMessage);
    dropBuffer();
    startFrame();
    return sb + 1;
  }
  if (eb == data.size()) {
    buffer_.insert(buffer_.end(), data.begin() + pos, data.end());
    frame_size_ += part;
    return eb;
  }
  Bytes message;
  if (buffer_.empty()) {
    message = data.subspan(pos, part);
  } else {
    buffer_.insert(buffer_.end(), data.begin() + pos, data.begin() + eb);
    message = buffer_;
  }
  if (!message.empty()) callbacks.onMessage(message);
  dropBuffer();
  state_ = State::ExpectCr;
  return eb + 1;
}

// Inside an oversized frame: skip to its <EB>, or to an <SB> that starts the next frame.
size_t MllpFramer::skipOversized(Bytes data, size_t pos) {
  const size_t eb = findByte(data, pos, data.size(), kMllpEndBlock);
  const size_t sb = findByte(data, pos, eb, kMllpStartBlock);
  if (sb < eb) {
    startFrame();
    return sb + 1;
  }
  if (eb == data.size()) return eb;
  state_ = State::ExpectCr;
  return eb + 1;
}

void MllpFramer::startFrame() {
  state_ = State::InFrame;
  frame_size_ = 0;
  skipped_ = 0;
  outside_run_reported_ = false;
}

// Forgets the open frame's bytes. Keeps a small buffer's capacity for the next split frame, but
// gives a large one back so that one big message does not pin memory for the life of the flow.
void MllpFramer::dropBuffer() {
  buffer_.clear();
  if (buffer_.capacity() > kRetainedBufferCapacity) std::vector<uint8_t>().swap(buffer_);
  frame_size_ = 0;
}

}  // namespace medtap::analyzers::hl7
