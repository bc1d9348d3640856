#include "analyzers/dicom/pdu_framer.h"

#include <algorithm>

namespace medtap::analyzers::dicom {

namespace {

bool isKnownPduType(uint8_t type) {
  return type >= static_cast<uint8_t>(PduType::AssociateRq) &&
         type <= static_cast<uint8_t>(PduType::Abort);
}

// A-ASSOCIATE-RJ result 1-2 and source 1-3 (PS3.8 9.3.4); A-ABORT source 0-2 and reason 0-6
// (9.3.8); P-DATA-TF control header bits (9.3.5.1, annex E.2).
constexpr uint8_t kMaxRejectResult = 2, kMaxRejectSource = 3;
constexpr uint8_t kMaxAbortSource = 2, kMaxAbortReason = 6;
constexpr uint8_t kPdvControlBits = kPdvCommandBit | kPdvLastBit;
constexpr uint32_t kFixedPduLength = 4;  // A-ASSOCIATE-RJ, A-RELEASE-RQ/RP, A-ABORT

}  // namespace

FrameCheck pduStart(Bytes b) {
  if (b.empty()) return FrameCheck::NeedMore;
  if (!isKnownPduType(b[0])) return FrameCheck::No;
  if (b.size() < kPduHeaderSize)
    return b.size() < 2 || b[1] == 0 ? FrameCheck::NeedMore : FrameCheck::No;
  if (b[1] != 0) return FrameCheck::No;
  const uint32_t length = readBe32(b, 2);
  const auto type = static_cast<PduType>(b[0]);
  switch (type) {
    case PduType::AssociateRq:
    case PduType::AssociateAc:
      if (length < kAssociateFixedSize || length > kMaxBufferedPduSize) return FrameCheck::No;
      if (b.size() < kPduHeaderSize + 2) return FrameCheck::NeedMore;
      return readBe16(b, kPduHeaderSize) == kProtocolVersion ? FrameCheck::Yes : FrameCheck::No;
    case PduType::AssociateRj:
    case PduType::ReleaseRq:
    case PduType::ReleaseRp:
    case PduType::Abort: {
      if (length != kFixedPduLength) return FrameCheck::No;
      if (b.size() < kPduHeaderSize + kFixedPduLength) return FrameCheck::NeedMore;
      const Bytes f = b.subspan(kPduHeaderSize, kFixedPduLength);
      bool ok = f[0] == 0;
      if (type == PduType::AssociateRj) {
        ok = ok && f[1] >= 1 && f[1] <= kMaxRejectResult && f[2] >= 1 && f[2] <= kMaxRejectSource;
      } else if (type == PduType::Abort) {
        ok = ok && f[1] == 0 && f[2] <= kMaxAbortSource && f[3] <= kMaxAbortReason;
      } else {
        ok = ok && f[1] == 0 && f[2] == 0 && f[3] == 0;
      }
      return ok ? FrameCheck::Yes : FrameCheck::No;
    }
    case PduType::PData: {
      if (length < kPdvHeaderSize || length > kMaxResyncScan) return FrameCheck::No;
      if (b.size() < kResyncLookahead) return FrameCheck::NeedMore;
      const uint32_t item = readBe32(b, kPduHeaderSize);
      const uint8_t context_id = b[kPduHeaderSize + 4];
      const uint8_t control = b[kPduHeaderSize + 5];
      const bool ok = item >= kPdvHeaderSize - kPdvLengthFieldSize &&
                      item <= length - kPdvLengthFieldSize && (context_id & 1) == 1 &&
                      (control & ~kPdvControlBits) == 0;
      return ok ? FrameCheck::Yes : FrameCheck::No;
    }
  }
  return FrameCheck::No;
}

FeedResult PduFramer::feed(Bytes data, PduCallbacks& callbacks) {
  size_t pos = 0;
  while (pos < data.size()) {
    switch (state_) {
      case State::PduHeader:
        pos = collectHeader(data, pos, callbacks);
        break;
      case State::PduBody:
        pos = collectBody(data, pos, callbacks);
        break;
      case State::PdvHeader:
        pos = collectPdvHeader(data, pos, callbacks);
        break;
      case State::PdvData:
        pos = passPdvData(data, pos, callbacks);
        break;
      case State::Skip: {
        const uint64_t n = std::min<uint64_t>(data.size() - pos, pdu_remaining_);
        pdu_remaining_ -= n;
        pos += n;
        if (pdu_remaining_ == 0) state_ = State::PduHeader;
        break;
      }
      case State::Resync:
        pos = scanForPdu(data, pos, callbacks);
        break;
      case State::Lost:
      case State::Failed:
        pos = data.size();
        break;
    }
  }
  if (state_ == State::Failed) return FeedResult::OutOfSync;
  if (state_ == State::Lost || state_ == State::Resync ||
      (state_ == State::PduHeader && header_len_ == 0)) {
    return FeedResult::Consumed;
  }
  return FeedResult::NeedMoreData;
}

// A gap inside bytes the framer would only pass on or skip is absorbed: lengths say where the next
// header is; so is a gap over a PDV header, by skipping the rest of its PDU. A gap over a PDU
// header starts the scan for the next PDU.
void PduFramer::gap(uint64_t length, PduCallbacks& callbacks) {
  while (length > 0) {
    switch (state_) {
      case State::PdvData: {
        const uint64_t n = std::min(length, pdv_remaining_);
        callbacks.onPdvLost(n);
        pdv_remaining_ -= n;
        pdu_remaining_ -= n;
        length -= n;
        if (pdv_remaining_ == 0) {
          callbacks.onPdvEnd();
          afterPdv();
        }
        break;
      }
      case State::PduBody:
        dropBody();
        state_ = State::Skip;
        [[fallthrough]];
      case State::Skip: {
        const uint64_t n = std::min(length, pdu_remaining_);
        pdu_remaining_ -= n;
        length -= n;
        if (pdu_remaining_ == 0) state_ = State::PduHeader;
        break;
      }
      case State::PdvHeader:
        callbacks.onLostSync();  // the PDV is lost; the PDU's length still holds
        header_len_ = 0;
        state_ = State::Skip;
        break;
      case State::PduHeader:
        callbacks.onLostSync();
        dropBody();
        header_len_ = 0;
        state_ = State::Resync;
        resync_.start();
        return;
      case State::Resync:
        resync_.start();  // the bytes scanned so far are not contiguous with what follows
        return;
      case State::Lost:
      case State::Failed:
        return;
    }
  }
}

size_t PduFramer::scanForPdu(Bytes data, size_t pos, PduCallbacks& callbacks) {
  size_t offset = 0;
  switch (resync_.scan(data.subspan(pos), offset)) {
    case ResyncScanner::Outcome::Searching:
      return data.size();
    case ResyncScanner::Outcome::Lost:
      callbacks.onAnomaly(Anomaly::DicomLostSync);
      state_ = State::Lost;
      return data.size();
    case ResyncScanner::Outcome::Found:
      break;
  }
  callbacks.onAnomaly(Anomaly::DicomResynced);
  state_ = State::PduHeader;
  // The PDU's first bytes that came in an earlier chunk (at most a PDU and a PDV header).
  const std::vector<uint8_t> head(resync_.replay().begin(), resync_.replay().end());
  if (!head.empty()) feed(head, callbacks);
  return pos + offset;
}

void PduFramer::end(PduCallbacks& callbacks) {
  switch (state_) {
    case State::PduHeader:
    case State::PdvHeader:
      if (state_ == State::PdvHeader || header_len_ > 0) {
        callbacks.onAnomaly(Anomaly::DicomTruncatedPdu);
      }
      break;
    case State::PduBody:
    case State::PdvData:
    case State::Skip:
      callbacks.onAnomaly(Anomaly::DicomTruncatedPdu);
      break;
    case State::Resync:
    case State::Lost:
    case State::Failed:
      return;
  }
  dropBody();
  header_len_ = 0;
  state_ = State::PduHeader;
}

size_t PduFramer::collectHeader(Bytes data, size_t pos, PduCallbacks& callbacks) {
  const size_t n = std::min(kPduHeaderSize - header_len_, data.size() - pos);
  std::copy_n(data.begin() + pos, n, header_.begin() + header_len_);
  header_len_ += n;
  if (header_len_ == kPduHeaderSize) startPdu(callbacks);
  return pos + n;
}

void PduFramer::startPdu(PduCallbacks& callbacks) {
  header_len_ = 0;
  const uint8_t type = header_[0];
  pdu_remaining_ = readBe32(header_, 2);
  if (!isKnownPduType(type)) {
    callbacks.onAnomaly(Anomaly::DicomUnknownPduType);
    state_ = State::Failed;
    return;
  }
  type_ = static_cast<PduType>(type);
  if (type_ == PduType::PData) {
    state_ = pdu_remaining_ == 0 ? State::PduHeader : State::PdvHeader;
    return;
  }
  if (pdu_remaining_ > limits_.max_buffered_pdu) {
    callbacks.onAnomaly(Anomaly::DicomOversizedPdu);
    state_ = State::Skip;
    return;
  }
  if (pdu_remaining_ == 0) {
    callbacks.onPdu(type_, {});
    state_ = State::PduHeader;
    return;
  }
  state_ = State::PduBody;
}

// A non-P-DATA PDU: handed over as a view when it is whole in `data`, else from body_.
size_t PduFramer::collectBody(Bytes data, size_t pos, PduCallbacks& callbacks) {
  const size_t avail = data.size() - pos;
  if (body_.empty() && avail >= pdu_remaining_) {
    const size_t len = static_cast<size_t>(pdu_remaining_);
    state_ = State::PduHeader;
    pdu_remaining_ = 0;
    callbacks.onPdu(type_, data.subspan(pos, len));
    return pos + len;
  }
  const size_t n = static_cast<size_t>(std::min<uint64_t>(avail, pdu_remaining_));
  body_.insert(body_.end(), data.begin() + pos, data.begin() + pos + n);
  pdu_remaining_ -= n;
  if (pdu_remaining_ == 0) {
    state_ = State::PduHeader;
    callbacks.onPdu(type_, body_);
    dropBody();
  }
  return pos + n;
}

size_t PduFramer::collectPdvHeader(Bytes data, size_t pos, PduCallbacks& callbacks) {
  if (header_len_ == 0 && pdu_remaining_ < kPdvHeaderSize) {
    callbacks.onAnomaly(Anomaly::DicomBadPdvLength);
    callbacks.onLostSync();
    state_ = State::Skip;
    return pos;
  }
  const size_t n = std::min(kPdvHeaderSize - header_len_, data.size() - pos);
  std::copy_n(data.begin() + pos, n, header_.begin() + header_len_);
  header_len_ += n;
  pdu_remaining_ -= n;
  if (header_len_ < kPdvHeaderSize) return pos + n;
  header_len_ = 0;
  // The PDV length counts the context id and the control header (PS3.8 9.3.5.1).
  const uint32_t item_length = readBe32(header_, 0);
  constexpr uint32_t kIdAndControl = kPdvHeaderSize - kPdvLengthFieldSize;
  if (item_length < kIdAndControl || item_length - kIdAndControl > pdu_remaining_) {
    callbacks.onAnomaly(Anomaly::DicomBadPdvLength);
    callbacks.onLostSync();
    state_ = pdu_remaining_ == 0 ? State::PduHeader : State::Skip;
    return pos + n;
  }
  pdv_remaining_ = item_length - kIdAndControl;
  state_ = State::PdvData;
  callbacks.onPdvStart(header_[4], header_[5], static_cast<uint32_t>(pdv_remaining_));
  if (pdv_remaining_ == 0) {
    callbacks.onPdvEnd();
    afterPdv();
  }
  return pos + n;
}

size_t PduFramer::passPdvData(Bytes data, size_t pos, PduCallbacks& callbacks) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(data.size() - pos, pdv_remaining_));
  callbacks.onPdvData(data.subspan(pos, n));
  pdv_remaining_ -= n;
  pdu_remaining_ -= n;
  if (pdv_remaining_ == 0) {
    callbacks.onPdvEnd();
    afterPdv();
  }
  return pos + n;
}

void PduFramer::afterPdv() {
  header_len_ = 0;
  state_ = pdu_remaining_ == 0 ? State::PduHeader : State::PdvHeader;
}

// Forgets a partial PDU and gives its memory back: PDUs worth buffering are rare (association
// setup), so nothing is kept for the next one.
void PduFramer::dropBody() {
  std::vector<uint8_t>().swap(body_);
}

}  // namespace medtap::analyzers::dicom
