#include "analyzers/contec_cms/blocks.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "analyzers/contec_cms/limits.h"

namespace medtap::analyzers::contec_cms {

std::string_view fixedField(Bytes payload, size_t offset, size_t size) {
  if (offset >= payload.size()) return {};
  std::string_view s = asChars(payload.subspan(offset, std::min(size, payload.size() - offset)));
  s = s.substr(0, s.find('\0'));  // NUL-terminated inside its field
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

bool parsePatientRecord(Bytes payload, PatientRecordView& out) {
  if (payload.size() < kPatientRecordSize) return false;
  out.department = fixedField(payload, kDepartmentOffset, kDepartmentSize);
  out.bed = payload[kRecordBedOffset];
  out.name = fixedField(payload, kNameOffset, kNameSize);
  out.number = fixedField(payload, kNumberOffset, kNumberSize);
  out.admission_date = fixedField(payload, kAdmissionOffset, kDateSize);
  out.height_mm = readLe16(payload, kHeightOffset);
  out.weight_dg = readLe16(payload, kWeightOffset);
  out.birth_date = fixedField(payload, kBirthOffset, kDateSize);
  out.doctor = fixedField(payload, kDoctorOffset, kDoctorSize);
  return true;
}

bool parseBedNumber(Bytes payload, uint8_t& bed) {
  if (payload.size() <= kBedNumberOffset) return false;
  bed = payload[kBedNumberOffset];
  return true;
}

namespace {

// A value byte then a validity byte (0 = valid).
events::ContecVital byteVital(Bytes p, size_t off) {
  return {static_cast<double>(p[off]), p[off + 1] == 0};
}

events::ContecVital floatVital(Bytes p, size_t off) {
  const float f = std::bit_cast<float>(readLe32(p, off));
  // The decoder gives no validity flag for temperatures; a value that is not a number or is
  // outside any thermometer's range is reported as invalid.
  const bool valid = f == f && f > 0.0f && f < 60.0f;
  return {valid ? static_cast<double>(f) : 0.0, valid};
}

}  // namespace

bool parseTelemetry(Bytes payload, events::ContecVitals& v) {
  if (payload.size() <= kTelemetryKindOffset) return false;
  switch (static_cast<TelemetryKind>(payload[kTelemetryKindOffset])) {
    case TelemetryKind::Ecg:
      if (payload.size() < kEcgVitalsOffset + 4) return false;
      v.hr = byteVital(payload, kEcgVitalsOffset);
      v.rr = byteVital(payload, kEcgVitalsOffset + 2);
      return true;
    case TelemetryKind::Pleth:
      if (payload.size() < kPlethVitalsOffset + 4) return false;
      v.spo2 = byteVital(payload, kPlethVitalsOffset);
      v.pulse_rate = byteVital(payload, kPlethVitalsOffset + 2);
      return true;
    case TelemetryKind::Nibp: {
      if (payload.size() < kNibpOffset + 8) return false;
      // No validity flag in the decoder: zero means no measurement.
      const auto at = [&](size_t off) {
        const uint16_t x = readLe16(payload, kNibpOffset + off);
        return events::ContecVital{static_cast<double>(x), x != 0};
      };
      v.nibp_sys = at(2);
      v.nibp_dia = at(4);
      v.nibp_mean = at(6);
      return true;
    }
    case TelemetryKind::Temperature:
      if (payload.size() < kTemperatureOffset + 8) return false;
      v.temp1 = floatVital(payload, kTemperatureOffset);
      v.temp2 = floatVital(payload, kTemperatureOffset + 4);
      return true;
  }
  return true;  // other sub-types: nothing we read
}

bool parseError(Bytes payload, uint32_t& code, std::string_view& text) {
  if (payload.size() < 2) return false;
  code = readLe16(payload, 0);
  text = fixedField(payload, 2, kMaxErrorText);
  return true;
}

std::string_view blockName(uint8_t type) {
  switch (static_cast<BlockType>(type)) {
    case BlockType::PatientRecord:
      return "patient_record";
    case BlockType::Empty43:
      return "block_43";
    case BlockType::BedNumber:
      return "bed_number";
    case BlockType::Telemetry:
      return "telemetry";
    case BlockType::EndOfCycle:
      return "cycle";
    case BlockType::Error:
      return "error";
  }
  return "unknown";
}

}  // namespace medtap::analyzers::contec_cms
