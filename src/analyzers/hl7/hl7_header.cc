#include "analyzers/hl7/hl7_header.h"

#include <algorithm>
#include <array>

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

// Fields and components are short (a few to a few dozen bytes), where a plain loop beats memchr's
// call and setup; these two helpers run for every field of the segments medtap reads.
size_t splitFields(std::string_view segment, char separator, std::span<std::string_view> out) {
  size_t count = 0;
  size_t start = 0;
  const size_t size = segment.size();
  const char* data = segment.data();
  for (size_t i = 0; i < size; ++i) {
    if (data[i] != separator) continue;
    if (count < out.size()) out[count] = std::string_view(data + start, i - start);
    ++count;
    start = i + 1;
  }
  if (count < out.size()) out[count] = std::string_view(data + start, size - start);
  ++count;
  for (size_t i = count; i < out.size(); ++i) out[i] = {};
  return count;
}

std::string_view component(std::string_view field, char separator, size_t index) {
  const size_t size = field.size();
  const char* data = field.data();
  size_t start = 0;
  size_t i = 0;
  for (; index > 0; ++i) {
    if (i == size) return {};
    if (data[i] == separator) {
      --index;
      start = i + 1;
    }
  }
  size_t end = start;
  while (end < size && data[end] != separator) ++end;
  return std::string_view(data + start, end - start);
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
