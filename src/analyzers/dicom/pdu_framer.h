// DICOM upper-layer PDU framing (PS3.8 9.3): cuts one direction of a TCP stream into PDUs. Every
// PDU but P-DATA-TF is small and handed over whole; P-DATA-TF is never buffered: its PDVs
// (PS3.8 9.3.5.1) are passed on as they arrive, so that a C-STORE of a large image costs no
// memory. The framer knows nothing of DIMSE (message_assembler.h does).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/dicom/limits.h"
#include "analyzers/resync_scanner.h"
#include "core/anomaly.h"
#include "core/bytes.h"

namespace medtap::analyzers::dicom {

// How the framer reports what it finds (STYLE.md 5). Tests mock it.
class PduCallbacks {
 public:
  virtual ~PduCallbacks() = default;
  // A whole PDU other than P-DATA-TF; `body` is what follows the 6-byte header and is valid only
  // during the call.
  virtual void onPdu(PduType type, Bytes body) = 0;
  // A PDV begins: `length` value bytes follow (its header excluded), in onPdvData calls.
  virtual void onPdvStart(uint8_t context_id, uint8_t control, uint32_t length) = 0;
  // The next bytes of the open PDV; valid only during the call.
  virtual void onPdvData(Bytes data) = 0;
  // `length` bytes of the open PDV were lost in a TCP gap (the framer stayed in sync).
  virtual void onPdvLost(uint64_t length) = 0;
  // The open PDV is complete.
  virtual void onPdvEnd() = 0;
  // The stream can no longer be followed (a gap across a header, or a broken PDV): any message
  // being assembled is lost.
  virtual void onLostSync() = 0;
  virtual void onAnomaly(Anomaly anomaly) = 0;
};

struct PduLimits {
  size_t max_buffered_pdu = kMaxBufferedPduSize;
  uint64_t resync_window = kMaxResyncScan;
};

// Whether a PDU plausibly starts at the first byte of `b`: a known type, a zero reserved byte, a
// length that fits the type, and the type's first fields (the protocol version of A-ASSOCIATE, the
// zero reserved bytes and known reason codes of A-RELEASE, A-ASSOCIATE-RJ and A-ABORT, a first
// PDV whose length fits the PDU, with an odd context id and only the two known control bits).
// Decides with at most kResyncLookahead bytes.
FrameCheck pduStart(Bytes b);

// Incremental PDU framer for one direction. Holds at most max_buffered_pdu bytes.
//
// Malformed input, and what the framer does with it:
// - a PDU type outside 1..7: dicom_unknown_pdu_type, feed() returns OutOfSync (no resync marker
//   exists in DICOM, so the stream is not, or no longer, DICOM);
// - a non-P-DATA PDU longer than max_buffered_pdu: dicom_oversized_pdu, skipped by its length;
// - a PDV whose length does not fit its PDU: dicom_bad_pdv_length, the rest of the PDU is skipped
//   and onLostSync() tells the assembler;
// - a TCP gap inside PDV data or a skipped PDU: absorbed (onPdvLost), the framer stays in sync;
//   a gap over a PDV header: the rest of its P-DATA-TF is skipped by length (onLostSync), in
//   sync; a gap over a PDU header: the framer scans forward for the next PDU start (pduStart,
//   ResyncScanner): found, dicom_resynced and framing goes on; not within resync_window bytes,
//   dicom_lost_sync and the direction is ignored from then on;
// - the end of the stream inside a PDU: dicom_truncated_pdu.
class PduFramer {
 public:
  explicit PduFramer(const PduLimits& limits = {})
      : limits_(limits), resync_(&pduStart, kResyncLookahead, limits.resync_window) {}

  // Consumed: between PDUs; NeedMoreData: inside one; OutOfSync: not DICOM, and every later call
  // does nothing and returns OutOfSync.
  FeedResult feed(Bytes data, PduCallbacks& callbacks);
  void gap(uint64_t length, PduCallbacks& callbacks);
  void end(PduCallbacks& callbacks);

  // Bytes held in the framer's buffer (for tests and memory accounting).
  size_t bufferedBytes() const { return body_.size(); }

 private:
  enum class State : uint8_t {
    PduHeader,  // collecting the 6-byte PDU header
    PduBody,    // collecting a non-P-DATA PDU
    PdvHeader,  // inside P-DATA-TF, collecting a 6-byte PDV header
    PdvData,    // inside a PDV: passing its bytes on
    Skip,       // skipping the rest of a PDU (oversized, or broken PDV)
    Resync,     // after a gap over a PDU header: scanning for the next PDU
    Lost,       // no PDU found after a gap: ignore the direction
    Failed,     // not DICOM (OutOfSync)
  };

  size_t collectHeader(Bytes data, size_t pos, PduCallbacks& callbacks);
  size_t collectBody(Bytes data, size_t pos, PduCallbacks& callbacks);
  size_t collectPdvHeader(Bytes data, size_t pos, PduCallbacks& callbacks);
  size_t passPdvData(Bytes data, size_t pos, PduCallbacks& callbacks);
  size_t scanForPdu(Bytes data, size_t pos, PduCallbacks& callbacks);
  void startPdu(PduCallbacks& callbacks);
  void afterPdv();
  void dropBody();

  PduLimits limits_;
  State state_ = State::PduHeader;
  std::array<uint8_t, kPduHeaderSize> header_{};  // PDU or PDV header being collected
  size_t header_len_ = 0;
  PduType type_ = PduType::AssociateRq;
  uint64_t pdu_remaining_ = 0;  // bytes of the current PDU not yet read
  uint64_t pdv_remaining_ = 0;  // bytes of the open PDV not yet passed on
  std::vector<uint8_t> body_;   // a non-P-DATA PDU split across feed() calls
  ResyncScanner resync_;        // after a gap over a PDU header
};

}  // namespace medtap::analyzers::dicom
