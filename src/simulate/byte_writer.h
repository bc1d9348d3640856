// Appends protocol fields to a std::string used as a byte buffer (binary-safe). Message
// builders reuse one buffer per behaviour, so steady-state building does not allocate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"

namespace medtap::simulate {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void be16(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void be32(uint32_t v) {
    be16(static_cast<uint16_t>(v >> 16));
    be16(static_cast<uint16_t>(v));
  }
  void be64(uint64_t v) {
    be32(static_cast<uint32_t>(v >> 32));
    be32(static_cast<uint32_t>(v));
  }
  void le16(uint16_t v) {
    u8(static_cast<uint8_t>(v));
    u8(static_cast<uint8_t>(v >> 8));
  }
  void le32(uint32_t v) {
    le16(static_cast<uint16_t>(v));
    le16(static_cast<uint16_t>(v >> 16));
  }
  void bytes(std::string_view s) { out_.append(s); }
  void zeros(size_t n) { out_.append(n, '\0'); }
  // A fixed-width field: the text, cut or padded with `pad` to exactly n bytes.
  void fixed(std::string_view s, size_t n, char pad = '\0') {
    const size_t k = s.size() < n ? s.size() : n;
    out_.append(s.data(), k);
    out_.append(n - k, pad);
  }

  size_t size() const { return out_.size(); }
  // Overwrites a big-endian field written earlier (lengths known only at the end).
  void patchBe16(size_t at, uint16_t v) {
    out_[at] = static_cast<char>(v >> 8);
    out_[at + 1] = static_cast<char>(v);
  }
  void patchBe32(size_t at, uint32_t v) {
    patchBe16(at, static_cast<uint16_t>(v >> 16));
    patchBe16(at + 2, static_cast<uint16_t>(v));
  }
  void patchLe16(size_t at, uint16_t v) {
    out_[at] = static_cast<char>(v);
    out_[at + 1] = static_cast<char>(v >> 8);
  }
  void patchLe32(size_t at, uint32_t v) {
    patchLe16(at, static_cast<uint16_t>(v));
    patchLe16(at + 2, static_cast<uint16_t>(v >> 16));
  }

 private:
  std::string& out_;
};

inline Bytes bytesOf(const std::string& s) {
  return asBytes(std::string_view(s));
}

}  // namespace medtap::simulate
