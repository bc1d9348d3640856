// Streaming scan of the start of a DIMSE data set (PS3.5 section 7) for the patient fields,
// (0010,0010) Patient's Name and (0010,0020) Patient ID. Data sets of images are megabytes: the
// scanner reads element headers in order, keeps only the two values it wants, skips every other
// value by its length without buffering it, and stops at the first top-level element after
// (0010,0020) (elements are in ascending tag order, PS3.5 7.1). It holds at most one element
// header and the two values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/dicom/limits.h"
#include "core/anomaly.h"
#include "core/bytes.h"

namespace medtap::analyzers::dicom {

// How the data set is encoded, from its presentation context's transfer syntax.
enum class DataSetEncoding : uint8_t {
  ImplicitLittle,  // 1.2.840.10008.1.2
  ExplicitLittle,  // 1.2.840.10008.1.2.1 and the compressed syntaxes (PS3.5 A.4)
  Detect,          // transfer syntax unknown (association setup not seen): decided from the
                   // first element header, by whether bytes 4-5 are a VR
  NotScanned,      // explicit big endian (retired), deflated: the patient fields are not read
};

// The encoding a transfer syntax UID gives its data sets.
DataSetEncoding encodingOf(std::string_view transfer_syntax_uid);

class DataSetScanner {
 public:
  // Starts a new data set.
  void reset(DataSetEncoding encoding);
  // The next bytes of the data set, in order.
  void feed(Bytes data, AnomalyCounters& anomalies);
  // `length` bytes of the data set were lost (TCP gap): absorbed when they fall inside a value the
  // scanner skips anyway, else the scan stops.
  void lose(uint64_t length);
  // The data set is complete: an element cut short by its end is dicom_malformed_data_set.
  void finish(AnomalyCounters& anomalies);

  // Raw values (PHI: tokenize, never output), without their padding; empty when absent.
  const std::string& patientName() const { return patient_name_; }
  const std::string& patientId() const { return patient_id_; }
  bool done() const { return state_ == State::Done; }

 private:
  enum class State : uint8_t { Header, Value, Skip, Done };
  enum class Target : uint8_t { None, Name, Id };

  size_t collectHeader(Bytes data, size_t pos, AnomalyCounters& anomalies);
  void onElement(uint16_t group, uint16_t element, uint32_t length, bool is_sequence,
                 AnomalyCounters& anomalies);
  size_t captureValue(Bytes data, size_t pos, AnomalyCounters& anomalies);
  std::string& target();

  // Longest element header: explicit VR with a 4-byte length (tag 4, VR 2, reserved 2, length 4).
  static constexpr size_t kMaxHeaderSize = 12;

  DataSetEncoding encoding_ = DataSetEncoding::NotScanned;
  State state_ = State::Done;
  Target target_ = Target::None;
  bool cut_ = false;  // the value being captured was longer than kMaxPatientFieldLength
  std::array<uint8_t, kMaxHeaderSize> header_{};
  size_t header_len_ = 0;
  uint64_t remaining_ = 0;  // of the value being skipped or captured
  size_t depth_ = 0;        // undefined-length sequences and items open
  std::string patient_name_, patient_id_;
};

}  // namespace medtap::analyzers::dicom
