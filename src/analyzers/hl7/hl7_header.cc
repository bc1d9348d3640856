#include "analyzers/hl7/hl7_header.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>

#include "analyzers/hl7/byte_scan.h"
#include "analyzers/hl7/limits.h"

namespace medtap::analyzers::hl7 {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kMsh = "MSH";
constexpr size_t kMaxEncodingCharacters = 5;  // ^~\& plus the v2.7 truncation character

bool isUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isLower(char c) {
  return c >= 'a' && c <= 'z';
}

// A usable delimiter: printable ASCII punctuation (HL7 recommends |^~\&, but any is allowed).
bool isDelimiter(char c) {
  return c > ' ' && c < 0x7F && !isUpper(c) && !isLower(c) && !isDigit(c);
}

}  // namespace

size_t skipPreamble(std::string_view message) {
  size_t pos = message.starts_with(kUtf8Bom) ? kUtf8Bom.size() : 0;
  while (pos < message.size() && (message[pos] == ' ' || message[pos] == '\t' ||
                                  message[pos] == '\r' || message[pos] == '\n')) {
    ++pos;
  }
  return pos;
}

std::optional<EncodingCharacters> parseEncodingCharacters(std::string_view msh_segment) {
  if (msh_segment.size() <= kMsh.size()) return std::nullopt;
  const std::string_view name = msh_segment.substr(0, kMsh.size());
  if (name != kMsh && name != "FHS" && name != "BHS") return std::nullopt;
  const char field = msh_segment[kMsh.size()];
  if (!isDelimiter(field)) return std::nullopt;
  const size_t begin = kMsh.size() + 1;
  size_t end = msh_segment.find(field, begin);
  if (end == std::string_view::npos) end = msh_segment.size();
  const std::string_view chars = msh_segment.substr(begin, end - begin);
  if (chars.empty() || chars.size() > kMaxEncodingCharacters) return std::nullopt;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (!isDelimiter(chars[i]) || chars[i] == field) return std::nullopt;
    if (chars.find(chars[i], i + 1) != std::string_view::npos) return std::nullopt;
  }
  std::array<char, kMaxEncodingCharacters> c{};
  chars.copy(c.data(), chars.size());
  return EncodingCharacters{field, c[0], c[1], c[2], c[3], c[4]};
}

std::optional<std::string_view> SegmentReader::next() {
  while (pos_ < text_.size()) {
    if (!cached_ || next_cr_ < pos_) next_cr_ = text_.find('\r', pos_);
    if (!cached_ || next_lf_ < pos_) next_lf_ = text_.find('\n', pos_);
    cached_ = true;
    const size_t end = std::min({next_cr_, next_lf_, text_.size()});
    const std::string_view segment = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (!segment.empty()) return segment;
  }
  return std::nullopt;
}

// Fields and components are short (a few to a few dozen bytes): these helpers, which run for
// every field of the segments medtap reads, find delimiters a block at a time (byte_scan.h).
size_t splitFields(std::string_view segment, char separator, std::span<std::string_view> out) {
  const char* data = segment.data();
  const size_t size = segment.size();
  size_t count = 0;
  size_t start = 0;
  for (size_t base = 0; base < size; base += scan::kBlockBytes) {
    const size_t n = size - base;
    scan::Mask mask = scan::matches(scan::load(data + base, n), separator) & scan::firstBytes(n);
    for (; mask != 0; mask &= mask - 1) {
      const size_t i = base + scan::firstMatch(mask);
      if (count < out.size()) out[count] = std::string_view(data + start, i - start);
      ++count;
      start = i + 1;
    }
  }
  if (count < out.size()) out[count] = std::string_view(data + start, size - start);
  ++count;
  for (size_t i = count; i < out.size(); ++i) out[i] = {};
  return count;
}

std::string_view component(std::string_view field, char separator, size_t index) {
  const char* data = field.data();
  const size_t size = field.size();
  size_t start = 0;
  for (size_t base = 0; base < size; base += scan::kBlockBytes) {
    const size_t n = size - base;
    scan::Mask mask = scan::matches(scan::load(data + base, n), separator) & scan::firstBytes(n);
    for (; mask != 0; mask &= mask - 1) {
      const size_t i = base + scan::firstMatch(mask);
      if (index == 0) return std::string_view(data + start, i - start);
      --index;
      start = i + 1;
    }
  }
  if (index == 0) return std::string_view(data + start, size - start);
  return {};
}

