// event_type "contec_cms": the Contec central-station stream (TCP 515, DOMAIN.md), as laid out by
// the public scarito/cms reverse-engineered decoder (unconfirmed for the CMS8000).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace medtap::events {

// A vital sign with the monitor's own validity flag (0 = valid in the stream).
struct ContecVital {
  double value = 0;
  bool valid = false;
};

// The latest value of each vital sign seen on the flow.
struct ContecVitals {
  std::optional<ContecVital> hr, rr, spo2, pulse_rate, nibp_sys, nibp_dia, nibp_mean, temp1, temp2;
};

// Patient record fields, tokens only (DESIGN.md, "Patient data"); "" when absent.
struct ContecPatient {
  std::string name, id, birth_date, admission_date, doctor;
};

// One event per patient record, bed number, error, and per telemetry cycle (at its end-of-cycle
// block, 0x47, with the latest vitals); telemetry blocks themselves arrive several times a
// second and are folded into the cycle's event.
struct ContecCmsBlock {
  static constexpr std::string_view kEventType = "contec_cms";
  uint8_t block_type = 0;
  std::string_view block_name;  // static: "patient_record", "bed_number", "cycle", "error", ...
  std::optional<uint8_t> bed;
  std::string department;                        // patient record: kept (a ward, not a person)
  std::optional<ContecPatient> patient;          // patient record only
  std::optional<uint16_t> height_mm, weight_dg;  // patient record: mm, 0.1 kg
  ContecVitals vitals;                           // cycle events
  uint32_t telemetry_blocks = 0;                 // cycle events: telemetry blocks folded in
  std::optional<uint32_t> error_code;            // error block (0x49)
  std::string error_text;
};

}  // namespace medtap::events
