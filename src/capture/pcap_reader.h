// Classic pcap files (draft-ietf-opsawg-pcap, "PCAP Capture File Format"): a 24-byte file header,
// then records of a 16-byte header and the captured bytes. Both byte orders, micro- and
// nanosecond timestamps.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "capture/capture_reader.h"

namespace medtap::capture {

inline constexpr size_t kPcapFileHeaderBytes = 24;
inline constexpr size_t kPcapRecordHeaderBytes = 16;
// Magic numbers as read big-endian from the first four bytes (section 4).
inline constexpr uint32_t kPcapMagicMicro = 0xA1B2C3D4;
inline constexpr uint32_t kPcapMagicNano = 0xA1B23C4D;

enum class TimeUnit { Micro, Nano };

struct PcapFileHeader {
  ByteOrder order = ByteOrder::Little;
  TimeUnit unit = TimeUnit::Micro;
  LinkType link = LinkType::Ethernet;
  uint32_t snaplen = 0;  // informational: records longer than it are accepted up to the limit
};

// True when the first four bytes are one of the pcap magics in either byte order.
bool isPcapMagic(Bytes first4);

// Parses the 24-byte file header; nullopt when the magic is not pcap's.
std::optional<PcapFileHeader> parsePcapFileHeader(Bytes header);

// Reads the file header from the stream. Error: the header is cut short (one line, with `name`).
Result<std::unique_ptr<PacketSource>> openPcap(const std::string& name, ReaderContext context);

}  // namespace medtap::capture
