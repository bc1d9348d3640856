// event_type "hl7": one HL7 v2 message (docs/EVENTS.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medtap::events {

// Fields that carry personal data, recorded by name when a message has them (a PHI-exposure
// detection needs "PID-5 patient name present", never the name). Order is the EVE order.
enum class Hl7PhiField : uint8_t {
  Pid2,         // PID-2 patient ID (v2.3 and earlier)
  Pid3,         // PID-3 patient identifier list
  Pid4,         // PID-4 alternate patient ID
  Pid5,         // PID-5 patient name
  Pid6,         // PID-6 mother's maiden name
  Pid7,         // PID-7 date/time of birth
  Pid9,         // PID-9 patient alias
  Pid11,        // PID-11 patient address
  Pid13,        // PID-13 home phone
  Pid14,        // PID-14 business phone
  Pid18,        // PID-18 patient account number
  Pid19,        // PID-19 SSN
  Pid20,        // PID-20 driver's licence
  Nk1Name,      // NK1-2 next of kin name
  Nk1Address,   // NK1-4 next of kin address
  Nk1Phone,     // NK1-5 next of kin phone
  Pv1Visit,     // PV1-19 visit number
  ObxFreeText,  // OBX-5 of a free-text or personal type (ST, TX, FT, ED, PN, XPN, XAD, ...)
  NteFreeText,  // NTE-3 comment
  kCount
};

inline constexpr std::array<std::string_view, static_cast<size_t>(Hl7PhiField::kCount)>
    kHl7PhiFieldNames = {"PID-2",  "PID-3",  "PID-4",           "PID-5",          "PID-6",
                         "PID-7",  "PID-9",  "PID-11",          "PID-13",         "PID-14",
                         "PID-18", "PID-19", "PID-20",          "NK1-2",          "NK1-4",
                         "NK1-5",  "PV1-19", "OBX-5 free text", "NTE-3 free text"};

// The patient of a message: keyed tokens (privacy/phi_tokenizer.h) and which PHI fields were
// present, never the values. Tokens are empty when the field is absent.
struct Hl7Patient {
  std::string name;        // token of PID-5 (first name: family^given^middle, unescaped)
  std::string id;          // token of PID-3 first identifier's ID (CX.1), else of PID-2
  std::string birth_date;  // token of PID-7's date (YYYYMMDD part)
  uint32_t fields = 0;     // bit i: Hl7PhiField i present (non-empty) somewhere in the message

  void add(Hl7PhiField f) { fields |= uint32_t{1} << static_cast<unsigned>(f); }
  bool has(Hl7PhiField f) const { return (fields >> static_cast<unsigned>(f)) & 1U; }
  bool empty() const { return fields == 0; }
};

// How an observation's value is reported.
enum class Hl7ValueKind : uint8_t {
  Absent,    // OBX-5 empty
  Number,    // NM (or SN without comparator) that parses: `numeric` holds it, EVE writes a number
  Text,      // coded (CE/CWE/CNE: the code), SN, TS/DTM (ISO 8601 when parseable), DT, TM, ID, IS,
             // or NM that does not parse: EVE writes `value` as a string
  Withheld,  // free text or a personal type (ST, TX, FT, ED, PN, ...): not copied, EVE null
};

// One OBX segment (HL7 v2.5.1 7.4.2). Text parts are unescaped and cut to the field limit.
struct Hl7Observation {
  std::string id;                         // OBX-1 set id
  std::string value_type;                 // OBX-2
  std::string code, text, coding_system;  // OBX-3 components 1..3 (CE/CWE)
  std::string sub_id;                     // OBX-4
  Hl7ValueKind kind = Hl7ValueKind::Absent;
  std::string value;  // Number and Text: the value as text (first repetition)
  // The typed value the vital-sign integrity stage consumes: valid for Number only.
  double numeric = 0;
  bool numeric_valid = false;
  std::string units;      // OBX-6 identifier, else its text
  std::string status;     // OBX-11
  std::string time;       // OBX-14, ISO 8601 when parseable, else as sent
  std::string equipment;  // OBX-18 first equipment instance identifier (EI.1)
};

// The FHS/BHS header a message arrived under (HL7 v2.5.1 2.10.3, 2.15.2, 2.15.5).
struct Hl7Batch {
  std::string file_control_id;   // FHS-11
  std::string batch_control_id;  // BHS-11
  std::string name;              // BHS-9 batch name/ID/type, else FHS-9 file name
  std::string sending_application, sending_facility;      // BHS-3/4, else FHS-3/4
  std::string receiving_application, receiving_facility;  // BHS-5/6, else FHS-5/6
  bool present = false;
};

// A device identifier seen in the message: where (static text) and the id.
struct Hl7Device {
  std::string_view source;  // "OBX-18", "PRT-10", "PRT-16"
  std::string id;
};

// Never holds raw PHI (DESIGN.md): patient fields arrive here as tokens only.
struct Hl7Message {
  static constexpr std::string_view kEventType = "hl7";
  std::string message_type;  // "ORU^R01"
  std::string control_id;
  std::string version;
  std::string sending_application, sending_facility;
  std::string receiving_application, receiving_facility;
  // MSH-3's HD components (HL7 v2.5.1 2.A.33): PCD devices put a model name and an EUI-64 here.
  std::string sending_namespace_id, sending_universal_id, sending_universal_id_type;
  std::vector<std::string> segments;    // segment names in order
  std::string ack_code;                 // MSA-1 when present
  std::string acknowledged_control_id;  // MSA-2
  std::string ack_text;                 // MSA-3
  Hl7Patient patient;
  std::vector<Hl7Observation> observations;  // at most Hl7Limits::max_observations
  uint32_t observations_dropped = 0;         // OBX beyond that limit
  std::vector<Hl7Device> devices;            // distinct, at most Hl7Limits::max_devices
  Hl7Batch batch;
  // PV1-3 assigned location (PL: point of care, room, bed), "ICU/07": a place, not a person. The
  // vital-sign integrity stage keys series by it; empty when there is no PV1-3.
  std::string bed;
  uint64_t length = 0;  // message bytes
};

}  // namespace medtap::events
