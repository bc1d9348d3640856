#include "analyzers/contec_cms/block_framer.h"

#include <algorithm>

#include "analyzers/contec_cms/limits.h"

namespace medtap::analyzers::contec_cms {

namespace {

// A header's block size (length field included), or 0 when it is not a block header.
size_t headerSize(Bytes header) {
  const uint16_t length = readLe16(header, 0);
  const bool ok =
      length >= 2 && length <= kMaxBlockSize && header[2] == kMarker && isKnownBlockType(header[3]);
  return ok ? kLengthSize + length : 0;
}

}  // namespace

bool isKnownBlockType(uint8_t type) {
  switch (static_cast<BlockType>(type)) {
    case BlockType::PatientRecord:
    case BlockType::Empty43:
    case BlockType::BedNumber:
    case BlockType::Telemetry:
    case BlockType::EndOfCycle:
    case BlockType::Error:
      return true;
  }
  return false;
}

FrameCheck blockStart(Bytes b) {
  if (b.size() < kHeaderSize) return FrameCheck::NeedMore;
  const size_t size = headerSize(b.first(kHeaderSize));
  if (size == 0) return FrameCheck::No;
  if (b.size() < size + kHeaderSize) return FrameCheck::NeedMore;
  return headerSize(b.subspan(size, kHeaderSize)) != 0 ? FrameCheck::Yes : FrameCheck::No;
}

bool BlockFramer::checkHeader(Bytes header, size_t& size, BlockCallbacks& callbacks) {
  const uint16_t length = readLe16(header, 0);
  if (length < 2 || length > kMaxBlockSize || header[2] != kMarker) {
    callbacks.onAnomaly(Anomaly::ContecBadBlock);
    state_ = State::Failed;
    buffer_.clear();
    return false;
  }
  size = kLengthSize + length;
  return true;
}

FeedResult BlockFramer::feed(Bytes data, BlockCallbacks& callbacks) {
  if (state_ == State::Resync) {
    const size_t pos = scanForBlock(data, callbacks);
    if (state_ != State::Reading) return FeedResult::Consumed;
    data = data.subspan(pos);
  }
  return frame(data, callbacks);
}

size_t BlockFramer::scanForBlock(Bytes data, BlockCallbacks& callbacks) {
  size_t offset = 0;
  switch (resync_.scan(data, offset)) {
    case ResyncScanner::Outcome::Searching:
      return data.size();
    case ResyncScanner::Outcome::Lost:
      callbacks.onAnomaly(Anomaly::ContecLostSync);
      state_ = State::Lost;
      return data.size();
    case ResyncScanner::Outcome::Found:
      break;
  }
  callbacks.onAnomaly(Anomaly::ContecResynced);
  state_ = State::Reading;
  // The block's first bytes that came in earlier chunks.
  const std::vector<uint8_t> head(resync_.replay().begin(), resync_.replay().end());
  if (!head.empty()) frame(head, callbacks);
  return offset;
}

FeedResult BlockFramer::frame(Bytes data, BlockCallbacks& callbacks) {
  size_t pos = 0;
  while (pos < data.size() && state_ == State::Reading) {
    if (buffer_.empty() && data.size() - pos >= kHeaderSize) {
      // Fast path: the header is in this chunk.
      size_t size = 0;
      if (!checkHeader(data.subspan(pos, kHeaderSize), size, callbacks)) break;
      if (data.size() - pos >= size) {
        callbacks.onBlock(data[pos + 3], data.subspan(pos + kHeaderSize, size - kHeaderSize));
        pos += size;
        continue;
      }
    }
    // Slow path: collect the header, then the rest of the block, in buffer_.
    if (buffer_.size() < kHeaderSize) {
      const size_t take = std::min(kHeaderSize - buffer_.size(), data.size() - pos);
      buffer_.insert(buffer_.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                     data.begin() + static_cast<std::ptrdiff_t>(pos + take));
      pos += take;
      if (buffer_.size() < kHeaderSize) break;
    }
    size_t size = 0;
    if (!checkHeader(buffer_, size, callbacks)) break;
    const size_t take = std::min(size - buffer_.size(), data.size() - pos);
    buffer_.insert(buffer_.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                   data.begin() + static_cast<std::ptrdiff_t>(pos + take));
    pos += take;
    if (buffer_.size() == size) {
      callbacks.onBlock(buffer_[3], Bytes(buffer_).subspan(kHeaderSize));
      buffer_.clear();
    }
  }
  if (state_ == State::Failed) return FeedResult::OutOfSync;
  return buffer_.empty() ? FeedResult::Consumed : FeedResult::NeedMoreData;
}

void BlockFramer::gap(BlockCallbacks& callbacks) {
  if (state_ != State::Reading && state_ != State::Resync) return;
  if (!buffer_.empty()) callbacks.onAnomaly(Anomaly::ContecTruncatedBlock);
  std::vector<uint8_t>().swap(buffer_);
  state_ = State::Resync;
  resync_.start();
}

void BlockFramer::end(BlockCallbacks& callbacks) {
  if (state_ != State::Reading) return;
  if (!buffer_.empty()) callbacks.onAnomaly(Anomaly::ContecTruncatedBlock);
  buffer_.clear();
}

}  // namespace medtap::analyzers::contec_cms
