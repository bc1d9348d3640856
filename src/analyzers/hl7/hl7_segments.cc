#include "analyzers/hl7/hl7_segments.h"

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

// The first repetition of a field, and its first component.
std::string_view firstRepetition(std::string_view field, const EncodingCharacters& e) {
  return e.repetition == '\0' ? field : component(field, e.repetition, 0);
}
std::string_view firstComponent(std::string_view field, const EncodingCharacters& e) {
  return component(firstRepetition(field, e), e.component, 0);
}

// HL7's explicit null ("" in a field: delete the value) counts as absent.
bool present(std::string_view field) {
  return !field.empty() && field != "\"\"";
}

void noteIfPresent(std::span<const std::string_view> fields, size_t i, Hl7PhiField f,
                   events::Hl7Patient& patient) {
  if (present(at(fields, i))) patient.add(f);
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
  // Split off the zone ("+0100" / "-0500"), then the fraction.
  std::string_view zone;
  size_t sign = 0;
  while (sign < ts.size() && ts[sign] != '+' && ts[sign] != '-') ++sign;
  if (sign != ts.size()) {
    zone = ts.substr(sign + 1);
    if (zone.size() != 4 || !allDigits(zone)) return false;
    zone = ts.substr(sign);
    ts = ts.substr(0, sign);
  }
  std::string_view fraction;
  size_t dot = 0;
  while (dot < ts.size() && ts[dot] != '.') ++dot;
  if (dot != ts.size()) {
    fraction = ts.substr(dot + 1);
    ts = ts.substr(0, dot);
    if (fraction.empty() || fraction.size() > 4 || !allDigits(fraction) || ts.size() != 14) {
      return false;
    }
  }
  // YYYY, YYYYMM, YYYYMMDD, YYYYMMDDHH, YYYYMMDDHHMM, YYYYMMDDHHMMSS
  if (ts.size() < 4 || ts.size() > 14 || ts.size() % 2 != 0 || !allDigits(ts)) return false;
  static constexpr char kSeparators[] = {'-', '-', 'T', ':', ':'};
  out.append(ts.substr(0, 4));
  for (size_t i = 4, k = 0; i < ts.size(); i += 2, ++k) {
    out.push_back(kSeparators[k]);
    out.append(ts.substr(i, 2));
  }
  if (ts.size() == 10) out.append(":00");  // ISO 8601 has no hour-only time of day
  if (!fraction.empty()) {
    out.push_back('.');
    out.append(fraction);
  }
  if (!zone.empty()) {
    out.append(zone.substr(0, 3));
    out.push_back(':');
    out.append(zone.substr(3, 2));
  }
  return true;
}

