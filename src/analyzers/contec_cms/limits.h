// Layout and limits of the Contec central-station stream (DOMAIN.md). The layout is the one of the
// public scarito/cms reverse-engineered decoder: unconfirmed for the CMS8000 itself, and no real
// capture exists to check it against, so every offset below is a lead, not a specification.
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::contec_cms {

// Block header: uint16 LE length (counting the marker, the type and the payload), 0x05, type.
constexpr size_t kLengthSize = 2;
constexpr size_t kHeaderSize = 4;
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

// Payload offsets (DOMAIN.md).
constexpr size_t kTelemetryKindOffset = 2;
constexpr size_t kEcgVitalsOffset = 0x384;    // HR value, validity, RR value, validity
constexpr size_t kPlethVitalsOffset = 0x104;  // SpO2 value, validity, pulse rate, validity
constexpr size_t kNibpOffset = 4;             // hour, minute, systolic, diastolic, mean (LE16)
constexpr size_t kTemperatureOffset = 4;      // two IEEE 754 single floats, LE
constexpr size_t kBedNumberOffset = 2;        // 00 00 <bed> FF
// Patient record: department (32), 2 zero bytes, bed (1), name (32), number (32), admission date
// (5+3+3 ASCII), 6 zero bytes, height LE16 (mm), weight LE16 (0.1 kg), 4 unknown bytes, birth date
// (5+3+3), 4 zero bytes, blood type at 0x8C, doctor's name (32) at 0x8D.
constexpr size_t kDepartmentOffset = 0, kDepartmentSize = 32;
constexpr size_t kRecordBedOffset = 34;
constexpr size_t kNameOffset = 35, kNameSize = 32;
constexpr size_t kNumberOffset = 67, kNumberSize = 32;
constexpr size_t kAdmissionOffset = 99, kDateSize = 11;
constexpr size_t kHeightOffset = 116, kWeightOffset = 118;
constexpr size_t kBirthOffset = 124;
constexpr size_t kDoctorOffset = 0x8D, kDoctorSize = 32;
constexpr size_t kPatientRecordSize = kDoctorOffset + kDoctorSize;

// Largest block accepted. The largest known block, the ECG telemetry block (0x46/0x14), is about
// 0x390 bytes; 16 KiB leaves room for unknown block types while bounding the buffer of a
// direction. A larger length means the stream is not (or no longer) this protocol:
// contec_bad_block and the direction is given up.
constexpr size_t kMaxBlockSize = size_t{16} << 10;

// Resynchronisation after a gap (block_framer.h): a candidate header is taken only when the next
// block's header follows it, so the lookahead is one whole block and a header. The bytes after a
// gap are at worst the rest of one block; 64 KiB is four of the largest. Beyond it:
// contec_lost_sync, the direction is ignored.
constexpr size_t kResyncLookahead = kLengthSize + kMaxBlockSize + kHeaderSize;
constexpr uint64_t kMaxResyncScan = uint64_t{64} << 10;

// Error block text copied into the event (bytes; ASCII per the decoder).
constexpr size_t kMaxErrorText = 256;

}  // namespace medtap::analyzers::contec_cms
