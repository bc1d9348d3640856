#include "analyzers/dicom/data_set_scanner.h"

#include <algorithm>
#include <string_view>

namespace medtap::analyzers::dicom {

namespace {

constexpr size_t kShortHeaderSize = 8;  // implicit VR, explicit VR with a 2-byte length, items
constexpr size_t kVrOffset = 4;
constexpr uint32_t kUndefinedLength = 0xFFFFFFFF;

// Items and delimiters (PS3.5 7.5): group FFFE, always tag + 4-byte length, never a VR.
constexpr uint16_t kItemGroup = 0xFFFE;
constexpr uint16_t kItem = 0xE000;
constexpr uint16_t kItemDelimitation = 0xE00D;
constexpr uint16_t kSequenceDelimitation = 0xE0DD;

constexpr uint16_t kPatientGroup = 0x0010;
constexpr uint16_t kPatientName = 0x0010;
constexpr uint16_t kPatientId = 0x0020;

constexpr std::string_view kImplicitLittle = "1.2.840.10008.1.2";
constexpr std::string_view kExplicitBig = "1.2.840.10008.1.2.2";
constexpr std::string_view kDeflatedExplicitLittle = "1.2.840.10008.1.2.1.99";
constexpr std::string_view kDicomTransferSyntaxRoot = "1.2.840.10008.1.2.";

// Explicit VRs with a reserved field and a 4-byte length (PS3.5 7.1.2, table 7.1-1).
bool isLongVr(char a, char b) {
  static constexpr std::string_view kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                               "SV", "UC", "UN", "UR", "UT", "UV"};
  return std::any_of(std::begin(kLong), std::end(kLong),
                     [&](std::string_view vr) { return vr[0] == a && vr[1] == b; });
}

bool looksLikeVr(uint8_t a, uint8_t b) {
  return a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z';
}

std::string_view trimmed(std::string_view v) {
  while (!v.empty() && (v.back() == ' ' || v.back() == '\0')) v.remove_suffix(1);
  return v;
}

}  // namespace

DataSetEncoding encodingOf(std::string_view uid) {
  if (uid == kImplicitLittle) return DataSetEncoding::ImplicitLittle;
  if (uid == kExplicitBig || uid == kDeflatedExplicitLittle) return DataSetEncoding::NotScanned;
  if (uid.starts_with(kDicomTransferSyntaxRoot)) return DataSetEncoding::ExplicitLittle;
  return DataSetEncoding::Detect;  // private or unknown syntax
}

void DataSetScanner::reset(DataSetEncoding encoding) {
  encoding_ = encoding;
  state_ = encoding == DataSetEncoding::NotScanned ? State::Done : State::Header;
  target_ = Target::None;
  header_len_ = 0;
  remaining_ = 0;
  depth_ = 0;
  patient_name_.clear();
  patient_id_.clear();
}

void DataSetScanner::feed(Bytes data, AnomalyCounters& anomalies) {
  size_t pos = 0;
  while (pos < data.size() && state_ != State::Done) {
    switch (state_) {
      case State::Header:
        pos = collectHeader(data, pos, anomalies);
        break;
      case State::Value:
        pos = captureValue(data, pos, anomalies);
        break;
      case State::Skip: {
        const uint64_t n = std::min<uint64_t>(remaining_, data.size() - pos);
        remaining_ -= n;
        pos += n;
        if (remaining_ == 0) state_ = State::Header;
        break;
      }
      case State::Done:
        break;
    }
  }
}

void DataSetScanner::lose(uint64_t length) {
  if (state_ == State::Skip && length <= remaining_) {
    remaining_ -= length;
    if (remaining_ == 0) state_ = State::Header;
    return;
  }
  state_ = State::Done;  // the bytes we needed are gone; tcp_gap already says so
}

void DataSetScanner::finish(AnomalyCounters& anomalies) {
  if (state_ != State::Done && (header_len_ > 0 || remaining_ > 0)) {
    anomalies.add(Anomaly::DicomMalformedDataSet);
  }
  state_ = State::Done;
}

