#include "analyzers/hl7/hl7_segments.h"

#include <array>
#include <charconv>
#include <cmath>

#include "analyzers/hl7/hl7_escape.h"

namespace medtap::analyzers::hl7 {

namespace {

using events::Hl7PhiField;

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool allDigits(std::string_view s) {
  for (char c : s) {
    if (!isDigit(c)) return false;
  }
  return true;
}

std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string_view at(std::span<const std::string_view> fields, size_t i) {
  return i < fields.size() ? fields[i] : std::string_view{};
}

// The first repetition of a field.
std::string_view firstRepetition(std::string_view field, const EncodingCharacters& e) {
  return e.repetition == '\0' ? field : component(field, e.repetition, 0);
}

// HL7's explicit null ("" in a field: delete the value) counts as absent.
bool present(std::string_view field) {
  return !field.empty() && field != "\"\"";
}

// `text` (from a field of a split segment) into `out` as assignText does, without looking for
// escape sequences when the split saw no escape character in that field.
void assignFrom(std::string& out, std::string_view text, bool escaped, const EncodingCharacters& e,
                size_t max, AnomalyCounters& anomalies) {
  if (escaped) {
    assignText(out, text, e, max, anomalies);
    return;
  }
  if (text.size() > max) {
    anomalies.add(Anomaly::Hl7LongField);
    text = cutField(text, max);
  }
  out.clear();  // clear() and append() keep the capacity and skip assign()'s aliasing checks
  out.append(text);
}

void noteIfPresent(const SplitSegment& segment, size_t i, Hl7PhiField f,
                   events::Hl7Patient& patient) {
  if (present(segment.field(i))) patient.add(f);
}

// PID-5's first name as "family^given^middle" (XPN.1's surname, XPN.2, XPN.3), unescaped, with
// '^' whatever the message's component separator, so the token of one name is the same across
// messages and protocols (DICOM PN is "family^given^middle" too).
void composeName(std::string_view xpn, const EncodingCharacters& e, std::string& out) {
  out.clear();
  const std::string_view name = firstRepetition(xpn, e);
  std::string_view family = component(name, e.component, 0);
  if (e.subcomponent != '\0') family = component(family, e.subcomponent, 0);
  unescape(family, e, out);
  size_t keep = out.size();
  for (size_t i = 1; i <= 2; ++i) {
    const std::string_view part = component(name, e.component, i);
    out.push_back('^');
    unescape(part, e, out);
    if (!part.empty()) keep = out.size();
  }
  out.resize(keep);  // no trailing '^' for missing parts
}

}  // namespace

void PatientTokens::token(Kind kind, std::string_view value, std::string& out) {
  Entry& entry = cache_[static_cast<size_t>(kind)];
  if (entry.token.empty() || entry.raw != value) {
    entry.raw.assign(value);
    entry.token = tokenizer_.token(value);
  }
  out.assign(entry.token);
}

void assignText(std::string& out, std::string_view field, const EncodingCharacters& encoding,
                size_t max, AnomalyCounters& anomalies) {
  out.clear();
  if (unescape(field, encoding, out) != EscapeStatus::Ok) anomalies.add(Anomaly::Hl7BadEscape);
  if (out.size() > max) {
    anomalies.add(Anomaly::Hl7LongField);
    out.resize(cutField(out, max).size());
  }
}

bool appendIsoTime(std::string_view ts, std::string& out) {
  // YYYY[MM[DD[HH[MM[SS]]]]], then ".S[S[S[S]]]" (after seconds only), then "+ZZZZ" / "-ZZZZ".
  size_t digits = 0;
  while (digits < ts.size() && isDigit(ts[digits])) ++digits;
  if (digits < 4 || digits > 14 || digits % 2 != 0) return false;
  size_t pos = digits;
  std::string_view fraction;
  if (pos < ts.size() && ts[pos] == '.') {
    size_t end = pos + 1;
    while (end < ts.size() && isDigit(ts[end])) ++end;
    fraction = ts.substr(pos + 1, end - pos - 1);
    if (fraction.empty() || fraction.size() > 4 || digits != 14) return false;
    pos = end;
  }
  std::string_view zone;
  if (pos < ts.size() && (ts[pos] == '+' || ts[pos] == '-')) {
    zone = ts.substr(pos);
    if (zone.size() != 5 || !allDigits(zone.substr(1))) return false;
    pos = ts.size();
  }
  if (pos != ts.size()) return false;

  // Composed on the stack and appended once: this runs for every observation.
  // "YYYY-MM-DDTHH:MM:SS" (19) + ".ffff" (5) + "+hh:mm" (6).
  std::array<char, 32> iso{};
  size_t n = 0;
  static constexpr char kSeparators[] = {'-', '-', 'T', ':', ':'};
  for (size_t i = 0; i < digits; ++i) {
    if (i >= 4 && i % 2 == 0) iso[n++] = kSeparators[i / 2 - 2];
    iso[n++] = ts[i];
  }
  if (digits == 10) {  // ISO 8601 has no hour-only time of day
    iso[n++] = ':';
    iso[n++] = '0';
    iso[n++] = '0';
  }
  if (!fraction.empty()) {
    iso[n++] = '.';
    for (char c : fraction) iso[n++] = c;
  }
  if (!zone.empty()) {
    for (size_t i = 0; i < zone.size(); ++i) {
      if (i == 3) iso[n++] = ':';
      iso[n++] = zone[i];
    }
  }
  out.append(iso.data(), n);
  return true;
}

std::optional<double> parseNumber(std::string_view nm) {
  nm = trimSpaces(nm);
  const bool plus = nm.starts_with('+');
  if (plus) nm.remove_prefix(1);
  // Only [-]digits[.digits] (HL7 2.A.47): no exponent, no "inf"/"nan", no hex.
  size_t digits = 0;
  size_t dots = 0;
  for (size_t i = 0; i < nm.size(); ++i) {
    const char c = nm[i];
    if (isDigit(c)) {
      ++digits;
    } else if (c == '.') {
      ++dots;
    } else if (!(c == '-' && i == 0 && !plus)) {
      return std::nullopt;
    }
  }
  if (digits == 0 || dots > 1) return std::nullopt;
  // An integer (most vital signs) of up to 15 digits is exact in a double: the same value
  // from_chars would give, without its call.
  constexpr size_t kExactDigits = 15;
  if (dots == 0 && digits <= kExactDigits) {
    const bool negative = nm.front() == '-';
    int64_t n = 0;
    for (char c : nm.substr(negative ? 1 : 0)) n = n * 10 + (c - '0');
    const auto value = static_cast<double>(n);
    return negative ? -value : value;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(nm.data(), nm.data() + nm.size(), value);
  if (ec != std::errc{} || end != nm.data() + nm.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

ValueClass classifyValueType(std::string_view t) {
  if (t == "NM") return ValueClass::Numeric;
  if (t == "SN") return ValueClass::Structured;
  if (t == "CE" || t == "CWE" || t == "CNE" || t == "CF") return ValueClass::Coded;
  if (t == "TS" || t == "DTM") return ValueClass::Time;
  if (t == "DT" || t == "TM" || t == "ID" || t == "IS") return ValueClass::Plain;
  return ValueClass::Withheld;
}

bool parseObservation(const SplitSegment& obx, const EncodingCharacters& e, const Hl7Limits& limits,
                      events::Hl7Observation& out, AnomalyCounters& anomalies) {
  const size_t max = limits.max_field_length;
  // Text from OBX-`field` into `to`.
  auto assign = [&](std::string& to, size_t field, std::string_view text) {
    assignFrom(to, text, obx.escaped(field), e, max, anomalies);
  };
  assign(out.id, 1, obx.field(1));
  assign(out.value_type, 2, component(obx.field(2), e.component, 0));
  assign(out.code, 3, obx.component(3, 0));
  assign(out.text, 3, obx.component(3, 1));
  assign(out.coding_system, 3, obx.component(3, 2));
  assign(out.sub_id, 4, obx.field(4));

  out.kind = events::Hl7ValueKind::Absent;
  out.value.clear();
  out.numeric = 0;
  out.numeric_valid = false;
  bool withheld = false;
  const std::string_view value = obx.firstRepetition(5);
  if (present(value)) {
    out.kind = events::Hl7ValueKind::Text;
    switch (classifyValueType(out.value_type)) {
      case ValueClass::Numeric:
        assign(out.value, 5, trimSpaces(value));
        if (const auto n = parseNumber(out.value)) {
          out.kind = events::Hl7ValueKind::Number;
          out.numeric = *n;
          out.numeric_valid = true;
        }
        break;
      case ValueClass::Structured: {
        // SN: comparator ^ num1 ^ separator/suffix ^ num2, shown as their concatenation.
        const std::string_view comparator = obx.component(5, 0);
        const std::string_view num1 = obx.component(5, 1);
        const std::string_view separator = obx.component(5, 2);
        const std::string_view num2 = obx.component(5, 3);
        std::string& text = out.value;
        for (std::string_view part : {comparator, num1, separator, num2}) unescape(part, e, text);
        if (text.size() > max) {
          anomalies.add(Anomaly::Hl7LongField);
          text.resize(cutField(text, max).size());
        }
        if ((comparator.empty() || comparator == "=") && separator.empty() && num2.empty()) {
          if (const auto n = parseNumber(num1)) {
            out.kind = events::Hl7ValueKind::Number;
            out.numeric = *n;
            out.numeric_valid = true;
          }
        }
        break;
      }
      case ValueClass::Coded:
        assign(out.value, 5, obx.component(5, 0));
        if (out.value.empty()) out.kind = events::Hl7ValueKind::Absent;
        break;
      case ValueClass::Time: {
        const std::string_view ts = obx.component(5, 0);
        if (!appendIsoTime(ts, out.value)) assign(out.value, 5, ts);
        break;
      }
      case ValueClass::Plain:
        assign(out.value, 5, obx.component(5, 0));
        break;
      case ValueClass::Withheld:
        out.kind = events::Hl7ValueKind::Withheld;
        withheld = true;
        break;
    }
  }

  const std::string_view units_id = obx.component(6, 0);
  assign(out.units, 6, units_id.empty() ? obx.component(6, 1) : units_id);
  assign(out.status, 11, obx.field(11));
  const std::string_view time = obx.component(14, 0);
  out.time.clear();
  if (!appendIsoTime(time, out.time)) assign(out.time, 14, time);
  assign(out.equipment, 18, obx.component(18, 0));
  return withheld;
}

void parsePatient(const SplitSegment& pid, const EncodingCharacters& e, bool first,
                  PatientTokens* tokens, events::Hl7Patient& patient) {
  static constexpr std::pair<size_t, Hl7PhiField> kPidFields[] = {
      {2, Hl7PhiField::Pid2},   {3, Hl7PhiField::Pid3},   {4, Hl7PhiField::Pid4},
      {5, Hl7PhiField::Pid5},   {6, Hl7PhiField::Pid6},   {7, Hl7PhiField::Pid7},
      {9, Hl7PhiField::Pid9},   {11, Hl7PhiField::Pid11}, {13, Hl7PhiField::Pid13},
      {14, Hl7PhiField::Pid14}, {18, Hl7PhiField::Pid18}, {19, Hl7PhiField::Pid19},
      {20, Hl7PhiField::Pid20}};
  for (const auto& [index, field] : kPidFields) noteIfPresent(pid, index, field, patient);
  if (!first || tokens == nullptr) return;

  std::string scratch;  // names under the small-string size need no allocation
  std::string_view id = pid.component(3, 0);
  if (!present(id)) id = pid.component(2, 0);
  if (present(id)) {
    unescape(id, e, scratch);
    tokens->token(PatientTokens::Kind::Id, scratch, patient.id);
  }
  if (present(pid.field(5))) {
    composeName(pid.field(5), e, scratch);
    tokens->token(PatientTokens::Kind::Name, scratch, patient.name);
  }
  const std::string_view birth = pid.component(7, 0);
  if (present(birth)) {
    tokens->token(PatientTokens::Kind::BirthDate, birth.substr(0, 8), patient.birth_date);
  }
}

void notePersonalFields(const SplitSegment& segment, events::Hl7Patient& patient) {
  const std::string_view name = segment.field(0);
  if (name == "NK1") {
    noteIfPresent(segment, 2, Hl7PhiField::Nk1Name, patient);
    noteIfPresent(segment, 4, Hl7PhiField::Nk1Address, patient);
    noteIfPresent(segment, 5, Hl7PhiField::Nk1Phone, patient);
  } else if (name == "PV1") {
    noteIfPresent(segment, 19, Hl7PhiField::Pv1Visit, patient);
  } else if (name == "NTE") {
    noteIfPresent(segment, 3, Hl7PhiField::NteFreeText, patient);
  }
}

void parseLocation(const SplitSegment& pv1, const Hl7Limits& limits, events::Hl7Message& out) {
  const std::string_view unit = pv1.component(3, 0);
  std::string_view place = pv1.component(3, 2);
  if (!present(place)) place = pv1.component(3, 1);
  if (!present(unit) && !present(place)) return;
  out.bed.clear();
  if (present(unit)) out.bed.append(unit.substr(0, limits.max_field_length));
  if (present(place)) {
    if (!out.bed.empty()) out.bed += '/';
    out.bed.append(place.substr(0, limits.max_field_length));
  }
}

void parseAck(const SplitSegment& msa, const EncodingCharacters& e, const Hl7Limits& limits,
              events::Hl7Message& out, AnomalyCounters& anomalies) {
  const size_t max = limits.max_field_length;
  assignFrom(out.ack_code, msa.field(1), msa.escaped(1), e, max, anomalies);
  assignFrom(out.acknowledged_control_id, msa.field(2), msa.escaped(2), e, max, anomalies);
  assignFrom(out.ack_text, msa.field(3), msa.escaped(3), e, max, anomalies);
}

void addDevice(std::string_view source, const SplitSegment& segment, size_t index,
               const EncodingCharacters& e, const Hl7Limits& limits, events::Hl7Message& out,
               AnomalyCounters& anomalies) {
  const std::string_view id = segment.component(index, 0);
  if (!present(id)) return;
  for (const events::Hl7Device& d : out.devices) {
    if (d.id == id && d.source == source) return;  // common case: no escapes, compare raw
  }
  if (out.devices.size() >= limits.max_devices) {
    anomalies.add(Anomaly::Hl7TooManyDevices);
    return;
  }
  events::Hl7Device& d = out.devices.emplace_back();
  d.source = source;
  assignFrom(d.id, id, segment.escaped(index), e, limits.max_field_length, anomalies);
}

void parseBatchHeader(std::span<const std::string_view> fields, const EncodingCharacters& e,
                      const Hl7Limits& limits, events::Hl7Batch& batch,
                      AnomalyCounters& anomalies) {
  const bool bhs = at(fields, 0) == "BHS";
  const size_t max = limits.max_field_length;
  // BHS overrides the FHS value only where it has one.
  auto set = [&](std::string& out, size_t index) {
    const std::string_view v = at(fields, index);
    if (!bhs || !v.empty()) assignText(out, v, e, max, anomalies);
  };
  set(batch.sending_application, 2);
  set(batch.sending_facility, 3);
  set(batch.receiving_application, 4);
  set(batch.receiving_facility, 5);
  set(batch.name, 8);
  assignText(bhs ? batch.batch_control_id : batch.file_control_id, at(fields, 10), e, max,
             anomalies);
  batch.present = true;
}

}  // namespace medtap::analyzers::hl7
