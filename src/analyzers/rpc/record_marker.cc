#include "analyzers/rpc/record_marker.h"

#include <algorithm>

namespace medtap::analyzers::rpc {

namespace {

// Bounds for the resync checks: auth flavors AUTH_NONE .. AUTH_TLS are 0-7 and RPCSEC_GSS is 6
// (RFC 5531 section 8.2, RFC 9289); an opaque_auth body is at most 400 bytes; reply_stat is
// MSG_ACCEPTED or MSG_DENIED, accept_stat 0-5 (RFC 5531 section 9). A call
// is at least 40 bytes (xid to an empty verifier), a reply at least 20.
constexpr uint32_t kMaxAuthFlavor = 7;
constexpr uint32_t kMaxAcceptStat = 5;
// A denied reply is exactly xid, msg_type, reply_stat, reject_stat and either a version range
// (RPC_MISMATCH, 24 bytes) or an auth_stat (AUTH_ERROR, 20 bytes; values 0-14 with RPCSEC_GSS).
constexpr uint32_t kRejectRpcMismatch = 0, kRejectAuthError = 1;
constexpr uint32_t kDeniedMismatchLength = 24, kDeniedAuthLength = 20;
constexpr uint32_t kMaxAuthStat = 14;
constexpr uint32_t kMaxRpcVersion = 16;
constexpr uint32_t kMinCall = 40;
constexpr uint32_t kMinReply = 20;
constexpr uint32_t kMaxProgramVersion = 0xFFFF;

}  // namespace

FrameCheck recordStart(Bytes b) {
  auto word = [&](size_t i) { return readBe32(b, kRecordMarkSize + 4 * i); };
  auto have = [&](size_t words) { return b.size() >= kRecordMarkSize + 4 * words; };
  if (b.size() < kRecordMarkSize) return FrameCheck::NeedMore;
  const uint32_t length = readBe32(b, 0) & ~kLastFragmentBit;
  if (length < kMinReply || length > kMaxFragmentSize) return FrameCheck::No;
  if (!have(2)) return FrameCheck::NeedMore;
  const uint32_t msg_type = word(1);
  if (msg_type == kMsgCall) {
    if (length < kMinCall) return FrameCheck::No;
    if (!have(3)) return FrameCheck::NeedMore;
    if (word(2) != kRpcVersion) return FrameCheck::No;
    if (!have(8)) return FrameCheck::NeedMore;
    const bool ok = word(3) != 0 && word(4) <= kMaxProgramVersion &&
                    word(5) <= kMaxProgramVersion && word(6) <= kMaxAuthFlavor &&
                    word(7) <= kMaxAuthBody;
    return ok ? FrameCheck::Yes : FrameCheck::No;
  }
  if (msg_type != kMsgReply) return FrameCheck::No;
  if (!have(3)) return FrameCheck::NeedMore;
  const uint32_t reply_stat = word(2);
  if (reply_stat == 1) {  // MSG_DENIED: RPC_MISMATCH with a version range, or AUTH_ERROR
    if (!have(4)) return FrameCheck::NeedMore;
    if (word(3) == kRejectRpcMismatch) {
      if (length != kDeniedMismatchLength) return FrameCheck::No;
      if (!have(6)) return FrameCheck::NeedMore;
      return word(4) <= kRpcVersion && kRpcVersion <= word(5) && word(5) <= kMaxRpcVersion
                 ? FrameCheck::Yes
                 : FrameCheck::No;
    }
    if (word(3) != kRejectAuthError || length != kDeniedAuthLength) return FrameCheck::No;
    if (!have(5)) return FrameCheck::NeedMore;
    return word(4) <= kMaxAuthStat ? FrameCheck::Yes : FrameCheck::No;
  }
  if (reply_stat != 0) return FrameCheck::No;
  if (!have(5)) return FrameCheck::NeedMore;
  if (word(3) > kMaxAuthFlavor || word(4) > kMaxAuthBody) return FrameCheck::No;
  if (word(4) != 0) return FrameCheck::Yes;
  if (!have(6)) return FrameCheck::NeedMore;
  return word(5) <= kMaxAcceptStat ? FrameCheck::Yes : FrameCheck::No;
}

FeedResult RecordFramer::feed(Bytes data, RecordCallbacks& callbacks) {
  size_t pos = 0;
  while (pos < data.size() && state_ != State::Failed && state_ != State::Lost) {
    switch (state_) {
      case State::Mark:
        pos = readMark(data, pos, callbacks);
        break;
      case State::Fragment:
        pos = readFragment(data, pos, callbacks);
        break;
      case State::Resync:
        pos = scanForRecord(data, pos, callbacks);
        break;
      case State::Lost:
      case State::Failed:
        break;
    }
  }
  if (state_ == State::Failed) return FeedResult::OutOfSync;
  if (state_ == State::Lost || state_ == State::Resync) return FeedResult::Consumed;
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

size_t RecordFramer::scanForRecord(Bytes data, size_t pos, RecordCallbacks& callbacks) {
  size_t offset = 0;
  switch (resync_.scan(data.subspan(pos), offset)) {
    case ResyncScanner::Outcome::Searching:
      return data.size();
    case ResyncScanner::Outcome::Lost:
      callbacks.onAnomaly(Anomaly::RpcLostSync);
      state_ = State::Lost;
      return data.size();
    case ResyncScanner::Outcome::Found:
      break;
  }
  callbacks.onAnomaly(Anomaly::RpcResynced);
  state_ = State::Mark;
  // The record's first bytes that came in an earlier chunk (shorter than a mark and header).
  const std::vector<uint8_t> head(resync_.replay().begin(), resync_.replay().end());
  size_t head_pos = 0;
  while (head_pos < head.size()) {
    head_pos = state_ == State::Mark ? readMark(head, head_pos, callbacks)
                                     : readFragment(head, head_pos, callbacks);
  }
  return pos + offset;
}

void RecordFramer::finishRecord(RecordCallbacks& callbacks) {
  callbacks.onRecord(buffer_, length_);
  buffer_.clear();
  length_ = 0;
  state_ = State::Mark;
}

void RecordFramer::gap(RecordCallbacks& callbacks) {
  if (state_ == State::Failed || state_ == State::Lost) return;
  if (state_ != State::Resync && recordOpen()) callbacks.onAnomaly(Anomaly::RpcTruncatedRecord);
  std::vector<uint8_t>().swap(buffer_);
  length_ = 0;
  mark_have_ = 0;
  state_ = State::Resync;
  resync_.start();
}

void RecordFramer::end(RecordCallbacks& callbacks) {
  if (state_ == State::Failed || state_ == State::Lost || state_ == State::Resync) return;
  if (recordOpen()) callbacks.onAnomaly(Anomaly::RpcTruncatedRecord);
  buffer_.clear();
  length_ = 0;
  mark_have_ = 0;
  state_ = State::Mark;
}

}  // namespace medtap::analyzers::rpc
