// MLLP framing (HL7 v2.5.1 Appendix C.4, Minimal Lower Layer Protocol): each message travels as
// <SB> message <EB><CR>, with <SB> = 0x0B, <EB> = 0x1C, <CR> = 0x0D. The framer cuts one direction
// of a TCP stream into messages; it knows nothing of HL7 itself (hl7_header.h parses them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/hl7/limits.h"
#include "core/anomaly.h"
#include "core/bytes.h"

namespace medtap::analyzers::hl7 {

// How a framer reports what it finds (STYLE.md 5). Tests mock it.
class FramerCallbacks {
 public:
  virtual ~FramerCallbacks() = default;
  // One complete message without its framing. `message` is valid only during the call: it points
  // into the caller's chunk when the whole frame arrived in one feed(), else into the framer's
  // buffer.
  virtual void onMessage(Bytes message) = 0;
  virtual void onAnomaly(Anomaly anomaly) = 0;
};

struct MllpLimits {
  size_t max_message_size = kMaxMessageSize;
  size_t max_bytes_outside_frame = kMaxBytesOutsideFrame;
};

// Incremental MLLP framer for one direction of a stream. Never buffers more than
// max_message_size bytes; copies only frames split across feed() calls.
//
// Malformed input, and what the framer does with it:
// - bytes outside a frame (other than CR/LF, which some senders add after <EB><CR>):
//   mllp_missing_start_block once per run, then skip to the next <SB>; a run longer than
//   max_bytes_outside_frame makes feed() return OutOfSync (the stream is not MLLP);
// - <EB> not followed by <CR>: mllp_missing_end_block, the message is delivered anyway (common);
// - a frame longer than max_message_size: mllp_oversized_message, the rest of that frame is
//   skipped without buffering and the framer stays in sync;
// - <SB> inside a frame (the sender restarted) or a gap or the end of the stream inside a frame:
//   the partial message is dropped, mllp_truncated_message. After a gap the framer skips quietly
//   to the next <SB>.
// Empty frames (<SB><EB><CR>, used by some peers as keep-alives) are skipped silently.
class MllpFramer {
 public:
  explicit MllpFramer(const MllpLimits& limits = {}) : limits_(limits) {}

  // Consumed: nothing is pending; NeedMoreData: a frame is open and its bytes are held;
  // OutOfSync: the stream is not MLLP, and every later call does nothing and returns OutOfSync.
  FeedResult feed(Bytes data, FramerCallbacks& callbacks);
  // Bytes of this direction were lost: drop any partial message and resynchronise.
  void gap(FramerCallbacks& callbacks);
  // The direction ended: report what was left open.
  void end(FramerCallbacks& callbacks);

  // Bytes of the open frame held in the framer's own buffer (for tests and memory accounting).
  size_t bufferedBytes() const { return buffer_.size(); }

 private:
  enum class State : uint8_t {
    Outside,     // between frames: expect <SB>
    InFrame,     // inside a frame: collecting until <EB>
    ExpectCr,    // saw <EB>: expect <CR>
    Discarding,  // inside an oversized frame: skipping until <EB>
    Resync,      // after a gap: skipping quietly until <SB>
    Failed,      // gave up (OutOfSync)
  };

  size_t skipOutside(Bytes data, size_t pos, FramerCallbacks& callbacks);
  size_t skipResync(Bytes data, size_t pos);
  size_t collectFrame(Bytes data, size_t pos, FramerCallbacks& callbacks);
  size_t skipOversized(Bytes data, size_t pos);
  void startFrame();
  void dropBuffer();

  MllpLimits limits_;
  State state_ = State::Outside;
  bool outside_run_reported_ = false;  // mllp_missing_start_block already counted for this run
  size_t skipped_ = 0;                 // bytes skipped in a row (Outside, Resync)
  size_t frame_size_ = 0;              // bytes of the open frame so far (InFrame, Discarding)
  std::vector<uint8_t> buffer_;        // the open frame's bytes from earlier feed() calls
};

}  // namespace medtap::analyzers::hl7