size_t DataSetScanner::collectHeader(Bytes data, size_t pos, AnomalyCounters& anomalies) {
  size_t need = kShortHeaderSize;
  if (header_len_ >= kShortHeaderSize) need = kMaxHeaderSize;  // a long explicit VR header
  const size_t n = std::min(need - header_len_, data.size() - pos);
  std::copy_n(data.begin() + pos, n, header_.begin() + header_len_);
  header_len_ += n;
  if (header_len_ < need) return pos + n;

  const Bytes h(header_.data(), header_len_);
  const uint16_t group = readLe16(h, 0);
  const uint16_t element = readLe16(h, 2);
  if (encoding_ == DataSetEncoding::Detect) {
    encoding_ = looksLikeVr(h[kVrOffset], h[kVrOffset + 1]) ? DataSetEncoding::ExplicitLittle
                                                            : DataSetEncoding::ImplicitLittle;
  }
  uint32_t length = 0;
  bool is_sequence = false;
  if (group == kItemGroup || encoding_ == DataSetEncoding::ImplicitLittle) {
    length = readLe32(h, kVrOffset);
    is_sequence = true;  // implicit VR: an undefined length can only be a sequence
  } else {
    const char a = static_cast<char>(h[kVrOffset]);
    const char b = static_cast<char>(h[kVrOffset + 1]);
    if (isLongVr(a, b)) {
      if (header_len_ < kMaxHeaderSize) return pos + n;  // collect the 4-byte length
      length = readLe32(h, kShortHeaderSize);
      is_sequence = (a == 'S' && b == 'Q') || (a == 'U' && b == 'N');
    } else {
      length = readLe16(h, kVrOffset + 2);
    }
  }
  header_len_ = 0;
  onElement(group, element, length, is_sequence, anomalies);
  return pos + n;
}

// Decides what to do with the element whose header was just read.
void DataSetScanner::onElement(uint16_t group, uint16_t element, uint32_t length, bool is_sequence,
                               AnomalyCounters& anomalies) {
  remaining_ = 0;
  state_ = State::Header;
  if (group == kItemGroup) {
    if (element == kItem && length == kUndefinedLength) {
      if (++depth_ > kMaxDataSetNesting) {
        anomalies.add(Anomaly::DicomMalformedDataSet);
        state_ = State::Done;
      }
    } else if (element == kItem) {
      remaining_ = length;  // a defined-length item: its elements are nested, skip them
    } else if ((element == kItemDelimitation || element == kSequenceDelimitation) && depth_ > 0) {
      --depth_;
    }
    if (remaining_ > 0) state_ = State::Skip;
    return;
  }
  if (depth_ == 0 && (group > kPatientGroup || (group == kPatientGroup && element > kPatientId))) {
    state_ = State::Done;  // past the patient fields
    return;
  }
  if (length == kUndefinedLength) {
    if (!is_sequence || ++depth_ > kMaxDataSetNesting) {
      anomalies.add(Anomaly::DicomMalformedDataSet);
      state_ = State::Done;
    }
    return;
  }
  remaining_ = length;
  if (length == 0) return;
  if (depth_ == 0 && group == kPatientGroup && (element == kPatientName || element == kPatientId)) {
    target_ = element == kPatientName ? Target::Name : Target::Id;
    target().clear();
    cut_ = false;
    state_ = State::Value;
    return;
  }
  state_ = State::Skip;
}

size_t DataSetScanner::captureValue(Bytes data, size_t pos, AnomalyCounters& anomalies) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - pos));
  std::string& value = target();
  const size_t room = kMaxPatientFieldLength - value.size();
  const std::string_view part = asChars(data.subspan(pos, n));
  if (part.size() > room && !cut_) {
    anomalies.add(Anomaly::DicomLongField);
    cut_ = true;
  }
  value.append(part.substr(0, room));
  remaining_ -= n;
  if (remaining_ == 0) {
    value.resize(trimmed(value).size());
    state_ = State::Header;
    target_ = Target::None;
  }
  return pos + n;
}

std::string& DataSetScanner::target() {
  return target_ == Target::Name ? patient_name_ : patient_id_;
}

}  // namespace medtap::analyzers::dicom
