#include "capture/capture_reader.h"

#include <fmt/format.h>

namespace medtap::capture {

CaptureReader::CaptureReader(ReaderContext context)
    : stream_(std::move(context.stream)),
      anomalies_(*context.anomalies),
      limits_(context.limits),
      max_record_bytes_(maxRecordBytes(limits_)),
      compression_(context.compression),
      input_size_(context.input_size) {}

SourceStats CaptureReader::stats() const {
  SourceStats s;
  s.packets = packets_;
  s.bytes = bytes_;
  s.input_bytes = stream_->inputBytes();
  return s;
}

bool CaptureReader::finished(ReadStatus& status) const {
  switch (finish_) {
    case Finish::No:
      return false;
    case Finish::End:
      status = ReadStatus::End;
      return true;
    case Finish::Damaged:
      status = ReadStatus::Damaged;
      return true;
  }
  return false;
}

ReadStatus CaptureReader::end() {
  finish_ = Finish::End;
  return ReadStatus::End;
}

ReadStatus CaptureReader::damaged(std::string message) {
  finish_ = Finish::Damaged;
  error_ = std::move(message);
  return ReadStatus::Damaged;
}

std::string CaptureReader::offsetText(uint64_t offset) const {
  return compression_ == Compression::Gzip ? fmt::format("uncompressed offset {}", offset)
                                           : fmt::format("offset {}", offset);
}

ReadStatus CaptureReader::cutShort(std::string_view what, uint64_t offset, uint64_t needed) {
  if (stream_->state() == StreamState::Failed) {
    if (compression_ == Compression::Gzip) anomalies_.add(Anomaly::CaptureGzipCorrupt);
    return damaged(
        fmt::format("{} (inside the {} at {})", stream_->error(), what, offsetText(offset)));
  }
  anomalies_.add(Anomaly::CaptureTruncatedRecord);
  uint64_t input_end = stream_->position() + stream_->available();
  return damaged(fmt::format("{} at {} cut short: needs {} bytes, the input ends after {}", what,
                             offsetText(offset), needed, input_end - offset));
}

ReadStatus CaptureReader::endOrCutShort(std::string_view what, uint64_t offset, uint64_t needed) {
  if (stream_->available() == 0 && stream_->state() == StreamState::End) return end();
  return cutShort(what, offset, needed);
}

void CaptureReader::deliver(RawPacket& out, Timestamp ts, Bytes data, uint32_t wire_len,
                            LinkType link, uint32_t interface_id) {
  if (data.size() > wire_len) {
    // The packet cannot be longer on the wire than what was captured of it: report the
    // captured length as the wire length so that nothing downstream computes a negative gap.
    anomalies_.add(Anomaly::CaptureCaplenExceedsWirelen);
    wire_len = static_cast<uint32_t>(data.size());
  }
  if (have_last_ts_ && ts < last_ts_) anomalies_.add(Anomaly::CaptureTimeBackwards);
  have_last_ts_ = true;
  last_ts_ = ts;
  out.ts = ts;
  out.data = data;
  out.wire_len = wire_len;
  out.link = link;
  out.interface_id = interface_id;
  ++packets_;
  bytes_ += data.size();
}

}  // namespace medtap::capture
