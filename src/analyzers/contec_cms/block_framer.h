// Cuts one direction of the Contec central-station stream into blocks: uint16 LE length (marker +
// type + payload), 0x05, type, payload (layout: limits.h, unconfirmed). Blocks wholly inside one
// chunk are handed over as views; only blocks split across chunks are copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/contec_cms/limits.h"
#include "analyzers/resync_scanner.h"
#include "core/anomaly.h"
#include "core/bytes.h"

namespace medtap::analyzers::contec_cms {

class BlockCallbacks {
 public:
  virtual ~BlockCallbacks() = default;
  // `payload` (after the type byte) is valid only during the call.
  virtual void onBlock(uint8_t type, Bytes payload) = 0;
  virtual void onAnomaly(Anomaly anomaly) = 0;
};

// The block types of the layout (limits.h).
bool isKnownBlockType(uint8_t type);

// Whether a block plausibly starts at the first byte of `b`: a header with a length in range, the
// marker and a known type, followed, one block later, by another such header (a lone 0x05 and a
// type byte are too common in waveform data to be trusted alone). Decides with at most
// kResyncLookahead bytes.
FrameCheck blockStart(Bytes b);

// Malformed input: a length below 2 or beyond kMaxBlockSize, or a marker other than 0x05:
// contec_bad_block and OutOfSync. A gap or the end inside a block: contec_truncated_block. After
// a gap the framer scans forward for the next block (blockStart, ResyncScanner): found,
// contec_resynced and framing goes on; not within kMaxResyncScan bytes, contec_lost_sync and the
// direction is ignored (Lost).
class BlockFramer {
 public:
  BlockFramer() : resync_(&blockStart, kResyncLookahead, kMaxResyncScan) {}
  FeedResult feed(Bytes data, BlockCallbacks& callbacks);
  void gap(BlockCallbacks& callbacks);
  void end(BlockCallbacks& callbacks);
  size_t bufferedBytes() const { return buffer_.size(); }

 private:
  enum class State : uint8_t { Reading, Resync, Lost, Failed };
  // Whether `header` (4 bytes) starts a valid block; its total size in `size`.
  bool checkHeader(Bytes header, size_t& size, BlockCallbacks& callbacks);
  FeedResult frame(Bytes data, BlockCallbacks& callbacks);
  size_t scanForBlock(Bytes data, BlockCallbacks& callbacks);

  State state_ = State::Reading;
  std::vector<uint8_t> buffer_;  // the open block's bytes from earlier chunks
  ResyncScanner resync_;         // after a gap
};

}  // namespace medtap::analyzers::contec_cms
