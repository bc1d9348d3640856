// HL7 v2 messages as patient monitors, pumps and gateways send them: ORU^R01 with observations
// coded either the IHE PCD-01 way (IEEE 11073 MDC codes, IHE PCD TF-2 3.1) or with LOINC, the
// ACK^R01 the receiver answers with, and MLLP framing (HL7 v2 MLLP, 0x0B ... 0x1C 0x0D).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "simulate/physiology.h"
#include "simulate/sim_time.h"

namespace medtap::simulate {

enum class Hl7Dialect : uint8_t { Mdc, Loinc };

constexpr char kMllpStart = 0x0B;
constexpr char kMllpEnd = 0x1C;
constexpr char kMllpTrailer = 0x0D;

struct Observation {
  std::string code;  // "147842^MDC_ECG_HEART_RATE^MDC" or "8867-4^Heart rate^LN"
  std::string value;
  std::string units;  // coded units
  std::string range;  // OBX-7, may be empty
  Timestamp time;
  std::string sub_id;  // OBX-4
  std::string value_type = "NM";
};

struct OruMessage {
  Hl7Dialect dialect = Hl7Dialect::Mdc;
  std::string version = "2.6";
  std::string sending_application;  // MSH-3 (may hold components)
  std::string sending_facility;
  std::string receiving_application;
  std::string receiving_facility;
  std::string control_id;
  Timestamp time;
  Hl7Zone zone = Hl7Zone::Utc;
  // Patient and location; a pump or a gateway message without a patient leaves it null.
  const Patient* patient = nullptr;
  std::string unit;  // point of care, PV1-3.1
  int bed = 0;
  std::string equipment;  // EUI-64 hex for OBX-18 / OBR-2, empty if none
  std::string
      device_code;  // an MDS-level OBX code ("69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC")
  std::vector<Observation> observations;
  std::string note;  // an NTE, already escaped; empty for none
};

// Appends the message as one MLLP frame. Segments end with CR (HL7 v2 2.5.1).
void appendMllpOru(std::string& out, const OruMessage& m);
// Appends the acknowledgment (MSA-1 AA) for a message, as one MLLP frame.
void appendMllpAck(std::string& out, const OruMessage& acked, std::string_view ack_control_id,
                   Timestamp time);

// The observations of a vital-signs sample in the given dialect. Probe-off omits SpO2 and
// pulse rate; NIBP is included only when a measurement just finished.
void vitalsObservations(Hl7Dialect dialect, const Vitals& v, Timestamp t,
                        std::vector<Observation>& out);

// Escapes text for an HL7 field with the standard encoding characters (HL7 v2 2.7).
std::string hl7Escape(std::string_view text);

// The EUI-64 a device derives from its MAC (IEEE EUI-64 from EUI-48: insert FFFE), as 16 hex
// digits, the form PCD devices put in MSH-3 and OBX-18.
std::string eui64FromMac(const uint8_t mac[6]);

}  // namespace medtap::simulate
