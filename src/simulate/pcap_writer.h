// A fast buffered writer of classic pcap files: microsecond timestamps, Ethernet link type
// (tcpdump.org/linktypes.html, LINKTYPE_ETHERNET = 1), host byte order as the magic says.
// Records are written in the order given; the caller keeps them in time order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/timestamp.h"

namespace medtap::simulate {

class PcapWriter {
 public:
  // The output buffer: big enough that the write syscall cost disappears (a few per MB).
  static constexpr size_t kBufferBytes = 1 << 20;
  static constexpr uint32_t kSnapLen = 65535;
  static constexpr uint32_t kLinkTypeEthernet = 1;
  static constexpr size_t kFileHeaderBytes = 24;
  static constexpr size_t kRecordHeaderBytes = 16;

  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Creates or truncates the file and writes the file header.
  Status open(const std::string& path);
  // Appends one record; frames longer than the snap length are cut (never happens for
  // Ethernet frames the simulator builds, which are at most 1514 bytes).
  void write(Timestamp ts, Bytes frame);
  // Flushes and closes; reports a write error seen at any point.
  Status close();

  uint64_t bytesWritten() const { return bytes_written_; }
  uint64_t records() const { return records_; }

 private:
  void flushBuffer();

  std::FILE* file_ = nullptr;
  std::string path_;
  std::unique_ptr<uint8_t[]> buf_;
  size_t used_ = 0;
  uint64_t bytes_written_ = 0;
  uint64_t records_ = 0;
  bool failed_ = false;
};

}  // namespace medtap::simulate
