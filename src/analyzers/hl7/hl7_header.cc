#include "analyzers/hl7/hl7_header.h"

#include <algorithm>
#include <array>

#include "analyzers/hl7/limits.h"

namespace medtap::analyzers::hl7 {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kMsh = "MSH";
constexpr std::string_view kMsa = "MSA";
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

// Copies `field` into `out`, cut to the event's limit.
void assignField(std::string& out, std::string_view field, AnomalyCounters& anomalies) {
  if (field.size() > kMaxHeaderFieldLength) {
    anomalies.add(Anomaly::Hl7LongField);
    field = cutField(field, kMaxHeaderFieldLength);
  }
  out.assign(field);
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
  if (msh_segment.size() <= kMsh.size() || !msh_segment.starts_with(kMsh)) return std::nullopt;
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

size_t splitFields(std::string_view segment, char separator, std::span<std::string_view> out) {
  size_t count = 0;
  size_t start = 0;
  while (true) {
    const size_t end = segment.find(separator, start);
    if (count < out.size()) out[count] = segment.substr(start, end - start);
    ++count;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  for (size_t i = count; i < out.size(); ++i) out[i] = {};
  return count;
}

std::string_view component(std::string_view field, char separator, size_t index) {
  size_t start = 0;
  for (size_t i = 0; i < index; ++i) {
    const size_t end = field.find(separator, start);
    if (end == std::string_view::npos) return {};
    start = end + 1;
  }
  const size_t end = field.find(separator, start);
  return field.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
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

ParseStatus parseMessage(std::string_view message, events::Hl7Message& out,
                         AnomalyCounters& anomalies) {
  out.segments.clear();
  out.ack_code.clear();
  out.length = message.size();

  const std::string_view body = message.substr(skipPreamble(message));
  if (!body.starts_with(kMsh)) {
    anomalies.add(Anomaly::Hl7MissingMsh);
    return ParseStatus::MissingMsh;
  }
  SegmentReader reader(body);
  const std::string_view msh = *reader.next();  // not empty: it starts with "MSH"
  const std::optional<EncodingCharacters> encoding = parseEncodingCharacters(msh);
  if (!encoding) {
    anomalies.add(Anomaly::Hl7BadEncodingCharacters);
    return ParseStatus::BadEncodingCharacters;
  }

  // fields[i] is MSH-(i+1): the separator itself is MSH-1.
  std::array<std::string_view, 12> fields{};
  if (splitFields(msh, encoding->field, fields) > kMaxFieldsPerSegment) {
    anomalies.add(Anomaly::Hl7TooManyFields);
  }
  assignField(out.sending_application, fields[2], anomalies);
  assignField(out.sending_facility, fields[3], anomalies);
  assignField(out.receiving_application, fields[4], anomalies);
  assignField(out.receiving_facility, fields[5], anomalies);
  assignField(out.message_type, messageTypeText(fields[8], *encoding), anomalies);
  assignField(out.control_id, fields[9], anomalies);
  assignField(out.version, component(fields[11], encoding->component, 0), anomalies);
  out.segments.emplace_back(kMsh);

  bool have_ack = false;
  bool segments_full = false;
  while (std::optional<std::string_view> segment = reader.next()) {
    const std::string_view name = segment->substr(0, segment->find(encoding->field));
    if (!isSegmentName(name)) {
      // Not a segment: likely a line break inside a field. Its text may be patient data, so it
      // is never reported, only counted.
      anomalies.add(Anomaly::Hl7BadSegmentName);
      continue;
    }
    if (out.segments.size() < kMaxSegments) {
      out.segments.emplace_back(name);
    } else if (!segments_full) {
      anomalies.add(Anomaly::Hl7TooManySegments);
      segments_full = true;
    }
    if (!have_ack && name == kMsa) {
      std::array<std::string_view, 2> msa{};
      if (splitFields(*segment, encoding->field, msa) > kMaxFieldsPerSegment) {
        anomalies.add(Anomaly::Hl7TooManyFields);
      }
      assignField(out.ack_code, msa[1], anomalies);
      have_ack = true;
    }
  }
  return ParseStatus::Ok;
}

}  // namespace medtap::analyzers::hl7
