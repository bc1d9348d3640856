#include "simulate/frame_queue.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace medtap::simulate {

uint8_t* FrameQueue::reserve() {
  assert(!has_reserved_);
  if (free_.empty()) {
    const size_t slots = chunks_.size() * kSlotsPerChunk;
    if (slots >= kMaxPendingFrames) {
      // A behaviour emitted more than a bounded step's worth of frames ahead of the clock: a
      // bug in the simulator, not a property of the input.
      throw std::length_error("simulate: more than kMaxPendingFrames frames queued");
    }
    chunks_.push_back(std::make_unique<uint8_t[]>(kSlotsPerChunk * kSlotBytes));
    for (size_t i = kSlotsPerChunk; i-- > 0;) free_.push_back(static_cast<uint32_t>(slots + i));
  }
  reserved_ = free_.back();
  free_.pop_back();
  has_reserved_ = true;
  return slotData(reserved_);
}

void FrameQueue::commit(Timestamp ts, size_t len) {
  assert(has_reserved_ && len <= kSlotBytes);
  has_reserved_ = false;
  int64_t ns = ts.ns;
  if (ns < written_through_ns_) {
    ++late_frames_;
    ns = written_through_ns_;
  }
  heap_.push_back(Entry{ns, seq_++, reserved_, static_cast<uint32_t>(len)});
  std::push_heap(heap_.begin(), heap_.end(), later);
  pending_bytes_ += PcapWriter::kRecordHeaderBytes + len;
  high_water_ = std::max(high_water_, heap_.size());
}

void FrameQueue::writeTop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const Entry e = heap_.back();
  heap_.pop_back();
  writer_.write(Timestamp{e.ns}, Bytes(slotData(e.slot), e.len));
  pending_bytes_ -= PcapWriter::kRecordHeaderBytes + e.len;
  free_.push_back(e.slot);
  written_through_ns_ = e.ns;
}

void FrameQueue::flushThrough(Timestamp t) {
  while (!heap_.empty() && heap_.front().ns <= t.ns) writeTop();
  written_through_ns_ = std::max(written_through_ns_, t.ns);
}

void FrameQueue::flushAll() {
  while (!heap_.empty()) writeTop();
}

}  // namespace medtap::simulate
