// Finding HL7 delimiters eight bytes at a time (SWAR: SIMD within a register). Fields and
// components are a few to a few dozen bytes, too short for memchr's call and setup to pay off, and
// a byte-at-a-time loop mispredicts a branch at every delimiter; comparing a whole 64-bit word at
// once and walking the matches with a bit scan does neither. Portable C++ (no intrinsics); the
// byte order of the loaded word is fixed by the little-endian assertion below.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace medtap::analyzers::hl7::scan {

static_assert(std::endian::native == std::endian::little,
              "byte i of a loaded word must be its i-th least significant byte");

constexpr size_t kWordBytes = 8;

// Up to eight bytes at `p` (`n` of them, the rest zero) as one word; never reads past p + n.
// A short tail is assembled in a register: copying it into the word's memory byte by byte and
// reading the word back would stall on store forwarding.
inline uint64_t load(const char* p, size_t n) {
  uint64_t word = 0;
  if (n >= kWordBytes) {
    std::memcpy(&word, p, kWordBytes);
    return word;
  }
  for (size_t i = 0; i < n; ++i) word |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return word;
}

// The high bit of every byte of `word` equal to `c`, and nothing else (exact: no borrow crosses
// a byte, unlike the shorter "has zero byte" test).
inline uint64_t matches(uint64_t word, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t x = word ^ (kOnes * static_cast<uint8_t>(c));
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}

// The high bits of the first `n` bytes (n <= 8): masks out the zero padding load() adds.
inline uint64_t firstBytes(size_t n) {
  return n >= kWordBytes ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1;
}

// Index (0-7) of the byte whose high bit is the lowest set bit of a non-zero match mask.
inline size_t firstMatch(uint64_t mask) {
  return static_cast<size_t>(std::countr_zero(mask)) / 8;
}

// Offset of the first `c` in `text`, or text.size() when there is none.
inline size_t find(std::string_view text, char c) {
  for (size_t base = 0; base < text.size(); base += kWordBytes) {
    const size_t n = text.size() - base;
    const uint64_t mask = matches(load(text.data() + base, n), c) & firstBytes(n);
    if (mask != 0) return base + firstMatch(mask);
  }
  return text.size();
}

}  // namespace medtap::analyzers::hl7::scan