void SplitSegment::split(std::string_view segment, const EncodingCharacters& e) {
  segment_ = segment;
  count_ = 0;
  const char* data = segment.data();
  const size_t size = segment.size();
  constexpr size_t kNone = std::string_view::npos;
  size_t start = 0;
  size_t first_end = kNone;  // offset of the open field's first repetition separator
  // The open field is filled in place (not built aside and copied: a copy right after the
  // stores that built it stalls on store forwarding).
  fields_[0].components = 1;
  fields_[0].flags = 0;
  auto close = [&](size_t end) {
    Field& f = fields_[count_];
    f.offset = start;
    f.size = end - start;
    f.first_size = (first_end == kNone ? end : first_end) - start;
    start = end + 1;
    first_end = kNone;
    if (++count_ < kMaxFields) {
      fields_[count_].components = 1;
      fields_[count_].flags = 0;
    }
  };
  // A delimiter MSH-2 leaves out is '\0' and never matches (a NUL byte in a field stays text);
  // the field and component separators are always declared.
  for (size_t base = 0; base < size; base += scan::kBlockBytes) {
    const size_t n = size - base;
    const scan::Block block = scan::load(data + base, n);
    const scan::Mask valid = scan::firstBytes(n);
    const scan::Mask separators = scan::matches(block, e.field) & valid;
    if (count_ >= kMaxFields) {  // past the kept fields only the count matters
      count_ += static_cast<size_t>(std::popcount(separators));
      continue;
    }
    const scan::Mask components = scan::matches(block, e.component) & valid;
    const scan::Mask repetitions =
        e.repetition == '\0' ? 0 : scan::matches(block, e.repetition) & valid;
    const scan::Mask escapes = e.escape == '\0' ? 0 : scan::matches(block, e.escape) & valid;
    for (scan::Mask all = separators | components | repetitions | escapes; all != 0;
         all &= all - 1) {
      const scan::Mask bit = all & (~all + 1);
      const size_t i = base + scan::firstMatch(all);
      if ((separators & bit) != 0) {
        if (count_ < kMaxFields) {
          close(i);
        } else {
          ++count_;
        }
        continue;
      }
      if (count_ >= kMaxFields) continue;
      Field& f = fields_[count_];
      if ((components & bit) != 0) {
        if (first_end == kNone && f.components <= kMaxComponents) {
          f.separators[f.components - 1] = static_cast<uint32_t>(i - start);
          ++f.components;
        }
      } else if ((repetitions & bit) != 0) {
        if (first_end == kNone) first_end = i;
      } else {
        f.flags |= kEscape;
      }
    }
  }
  if (count_ < kMaxFields) {
    close(size);
  } else {
    ++count_;
  }
}

std::string_view SplitSegment::field(size_t i) const {
  if (i >= kept()) return {};
  return {segment_.data() + fields_[i].offset, fields_[i].size};
}

std::string_view SplitSegment::firstRepetition(size_t i) const {
  if (i >= kept()) return {};
  return {segment_.data() + fields_[i].offset, fields_[i].first_size};
}

std::string_view SplitSegment::component(size_t i, size_t k) const {
  assert(k < kMaxComponents);
  if (i >= kept() || k >= fields_[i].components) return {};
  const Field& f = fields_[i];
  const size_t begin = k == 0 ? 0 : f.separators[k - 1] + size_t{1};
  const size_t end = k + 1 < f.components ? f.separators[k] : f.first_size;
  return {segment_.data() + f.offset + begin, end - begin};
}

bool isSegmentName(std::string_view name) {
  return name.size() == 3 && isUpper(name[0]) && (isUpper(name[1]) || isDigit(name[1])) &&
         (isUpper(name[2]) || isDigit(name[2]));
}

std::string messageTypeText(std::string_view msh9, const EncodingCharacters& encoding) {
  std::string text(component(msh9, encoding.component, 0));
  const std::string_view trigger = component(msh9, encoding.component, 1);
  if (!trigger.empty()) {
    text += '^';
    text += trigger;
  }
  return text;
}

std::string_view cutField(std::string_view field, size_t max) {
  if (field.size() <= max) return field;
  size_t cut = max;
  // Back off UTF-8 continuation bytes (10xxxxxx) so that the cut falls before a lead byte.
  while (cut > 0 && (static_cast<uint8_t>(field[cut]) & 0xC0) == 0x80) --cut;
  return field.substr(0, cut);
}

}  // namespace medtap::analyzers::hl7
