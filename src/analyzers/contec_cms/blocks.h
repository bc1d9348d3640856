// Pure parse helpers for the blocks of the Contec central-station stream (layout: limits.h, from
// the public scarito/cms reverse-engineered decoder, unconfirmed). Each reads one block's payload
// and returns false when the payload is shorter than its layout (contec_short_block).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "events/contec_cms.h"

namespace medtap::analyzers::contec_cms {

// The patient record's fields as views into the payload, NUL and space padding trimmed. The
// personal fields must only leave the analyzer as tokens.
struct PatientRecordView {
  std::string_view department;
  uint8_t bed = 0;
  std::string_view name, number, admission_date, birth_date, doctor;
  uint16_t height_mm = 0;
  uint16_t weight_dg = 0;  // 0.1 kg
};
bool parsePatientRecord(Bytes payload, PatientRecordView& out);

bool parseBedNumber(Bytes payload, uint8_t& bed);

// Updates the vitals a telemetry block (0x46) carries; other sub-types are skipped (true).
bool parseTelemetry(Bytes payload, events::ContecVitals& vitals);

// Error block (0x49): a code (uint16 LE, unconfirmed width) and ASCII text.
bool parseError(Bytes payload, uint32_t& code, std::string_view& text);

// "patient_record", "bed_number", "telemetry", "cycle", "block_43", "error", "unknown".
std::string_view blockName(uint8_t type);

// A fixed-size ASCII field without its NUL/space padding (exposed for tests).
std::string_view fixedField(Bytes payload, size_t offset, size_t size);

}  // namespace medtap::analyzers::contec_cms
