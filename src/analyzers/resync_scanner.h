// Resynchronisation after a TCP gap for length-framed protocols (SunRPC record marking, the DICOM
// upper layer, the Contec stream): they carry no start marker to restart at, so after bytes are
// lost the framer scans forward for the first offset where a plausible frame header begins, as
// judged by a protocol's strict check, within a bounded window. MLLP needs none of this: its
// start block 0x0B is a marker, found with one byte search (hl7/mllp_framer.cc).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.h"

namespace medtap::analyzers {

enum class FrameCheck : uint8_t {
  No,        // no frame starts here
  NeedMore,  // the bytes end before the check can decide
  Yes,       // a frame plausibly starts here
};

class ResyncScanner {
 public:
  // `check` judges the bytes from a candidate offset to the end of what has arrived; it decides
  // with at most `lookahead` bytes (it never answers NeedMore when given that many). `window`
  // bounds the bytes scanned after a gap before the direction is given up.
  using Check = FrameCheck (*)(Bytes candidate);
  ResyncScanner(Check check, size_t lookahead, uint64_t window)
      : check_(check), lookahead_(lookahead), window_(window) {}

  enum class Outcome : uint8_t {
    Searching,  // no frame start yet; every byte of `data` was used
    Found,      // a frame starts: replay() then data.subspan(offset) are the framer's
    Lost,       // the window is spent: give the direction up
  };

  // Bytes were lost: the next scan() starts a new search.
  void start() {
    carry_.clear();
    scanned_ = 0;
  }

  Outcome scan(Bytes data, size_t& offset) {
    replay_.clear();
    offset = 0;
    // Candidates that began in the previous chunk: judged over its tail and this chunk's start.
    if (!carry_.empty()) {
      std::vector<uint8_t> joint(carry_);
      const size_t more = std::min(lookahead_, data.size());
      joint.insert(joint.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(more));
      for (size_t i = 0; i < carry_.size(); ++i) {
        switch (judge(Bytes(joint).subspan(i))) {
          case FrameCheck::Yes:
            replay_.assign(carry_.begin() + static_cast<std::ptrdiff_t>(i), carry_.end());
            carry_.clear();
            return Outcome::Found;
          case FrameCheck::NeedMore:  // this chunk is shorter than the lookahead
            carry_.assign(joint.begin() + static_cast<std::ptrdiff_t>(i), joint.end());
            return spend(data.size());
          case FrameCheck::No:
            break;
        }
      }
      carry_.clear();
    }
    for (size_t i = 0; i < data.size(); ++i) {
      switch (judge(data.subspan(i))) {
        case FrameCheck::Yes:
          offset = i;
          return Outcome::Found;
        case FrameCheck::NeedMore:
          carry_.assign(data.begin() + static_cast<std::ptrdiff_t>(i), data.end());
          return spend(data.size());
        case FrameCheck::No:
          break;
      }
    }
    return spend(data.size());
  }

  // After Found: bytes of the frame start that arrived in an earlier chunk, to be framed before
  // the rest. Valid until the next scan() or start().
  Bytes replay() const { return replay_; }

 private:
  FrameCheck judge(Bytes candidate) const {
    const FrameCheck r = check_(candidate);
    // A check that could not decide on `lookahead` bytes would grow the carry: treat it as No.
    return r == FrameCheck::NeedMore && candidate.size() >= lookahead_ ? FrameCheck::No : r;
  }
  Outcome spend(size_t n) {
    scanned_ += n;
    if (scanned_ <= window_) return Outcome::Searching;
    std::vector<uint8_t>().swap(carry_);
    return Outcome::Lost;
  }

  Check check_;
  size_t lookahead_;
  uint64_t window_;
  uint64_t scanned_ = 0;
  std::vector<uint8_t> carry_;   // a candidate's first bytes from earlier chunks (< lookahead)
  std::vector<uint8_t> replay_;  // see replay()
};

}  // namespace medtap::analyzers
