// What the pcap and pcapng readers share: the byte stream they parse, the counters, and how they
// report the end of the input or damage to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "capture/byte_stream.h"
#include "capture/file_source.h"
#include "capture/packet_source.h"

namespace medtap::capture {

enum class ByteOrder { Little, Big };

inline uint16_t read16(Bytes b, size_t off, ByteOrder o) {
  return o == ByteOrder::Little ? readLe16(b, off) : readBe16(b, off);
}
inline uint32_t read32(Bytes b, size_t off, ByteOrder o) {
  return o == ByteOrder::Little ? readLe32(b, off) : readBe32(b, off);
}
inline uint64_t read64(Bytes b, size_t off, ByteOrder o) {
  return o == ByteOrder::Little ? readLe64(b, off) : readBe64(b, off);
}

enum class Compression { None, Gzip };

// Largest record we ever accept, whatever FileSourceLimits says: it bounds the block buffers.
inline constexpr uint32_t kMaxRecordBytesCeiling = 64u << 20;
// Room in one pcapng block beyond the packet bytes: the fixed EPB fields and the options (an IDB
// or a packet's comments). 64 KiB is what one option can hold (its length is 16 bits).
inline constexpr size_t kMaxBlockOverheadBytes = 64u * 1024 + 32;

inline uint32_t maxRecordBytes(const FileSourceLimits& limits) {
  return limits.max_record_bytes < kMaxRecordBytesCeiling ? limits.max_record_bytes
                                                          : kMaxRecordBytesCeiling;
}
// The largest piece a reader asks the stream for at once: a whole pcap record or a whole pcapng
// block that it parses. Block buffers are at least this big.
inline size_t largestReadBytes(const FileSourceLimits& limits) {
  return size_t{maxRecordBytes(limits)} + kMaxBlockOverheadBytes;
}

struct ReaderContext {
  std::unique_ptr<ByteStream> stream;
  Compression compression = Compression::None;
  uint64_t input_size = 0;  // file size (compressed for gzip), 0 when unknown
  AnomalyCounters* anomalies = nullptr;
  FileSourceLimits limits;
};

class CaptureReader : public PacketSource {
 public:
  explicit CaptureReader(ReaderContext context);

  // After Damaged, next() keeps returning Damaged with the same error; after End, End.
  const std::string& error() const override { return error_; }
  SourceStats stats() const override;
  uint64_t inputSize() const override { return input_size_; }

 protected:
  enum class Finish { No, End, Damaged };

  // True once End or Damaged has been returned; `status` is what to keep returning.
  bool finished(ReadStatus& status) const;
  ReadStatus end();
  ReadStatus damaged(std::string message);
  // The input stopped while reading `what` at `offset`, which needs `needed` bytes: a failed
  // stream (I/O error, corrupt gzip) or a record cut short by the end of the file.
  ReadStatus cutShort(std::string_view what, uint64_t offset, uint64_t needed);
  // As cutShort, except that running out exactly at `offset` is a clean end.
  ReadStatus endOrCutShort(std::string_view what, uint64_t offset, uint64_t needed);
  // "offset 1234", or "uncompressed offset 1234" inside a gzip stream.
  std::string offsetText(uint64_t offset) const;

  // Fills `out` (data must point into the stream's window) and counts the packet.
  void deliver(RawPacket& out, Timestamp ts, Bytes data, uint32_t wire_len, LinkType link,
               uint32_t interface_id);

  std::unique_ptr<ByteStream> stream_;
  AnomalyCounters& anomalies_;
  const FileSourceLimits limits_;
  const uint32_t max_record_bytes_;
  Timestamp last_ts_{};  // time of the last packet handed out (pcapng SPBs carry none)

 private:
  Compression compression_;
  uint64_t input_size_;
  Finish finish_ = Finish::No;
  std::string error_;
  uint64_t packets_ = 0;
  uint64_t bytes_ = 0;
  bool have_last_ts_ = false;
};

}  // namespace medtap::capture