std::optional<double> parseNumber(std::string_view nm) {
  nm = trimSpaces(nm);
  const bool plus = nm.starts_with('+');
  if (plus) nm.remove_prefix(1);
  // Only [-]digits[.digits] (HL7 2.A.47): no exponent, no "inf"/"nan", no hex.
  bool digit = false;
  for (size_t i = 0; i < nm.size(); ++i) {
    const char c = nm[i];
    if (isDigit(c)) {
      digit = true;
    } else if (!(c == '.' || (c == '-' && i == 0 && !plus))) {
      return std::nullopt;
    }
  }
  if (!digit || nm.find('.') != nm.rfind('.')) return std::nullopt;
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

bool parseObservation(std::span<const std::string_view> fields, const EncodingCharacters& e,
                      const Hl7Limits& limits, events::Hl7Observation& out,
                      AnomalyCounters& anomalies) {
  const size_t max = limits.max_field_length;
  assignText(out.id, at(fields, 1), e, max, anomalies);
  assignText(out.value_type, component(at(fields, 2), e.component, 0), e, max, anomalies);
  const std::string_view identifier = firstRepetition(at(fields, 3), e);
  assignText(out.code, component(identifier, e.component, 0), e, max, anomalies);
  assignText(out.text, component(identifier, e.component, 1), e, max, anomalies);
  assignText(out.coding_system, component(identifier, e.component, 2), e, max, anomalies);
  assignText(out.sub_id, at(fields, 4), e, max, anomalies);

  out.kind = events::Hl7ValueKind::Absent;
  out.value.clear();
  out.numeric = 0;
  out.numeric_valid = false;
  bool withheld = false;
  const std::string_view value = firstRepetition(at(fields, 5), e);
  if (present(value)) {
    out.kind = events::Hl7ValueKind::Text;
    switch (classifyValueType(out.value_type)) {
      case ValueClass::Numeric:
        assignText(out.value, trimSpaces(value), e, max, anomalies);
        if (const auto n = parseNumber(out.value)) {
          out.kind = events::Hl7ValueKind::Number;
          out.numeric = *n;
          out.numeric_valid = true;
        }
        break;
      case ValueClass::Structured: {
        // SN: comparator ^ num1 ^ separator/suffix ^ num2, shown as their concatenation.
        const std::string_view comparator = component(value, e.component, 0);
        const std::string_view num1 = component(value, e.component, 1);
        const std::string_view separator = component(value, e.component, 2);
        const std::string_view num2 = component(value, e.component, 3);
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
        assignText(out.value, component(value, e.component, 0), e, max, anomalies);
        if (out.value.empty()) out.kind = events::Hl7ValueKind::Absent;
        break;
      case ValueClass::Time: {
        const std::string_view ts = component(value, e.component, 0);
        if (!appendIsoTime(ts, out.value)) assignText(out.value, ts, e, max, anomalies);
        break;
      }
      case ValueClass::Plain:
        assignText(out.value, component(value, e.component, 0), e, max, anomalies);
        break;
      case ValueClass::Withheld:
        out.kind = events::Hl7ValueKind::Withheld;
        withheld = true;
        break;
    }
  }

  const std::string_view units = firstRepetition(at(fields, 6), e);
  const std::string_view units_id = component(units, e.component, 0);
  assignText(out.units, units_id.empty() ? component(units, e.component, 1) : units_id, e, max,
             anomalies);
  assignText(out.status, at(fields, 11), e, max, anomalies);
  const std::string_view time = firstComponent(at(fields, 14), e);
  out.time.clear();
  if (!appendIsoTime(time, out.time)) assignText(out.time, time, e, max, anomalies);
  assignText(out.equipment, firstComponent(at(fields, 18), e), e, max, anomalies);
  return withheld;
}

void parsePatient(std::span<const std::string_view> fields, const EncodingCharacters& e, bool first,
                  PatientTokens* tokens, events::Hl7Patient& patient) {
  static constexpr std::pair<size_t, Hl7PhiField> kPidFields[] = {
      {2, Hl7PhiField::Pid2},   {3, Hl7PhiField::Pid3},   {4, Hl7PhiField::Pid4},
      {5, Hl7PhiField::Pid5},   {6, Hl7PhiField::Pid6},   {7, Hl7PhiField::Pid7},
      {9, Hl7PhiField::Pid9},   {11, Hl7PhiField::Pid11}, {13, Hl7PhiField::Pid13},
      {14, Hl7PhiField::Pid14}, {18, Hl7PhiField::Pid18}, {19, Hl7PhiField::Pid19},
      {20, Hl7PhiField::Pid20}};
  for (const auto& [index, field] : kPidFields) noteIfPresent(fields, index, field, patient);
  if (!first || tokens == nullptr) return;

  std::string scratch;  // names under the small-string size need no allocation
  std::string_view id = firstComponent(at(fields, 3), e);
  if (!present(id)) id = firstComponent(at(fields, 2), e);
  if (present(id)) {
    unescape(id, e, scratch);
    tokens->token(PatientTokens::Kind::Id, scratch, patient.id);
  }
  if (present(at(fields, 5))) {
    composeName(at(fields, 5), e, scratch);
    tokens->token(PatientTokens::Kind::Name, scratch, patient.name);
  }
  const std::string_view birth = firstComponent(at(fields, 7), e);
  if (present(birth)) {
    tokens->token(PatientTokens::Kind::BirthDate, birth.substr(0, 8), patient.birth_date);
  }
}

void notePersonalFields(std::span<const std::string_view> fields, events::Hl7Patient& patient) {
  const std::string_view name = at(fields, 0);
  if (name == "NK1") {
    noteIfPresent(fields, 2, Hl7PhiField::Nk1Name, patient);
    noteIfPresent(fields, 4, Hl7PhiField::Nk1Address, patient);
    noteIfPresent(fields, 5, Hl7PhiField::Nk1Phone, patient);
  } else if (name == "PV1") {
    noteIfPresent(fields, 19, Hl7PhiField::Pv1Visit, patient);
  } else if (name == "NTE") {
    noteIfPresent(fields, 3, Hl7PhiField::NteFreeText, patient);
  }
}

void parseAck(std::span<const std::string_view> fields, const EncodingCharacters& e,
              const Hl7Limits& limits, events::Hl7Message& out, AnomalyCounters& anomalies) {
  assignText(out.ack_code, at(fields, 1), e, limits.max_field_length, anomalies);
  assignText(out.acknowledged_control_id, at(fields, 2), e, limits.max_field_length, anomalies);
  assignText(out.ack_text, at(fields, 3), e, limits.max_field_length, anomalies);
}

void addDevice(std::string_view source, std::string_view ei, const EncodingCharacters& e,
               const Hl7Limits& limits, events::Hl7Message& out, AnomalyCounters& anomalies) {
  const std::string_view id = firstComponent(ei, e);
  if (!present(id)) return;
  for (const events::Hl7Device& d : out.devices) {
    if (d.source == source && d.id == id) return;  // common case: no escapes, compare raw
  }
  if (out.devices.size() >= limits.max_devices) {
    anomalies.add(Anomaly::Hl7TooManyDevices);
    return;
  }
  events::Hl7Device& d = out.devices.emplace_back();
  d.source = source;
  assignText(d.id, id, e, limits.max_field_length, anomalies);
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
