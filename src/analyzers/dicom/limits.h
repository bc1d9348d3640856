// Limits and wire constants of the DICOM upper-layer analyzer (DICOM PS3.8 section 9), each limit
// with the reason for its value (STYLE.md 10). Every limit has an anomaly counted when it is hit
// (core/anomaly.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::dicom {

// PDU types (PS3.8 9.3.1, table 9-1 onward).
enum class PduType : uint8_t {
  AssociateRq = 0x01,
  AssociateAc = 0x02,
  AssociateRj = 0x03,
  PData = 0x04,
  ReleaseRq = 0x05,
  ReleaseRp = 0x06,
  Abort = 0x07,
};

// Every PDU starts with type (1), reserved (1), length (4, big endian) (PS3.8 9.3.1).
constexpr size_t kPduHeaderSize = 6;
// A PDV item: length (4, big endian, counting what follows), presentation context id (1),
// message control header (1) (PS3.8 9.3.5.1 and annex E.2).
constexpr size_t kPdvHeaderSize = 6;
constexpr size_t kPdvLengthFieldSize = 4;
// Message control header bits (PS3.8 E.2): bit 0 command (1) or data set (0), bit 1 last fragment.
constexpr uint8_t kPdvCommandBit = 0x01;
constexpr uint8_t kPdvLastBit = 0x02;

// A-ASSOCIATE-RQ/AC fixed part after the PDU header: protocol version (2), reserved (2), called AE
// (16), calling AE (16), reserved (32); variable items follow (PS3.8 9.3.2, 9.3.3).
constexpr size_t kAssociateFixedSize = 68;
constexpr size_t kAeTitleSize = 16;
constexpr uint16_t kProtocolVersion = 0x0001;
// Item header: type (1), reserved (1), length (2, big endian).
constexpr size_t kItemHeaderSize = 4;

// Largest non-P-DATA PDU the analyzer buffers. A-ASSOCIATE-RQ is the only large one: PS3.8 9.3.2
// allows 128 presentation contexts (odd ids 1..255); tapirx's C-GET request proposes 121 of them
// with 4 transfer syntaxes each in 16 509 bytes. 256 KiB leaves room for many transfer syntaxes
// per context. Release, reject and abort PDUs are 10 bytes. Beyond it: dicom_oversized_pdu, the
// PDU is skipped by its length without buffering. P-DATA is never buffered whole (PDVs stream).
constexpr size_t kMaxBufferedPduSize = size_t{256} << 10;

// Resynchronisation after a gap over a PDU header (pdu_framer.h). The bytes after the gap are at
// worst the rest of one P-DATA-TF PDU, whose length is the receiver's maximum PDU length from the
// association (PS3.8 D.1); peers use 16 KiB to 1 MiB, and 4 MiB covers the largest in use. A
// P-DATA-TF claiming more is not taken as a frame start either. Beyond it: dicom_lost_sync, the
// direction is ignored.
constexpr uint64_t kMaxResyncScan = uint64_t{4} << 20;
// Bytes needed to judge a candidate: the PDU header and a P-DATA-TF's first PDV header.
constexpr size_t kResyncLookahead = kPduHeaderSize + kPdvHeaderSize;

// Presentation contexts kept per association: PS3.8 9.3.2.2, context ids are odd 1..255.
constexpr size_t kMaxPresentationContexts = 128;
// Transfer syntaxes listed per proposed context in an event. Real requests propose 1 to ~30
// (every JPEG variant); beyond it: dicom_long_field, the rest dropped from the event.
constexpr size_t kMaxTransferSyntaxesPerContext = 64;

// A UID is at most 64 characters (PS3.5 9.1), an AE title 16 (PS3.5 6.2 AE), the implementation
// version name 16 (PS3.7 D.3.3.2.3). Longer values are cut to this length (dicom_long_field).
constexpr size_t kMaxUidLength = 64;
constexpr size_t kMaxShortTextLength = 16;

// Largest command set buffered. Command sets are a few hundred bytes (PS3.7 9.3 and 10.3: group
// 0000 elements, UIDs and a few integers); 64 KiB bounds a hostile one. Beyond it:
// dicom_oversized_command, the message is dropped.
constexpr size_t kMaxCommandSetSize = size_t{64} << 10;

// Longest patient name (0010,0010, PN: three component groups of 64 characters, PS3.5 6.2) or
// patient ID (0010,0020, LO: 64) value read before tokenizing; longer ones are tokenized on
// their first kMaxPatientFieldLength bytes (dicom_long_field).
constexpr size_t kMaxPatientFieldLength = 324;

// Undefined-length sequences and items nested before group 0010 that the data-set scanner
// follows. Real headers nest 2 to 4 deep (Referenced Image Sequence inside Procedure Code); 16
// bounds a hostile one. Beyond it: dicom_malformed_data_set, the scan stops.
constexpr size_t kMaxDataSetNesting = 16;

}  // namespace medtap::analyzers::dicom
