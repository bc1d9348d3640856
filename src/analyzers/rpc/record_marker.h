// RPC record marking over TCP (RFC 5531 section 11): each record is sent as fragments, each with a
// 4-byte big-endian header whose top bit marks the last fragment and whose other 31 bits give the
// fragment's length. The framer cuts one direction of a stream into records and keeps at most the
// first kMaxRecordPrefix bytes of each (the headers the analyzer reads); the rest is skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/resync_scanner.h"
#include "analyzers/rpc/limits.h"
#include "core/anomaly.h"
#include "core/bytes.h"

namespace medtap::analyzers::rpc {

class RecordCallbacks {
 public:
  virtual ~RecordCallbacks() = default;
  // One record: `prefix` holds its first min(length, max_prefix) bytes and is valid only during
  // the call (a view into the caller's chunk or into the framer's buffer); `length` is the
  // record's full length.
  virtual void onRecord(Bytes prefix, uint64_t length) = 0;
  virtual void onAnomaly(Anomaly anomaly) = 0;
};

struct RecordLimits {
  uint32_t max_fragment_size = kMaxFragmentSize;
  size_t max_prefix = kMaxRecordPrefix;
  uint64_t resync_window = kMaxResyncScan;
};

// Whether a record plausibly starts at the first byte of `b` (a record mark, then an RPC call or
// reply header); decides with at most kResyncLookahead bytes.
FrameCheck recordStart(Bytes b);

// Incremental record framer for one direction. Malformed input:
// - a fragment length of zero without the last-fragment bit, or beyond max_fragment_size:
//   rpc_bad_record_mark; the direction is given up (OutOfSync): without a valid mark there is no
//   way to find the next record;
// - a gap: the open record is dropped (rpc_truncated_record if one was open) and the framer scans
//   forward for the next record (ResyncScanner): a record mark followed by a call header (RPC
//   version 2, credentials of a known size) or a reply header (a known reply and accept status),
//   checks strict enough that file data does not pass them. Found: rpc_resynced, and framing goes
//   on from there. Not found within resync_window bytes: rpc_lost_sync, and the rest of the
//   direction is ignored; the other direction and the calls already seen go on;
// - the end of the stream inside a record: rpc_truncated_record.
class RecordFramer {
 public:
  explicit RecordFramer(const RecordLimits& limits = {})
      : limits_(limits), resync_(&recordStart, kResyncLookahead, limits.resync_window) {}

  // Consumed: no record is open (or the framer is scanning, or the direction is ignored after a
  // gap); NeedMoreData: a record is open; OutOfSync: given up after a bad mark, every later call
  // does nothing.
  FeedResult feed(Bytes data, RecordCallbacks& callbacks);
  void gap(RecordCallbacks& callbacks);
  void end(RecordCallbacks& callbacks);

  size_t bufferedBytes() const { return buffer_.size(); }

 private:
  enum class State : uint8_t { Mark, Fragment, Resync, Lost, Failed };

  size_t readMark(Bytes data, size_t pos, RecordCallbacks& callbacks);
  size_t readFragment(Bytes data, size_t pos, RecordCallbacks& callbacks);
  size_t scanForRecord(Bytes data, size_t pos, RecordCallbacks& callbacks);
  void finishRecord(RecordCallbacks& callbacks);
  bool recordOpen() const { return state_ == State::Fragment || mark_have_ > 0 || length_ > 0; }

  RecordLimits limits_;
  State state_ = State::Mark;
  uint8_t mark_[kRecordMarkSize] = {};
  size_t mark_have_ = 0;
  uint32_t fragment_left_ = 0;
  bool last_fragment_ = false;
  uint64_t length_ = 0;          // bytes of the open record so far
  std::vector<uint8_t> buffer_;  // its first bytes, up to max_prefix
  ResyncScanner resync_;         // after a gap
};

}  // namespace medtap::analyzers::rpc
