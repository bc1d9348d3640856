// Byte-order helpers over packet bytes. Packet data is always read through these, never by
// casting a struct over the buffer (STYLE.md 14). Callers check bounds first; the helpers assert
// the invariant in debug builds only.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace medtap {

// A read-only view of bytes owned by someone else; how long it stays valid is said where one is
// handed out.
using Bytes = std::span<const uint8_t>;

inline uint16_t readBe16(Bytes b, size_t off) {
  assert(off + 2 <= b.size());
  return static_cast<uint16_t>((b[off] << 8) | b[off + 1]);
}
inline uint32_t readBe32(Bytes b, size_t off) {
  assert(off + 4 <= b.size());
  return (uint32_t{b[off]} << 24) | (uint32_t{b[off + 1]} << 16) | (uint32_t{b[off + 2]} << 8) |
         uint32_t{b[off + 3]};
}
inline uint64_t readBe64(Bytes b, size_t off) {
  return (uint64_t{readBe32(b, off)} << 32) | readBe32(b, off + 4);
}
inline uint16_t readLe16(Bytes b, size_t off) {
  assert(off + 2 <= b.size());
  return static_cast<uint16_t>(b[off] | (b[off + 1] << 8));
}
inline uint32_t readLe32(Bytes b, size_t off) {
  assert(off + 4 <= b.size());
  return uint32_t{b[off]} | (uint32_t{b[off + 1]} << 8) | (uint32_t{b[off + 2]} << 16) |
         (uint32_t{b[off + 3]} << 24);
}
inline uint64_t readLe64(Bytes b, size_t off) {
  return uint64_t{readLe32(b, off)} | (uint64_t{readLe32(b, off + 4)} << 32);
}

inline std::string_view asChars(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes asBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace medtap
