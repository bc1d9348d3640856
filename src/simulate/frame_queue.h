// Frames waiting to be written in time order. Behaviours emit frames a little ahead of the
// simulated clock (a TCP flight, a reply after a server's think time); the queue holds them in a
// min-heap by (time, emission order) and writes everything at or before the clock whenever the
// scheduler advances, so the capture is in time order and identical for identical inputs.
// Frames live in fixed-size slots recycled through a free list: no allocation per frame once the
// pool has grown to the largest number of frames in flight at once.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/timestamp.h"
#include "simulate/frame.h"
#include "simulate/pcap_writer.h"

namespace medtap::simulate {

class FrameQueue {
 public:
  // Upper bound on frames emitted but not yet written. A single behaviour step emits at most
  // one TCP transfer (a DICOM object of a few MB); 1<<17 slots of 1.5 KB bound the pool at about
  // 200 MB, and a typical ward needs a few thousand.
  static constexpr size_t kMaxPendingFrames = 1 << 17;
  static constexpr size_t kSlotBytes = 1536;  // >= kMaxFrameBytes, 64-byte multiple
  static constexpr size_t kSlotsPerChunk = 256;
  static_assert(kSlotBytes >= kMaxFrameBytes);

  explicit FrameQueue(PcapWriter& writer) : writer_(writer) {}

  // A buffer of kMaxFrameBytes for the next frame; valid until commit().
  uint8_t* reserve();
  // Queues the reserved frame for time ts. A frame before the last written time (a behaviour
  // bug) is written at that time instead and counted in lateFrames().
  void commit(Timestamp ts, size_t len);

  // Writes every queued frame with time <= t, in order.
  void flushThrough(Timestamp t);
  void flushAll();

  size_t pending() const { return heap_.size(); }
  size_t highWater() const { return high_water_; }
  uint64_t lateFrames() const { return late_frames_; }
  uint64_t committed() const { return seq_; }
  // Bytes of the frames still queued, as the file will hold them (record headers included).
  uint64_t pendingFileBytes() const { return pending_bytes_; }

 private:
  struct Entry {
    int64_t ns;
    uint64_t seq;
    uint32_t slot;
    uint32_t len;
  };
  // Heap order: earliest time first, then emission order.
  static bool later(const Entry& a, const Entry& b) {
    return a.ns != b.ns ? a.ns > b.ns : a.seq > b.seq;
  }
  uint8_t* slotData(uint32_t slot) {
    return chunks_[slot / kSlotsPerChunk].get() + (slot % kSlotsPerChunk) * kSlotBytes;
  }
  void writeTop();

  PcapWriter& writer_;
  std::vector<std::unique_ptr<uint8_t[]>> chunks_;
  std::vector<uint32_t> free_;
  std::vector<Entry> heap_;
  uint32_t reserved_ = 0;
  bool has_reserved_ = false;
  uint64_t seq_ = 0;
  int64_t written_through_ns_ = INT64_MIN;
  size_t high_water_ = 0;
  uint64_t late_frames_ = 0;
  uint64_t pending_bytes_ = 0;
};

}  // namespace medtap::simulate
