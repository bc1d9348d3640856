// A bounds-checked reader of XDR (RFC 4506) over a byte view: big-endian 32-bit units, opaque and
// string data padded to a multiple of 4. Any read past the end sets a sticky failure flag and
// returns zeros or empty views, so parsers read a whole structure and check ok() once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/bytes.h"

namespace medtap::analyzers::rpc {

class XdrReader {
 public:
  // `data` must outlive the reader and every view it hands out.
  explicit XdrReader(Bytes data) : data_(data) {}

  bool ok() const { return ok_; }
  size_t offset() const { return pos_; }
  Bytes rest() const { return ok_ ? data_.subspan(pos_) : Bytes{}; }

  uint32_t u32() {
    if (!need(4)) return 0;
    const uint32_t v = readBe32(data_, pos_);
    pos_ += 4;
    return v;
  }
  uint64_t u64() {
    if (!need(8)) return 0;
    const uint64_t v = readBe64(data_, pos_);
    pos_ += 8;
    return v;
  }
  // Fixed-length opaque (RFC 4506 4.9): `n` bytes plus padding.
  Bytes fixedOpaque(size_t n) {
    if (!need(n)) return {};
    const size_t padded = padded4(n);
    if (!need(padded)) return {};
    const Bytes v = data_.subspan(pos_, n);
    pos_ += padded;
    return v;
  }
  // Variable-length opaque (RFC 4506 4.10): length, bytes, padding; fails beyond `max`.
  Bytes opaque(size_t max) {
    const uint32_t n = u32();
    if (!ok_) return {};
    if (n > max) {
      ok_ = false;
      return {};
    }
    return fixedOpaque(n);
  }
  std::string_view string(size_t max) { return asChars(opaque(max)); }
  void skip(size_t n) { fixedOpaque(n); }
  // Marks the data as unreadable (a value no valid message has).
  void fail() { ok_ = false; }

 private:
  static size_t padded4(size_t n) { return (n + 3) & ~size_t{3}; }
  bool need(size_t n) {
    if (!ok_ || n > data_.size() - pos_) {
      ok_ = false;
      return false;
    }
    return true;
  }

  Bytes data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace medtap::analyzers::rpc
