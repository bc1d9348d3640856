// Cuts one direction of the Contec central-station stream into blocks: uint16 LE length (marker +
// type + payload), 0x05, type, payload (layout: limits.h, unconfirmed). Blocks wholly inside one
// chunk are handed over as views; only blocks split across chunks are copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "analyzers/analyzer.h"
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

// Malformed input: a length below 2 or beyond kMaxBlockSize, or a marker other than 0x05:
// contec_bad_block and OutOfSync (no way to find the next block). A gap or the end inside a
// block: contec_truncated_block; after a gap the direction is ignored (Lost).
class BlockFramer {
 public:
  FeedResult feed(Bytes data, BlockCallbacks& callbacks);
  void gap(BlockCallbacks& callbacks);
  void end(BlockCallbacks& callbacks);
  size_t bufferedBytes() const { return buffer_.size(); }

 private:
  enum class State : uint8_t { Reading, Lost, Failed };
  // Whether `header` (4 bytes) starts a valid block; its total size in `size`.
  bool checkHeader(Bytes header, size_t& size, BlockCallbacks& callbacks);

  State state_ = State::Reading;
  std::vector<uint8_t> buffer_;  // the open block's bytes from earlier chunks
};

}  // namespace medtap::analyzers::contec_cms
