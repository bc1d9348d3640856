// The Contec central-station stream (TCP 515, not LPD), as reverse-engineered by the public
// scarito/cms decoder and summarised in DOMAIN.md: little-endian `uint16 length` (the two bytes
// after it plus the payload), `0x05`, `block_type`, then length - 2 payload bytes.
#pragma once

#include <cstdint>
#include <string>

#include "core/timestamp.h"
#include "simulate/physiology.h"

namespace medtap::simulate::contec {

constexpr uint8_t kMarker = 0x05;
enum class BlockType : uint8_t {
  PatientRecord = 0x3E,
  Empty43 = 0x43,
  BedNumber = 0x45,
  Telemetry = 0x46,
  EndOfCycle = 0x47,
  Error = 0x49,
};
enum class TelemetryKind : uint8_t { Ecg = 0x14, Pleth = 0x15, Nibp = 0x16, Temperature = 0x17 };

// Payload offsets (DOMAIN.md): 0x14 carries heart rate and respiration rate at 0x384 (value
// byte then validity byte, 0 = valid), 0x15 carries SpO2 and pulse rate at 0x104; the patient
// record puts blood type at 0x8C and the doctor's name at 0x8D.
constexpr size_t kEcgVitalsOffset = 0x384;
constexpr size_t kPlethVitalsOffset = 0x104;
constexpr size_t kBloodTypeOffset = 0x8C;
constexpr size_t kDoctorOffset = 0x8D;

void appendBedNumber(std::string& out, int bed);
void appendPatientRecord(std::string& out, const Patient& p, int bed, std::string_view department,
                         Timestamp admitted);
// One second of telemetry: ECG (three leads and respiration waveform) with HR/RR, pleth with
// SpO2/PR, NIBP when fresh, temperatures, then the end-of-cycle block. `phase` makes the
// waveforms continue from one cycle to the next.
void appendCycle(std::string& out, const Vitals& v, uint32_t phase);

}  // namespace medtap::simulate::contec
