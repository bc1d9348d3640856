// Finding HL7 delimiters a block of bytes at a time. Fields and components are a few to a few
// dozen bytes, too short for memchr's call and setup to pay off, and a byte-at-a-time loop
// mispredicts a branch at every delimiter; comparing a whole block at once and walking the
// matches with a bit scan does neither.
//
// Two implementations with one interface: SSE2 (16 bytes, one bit per byte; every x86-64 CPU
// has it) and portable SWAR (SIMD within a register: 8 bytes in a uint64_t, the high bit of each
// matching byte) elsewhere. `scan::` names the one the build uses; the unit tests compare both.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace medtap::analyzers::hl7 {

namespace swar {

static_assert(std::endian::native == std::endian::little,
              "byte i of a loaded word must be its i-th least significant byte");

constexpr size_t kBlockBytes = 8;
using Block = uint64_t;
using Mask = uint64_t;  // the high bit of each selected byte

// Up to eight bytes at `p` (`n` of them, the rest zero) as one word; never reads past p + n.
// A short tail is assembled in a register: copying it into the word's memory byte by byte and
// reading the word back would stall on store forwarding.
inline Block load(const char* p, size_t n) {
  uint64_t word = 0;
  if (n >= kBlockBytes) {
    std::memcpy(&word, p, kBlockBytes);
    return word;
  }
  for (size_t i = 0; i < n; ++i) word |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return word;
}

// The bytes of `block` equal to `c`, and nothing else (exact: no borrow crosses a byte, unlike
// the shorter "has zero byte" test).
inline Mask matches(Block block, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t x = block ^ (kOnes * static_cast<uint8_t>(c));
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}

// The first `n` bytes of a block (all of them for n >= kBlockBytes): masks out load()'s padding.
inline Mask firstBytes(size_t n) {
  return n >= kBlockBytes ? ~Mask{0} : (Mask{1} << (8 * n)) - 1;
}

// Index in the block of the byte a non-zero mask's lowest set bit belongs to.
inline size_t firstMatch(Mask mask) {
  return static_cast<size_t>(std::countr_zero(mask)) / 8;
}

}  // namespace swar

#if defined(__SSE2__)
namespace sse2 {

constexpr size_t kBlockBytes = 16;
using Block = __m128i;
using Mask = uint32_t;  // bit i: byte i

// Up to sixteen bytes at `p` (`n` of them, the rest zero); never reads past p + n.
inline Block load(const char* p, size_t n) {
  if (n >= kBlockBytes) return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const uint64_t low = swar::load(p, n);
  const uint64_t high = n > swar::kBlockBytes ? swar::load(p + 8, n - 8) : 0;
  return _mm_set_epi64x(static_cast<long long>(high), static_cast<long long>(low));
}

inline Mask matches(Block block, char c) {
  return static_cast<Mask>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(c))));
}

inline Mask firstBytes(size_t n) {
  return n >= kBlockBytes ? Mask{0xFFFF} : (Mask{1} << n) - 1;
}

inline size_t firstMatch(Mask mask) {
  return static_cast<size_t>(std::countr_zero(mask));
}

}  // namespace sse2
namespace scan = sse2;
#else
namespace scan = swar;
#endif

// Offset of the first `c` in `text`, or text.size() when there is none.
inline size_t findByte(std::string_view text, char c) {
  for (size_t base = 0; base < text.size(); base += scan::kBlockBytes) {
    const size_t n = text.size() - base;
    const scan::Mask mask =
        scan::matches(scan::load(text.data() + base, n), c) & scan::firstBytes(n);
    if (mask != 0) return base + scan::firstMatch(mask);
  }
  return text.size();
}

}  // namespace medtap::analyzers::hl7
