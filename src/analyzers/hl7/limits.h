// Limits of the HL7 v2 analyzer, each with the reason for its value (STYLE.md 10). Every limit has
// an anomaly counted when it is hit (core/anomaly.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::hl7 {

// MLLP framing characters (HL7 v2.5.1 Appendix C.4.3, "Block format"): <SB> message <EB><CR>.
constexpr uint8_t kMllpStartBlock = 0x0B;
constexpr uint8_t kMllpEndBlock = 0x1C;
constexpr uint8_t kMllpCarriageReturn = 0x0D;

// Largest message (bytes between <SB> and <EB>, or one raw message) the analyzer buffers.
// HL7 v2 sets no maximum; ORU^R01 from monitors and MDM^T02 documents carry base64 waveforms and
// PDFs (OBX-5 of type ED) that reach several megabytes, so 16 MiB keeps them while bounding the
// memory of one direction. Beyond it: mllp_oversized_message / hl7_oversized_message, and the
// rest of that message is skipped without buffering.
constexpr size_t kMaxMessageSize = size_t{16} << 20;

// Bytes outside any MLLP frame tolerated in a row before the analyzer gives up on the direction
// (OutOfSync). A real MLLP peer sends nothing between <EB><CR> and the next <SB>; 64 KiB of
// other bytes means the flow is not (or no longer) MLLP. After a gap the skip to the next <SB>
// may be as long as a whole message, so the limit there is kMaxMessageSize.
constexpr size_t kMaxBytesOutsideFrame = size_t{64} << 10;

// Messages in a row that do not parse (no MSH, unusable encoding characters) before the analyzer
// gives up on the flow: one bad message is an anomaly, a run of them means it is not HL7.
constexpr uint32_t kMaxConsecutiveBadMessages = 16;

// Segment names kept per message event. The largest real message in the test corpora
// (CDC case notification testFile.hl7) has about 850 segments; 10 000 leaves room for results
// with many OBX while bounding the event. Beyond it: hl7_too_many_segments, names dropped.
constexpr size_t kMaxSegments = 10'000;

// Fields in one segment. The largest segment defined by HL7 v2.8 (PID, OBR) has under 60 fields;
// 256 leaves room for Z-segments and empty-field runs (tapirx's UDI captures) while bounding the
// split. Beyond it: hl7_too_many_fields.
constexpr size_t kMaxFieldsPerSegment = 256;

// Capacity a framer keeps in its buffer after a message for the next split one. Most messages
// are a few KiB; giving back anything larger keeps an idle HL7 flow small after a big ORU.
constexpr size_t kRetainedBufferCapacity = size_t{64} << 10;

// Characters of one field copied into the event (MSH fields, MSA, batch headers, OBX parts). HL7
// v2.5 maximum lengths for the fields we report: HD (MSH-3..6) 227, MSG (MSH-9) 15, ST (MSH-10) 20,
// VID (MSH-12) 60; 512 is generous. Beyond it: hl7_long_field, and the field is cut (at a UTF-8
// character boundary).
constexpr size_t kMaxHeaderFieldLength = 512;

// Observations (OBX) kept per message event. A monitor's ORU^R01 carries tens of OBX; the largest
// real message in the test corpora (CDC case notification testFile.hl7) has 839, most of them
// coded answers. 256 keeps every vital-sign message whole while bounding the event. Beyond it:
// hl7_too_many_observations, counted once per message, and the message's observations_dropped.
constexpr size_t kMaxObservations = 256;

// Device identifiers (OBX-18, PRT-10, PRT-16) kept per message event, distinct values only. A
// message normally names one device (the sender) or a few (a gateway's bed devices). Beyond it:
// hl7_too_many_devices.
constexpr size_t kMaxDevices = 16;

// The limits that bound one parsed message, with the constants above as defaults. The registry's
// factories take no configuration today, so the analyzer always uses the defaults; tests pass
// smaller ones.
struct Hl7Limits {
  size_t max_segments = kMaxSegments;
  size_t max_fields_per_segment = kMaxFieldsPerSegment;
  size_t max_field_length = kMaxHeaderFieldLength;
  size_t max_observations = kMaxObservations;
  size_t max_devices = kMaxDevices;
};

}  // namespace medtap::analyzers::hl7
