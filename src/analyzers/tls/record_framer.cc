#include "analyzers/tls/record_framer.h"

#include <algorithm>

#include "analyzers/tls/limits.h"

namespace medtap::analyzers::tls {

namespace {

bool isInteresting(uint8_t type) {
  return type == kClientHello || type == kServerHello || type == kCertificate ||
         type == kServerHelloDone;
}

// Content types 20-24 with a 3.x record version (SSLv3 to TLS 1.3; TLS 1.3 keeps 0x0301-0x0303
// on the wire) and a length within kMaxRecordLength.
bool validHeader(const std::array<uint8_t, 5>& h) {
  const bool type_ok = h[0] >= kContentChangeCipherSpec && h[0] <= kContentHeartbeat;
  const size_t length = (size_t{h[3]} << 8) | h[4];
  return type_ok && h[1] == 3 && h[2] <= 4 && length <= kMaxRecordLength;
}

}  // namespace

FeedResult RecordFramer::feed(Bytes data, RecordCallbacks& cb) {
  size_t pos = 0;
  while (pos < data.size()) {
    switch (state_) {
      case State::Header: {
        const size_t n = std::min(kRecordHeaderSize - header_len_, data.size() - pos);
        std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(pos), n,
                    header_.begin() + static_cast<std::ptrdiff_t>(header_len_));
        header_len_ += n;
        pos += n;
        if (header_len_ < kRecordHeaderSize) break;
        header_len_ = 0;
        if (!validHeader(header_)) {
          cb.onAnomaly(Anomaly::TlsBadRecord);
          state_ = State::Stopped;
          return FeedResult::OutOfSync;
        }
        content_type_ = header_[0];
        record_left_ = (size_t{header_[3]} << 8) | header_[4];
        const bool encrypting = content_type_ == kContentApplicationData ||
                                (content_type_ == kContentChangeCipherSpec && !tls13_);
        if (encrypting && !encrypted_) {
          encrypted_ = true;
          cb.onEncrypted();
          if (state_ == State::Stopped) return FeedResult::Consumed;
        }
        state_ = record_left_ > 0 ? State::Body : State::Header;
        break;
      }
      case State::Body: {
        const size_t n = std::min(record_left_, data.size() - pos);
        if (content_type_ == kContentHandshake && !encrypted_) {
          handshakeBytes(data.subspan(pos, n), cb);
          if (state_ == State::Stopped) return FeedResult::Consumed;
        }
        pos += n;
        record_left_ -= n;
        if (record_left_ == 0) state_ = State::Header;
        break;
      }
      case State::Stopped:
        return FeedResult::Consumed;
    }
  }
  return FeedResult::Consumed;
}

void RecordFramer::handshakeBytes(Bytes data, RecordCallbacks& cb) {
  size_t pos = 0;
  while (pos < data.size() && state_ != State::Stopped) {
    if (message_skip_ > 0) {
      const size_t n = std::min(message_skip_, data.size() - pos);
      message_skip_ -= n;
      pos += n;
      continue;
    }
    if (message_.size() < kHandshakeHeaderSize) {
      const size_t n = std::min(kHandshakeHeaderSize - message_.size(), data.size() - pos);
      message_.insert(message_.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                      data.begin() + static_cast<std::ptrdiff_t>(pos + n));
      pos += n;
      if (message_.size() < kHandshakeHeaderSize) return;
      const size_t length = (size_t{message_[1]} << 16) | (size_t{message_[2]} << 8) | message_[3];
      if (!isInteresting(message_[0]) || length > kMaxHandshakeMessage) {
        if (isInteresting(message_[0])) cb.onAnomaly(Anomaly::TlsOversizedHandshake);
        message_skip_ = length;
        message_.clear();
        continue;
      }
      message_.reserve(kHandshakeHeaderSize + length);
    }
    const size_t length = (size_t{message_[1]} << 16) | (size_t{message_[2]} << 8) | message_[3];
    const size_t want = kHandshakeHeaderSize + length - message_.size();
    const size_t n = std::min(want, data.size() - pos);
    message_.insert(message_.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                    data.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
    if (message_.size() == kHandshakeHeaderSize + length) {
      const uint8_t type = message_[0];
      cb.onHandshake(type, Bytes(message_).subspan(kHandshakeHeaderSize));
      message_.clear();
    }
  }
}

void RecordFramer::gap(RecordCallbacks& cb) {
  if (state_ == State::Stopped) return;
  if (!message_.empty() || message_skip_ > 0) cb.onAnomaly(Anomaly::TlsTruncatedHandshake);
  message_.clear();
  message_.shrink_to_fit();
  state_ = State::Stopped;
}

void RecordFramer::end(RecordCallbacks& cb) {
  gap(cb);
}

}  // namespace medtap::analyzers::tls
