#include "simulate/pcap_writer.h"

#include <cerrno>
#include <cstring>

namespace medtap::simulate {

namespace {

// The pcap file format is written little-endian whatever the host: readers detect the byte
// order from the magic, and a fixed order keeps the output byte-identical across machines.
inline uint8_t* putLe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
  return p + 4;
}
inline uint8_t* putLe16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  return p + 2;
}

constexpr uint32_t kMagicMicroseconds = 0xA1B2C3D4;

}  // namespace

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) (void)close();
}

Status PcapWriter::open(const std::string& path) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) return Error{"cannot create " + path + ": " + std::strerror(errno)};
  std::setvbuf(file_, nullptr, _IONBF, 0);  // our own buffer is the only one: no second copy
  buf_ = std::make_unique<uint8_t[]>(kBufferBytes);
  used_ = 0;
  uint8_t* p = buf_.get();
  p = putLe32(p, kMagicMicroseconds);
  p = putLe16(p, 2);  // version 2.4
  p = putLe16(p, 4);
  p = putLe32(p, 0);  // thiszone
  p = putLe32(p, 0);  // sigfigs
  p = putLe32(p, kSnapLen);
  putLe32(p, kLinkTypeEthernet);
  used_ = kFileHeaderBytes;
  bytes_written_ = kFileHeaderBytes;
  return Ok{};
}

void PcapWriter::write(Timestamp ts, Bytes frame) {
  const size_t cap = frame.size() < kSnapLen ? frame.size() : kSnapLen;
  if (used_ + kRecordHeaderBytes + cap > kBufferBytes) flushBuffer();
  uint8_t* p = buf_.get() + used_;
  const int64_t sec = ts.seconds();
  const int64_t usec = (ts.ns - sec * Timestamp::kNsPerSec) / 1000;
  p = putLe32(p, static_cast<uint32_t>(sec));
  p = putLe32(p, static_cast<uint32_t>(usec));
  p = putLe32(p, static_cast<uint32_t>(cap));
  p = putLe32(p, static_cast<uint32_t>(frame.size()));
  std::memcpy(p, frame.data(), cap);
  used_ += kRecordHeaderBytes + cap;
  bytes_written_ += kRecordHeaderBytes + cap;
  ++records_;
}

void PcapWriter::flushBuffer() {
  if (used_ == 0 || file_ == nullptr) return;
  if (std::fwrite(buf_.get(), 1, used_, file_) != used_) failed_ = true;
  used_ = 0;
}

Status PcapWriter::close() {
  if (file_ == nullptr) return Ok{};
  flushBuffer();
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed_ || close_failed) return Error{"write error on " + path_};
  return Ok{};
}

}  // namespace medtap::simulate
