// pcapng files (draft-ietf-opsawg-pcapng, "PCAP Now Generic"): a series of blocks, each
// `type, length, body, length`, in sections that each start with a Section Header Block (which
// also sets the byte order). Interfaces are described by IDBs; packets come in Enhanced, Simple
// or obsolete Packet Blocks. Other block types are stepped over by their length.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "capture/capture_reader.h"

namespace medtap::capture {

// Block types (section 11.1).
inline constexpr uint32_t kPcapngSectionHeader = 0x0A0D0D0A;
inline constexpr uint32_t kPcapngInterfaceDescription = 1;
inline constexpr uint32_t kPcapngObsoletePacket = 2;  // Appendix A
inline constexpr uint32_t kPcapngSimplePacket = 3;
inline constexpr uint32_t kPcapngEnhancedPacket = 6;
// SHB Byte-Order Magic (section 4.1).
inline constexpr uint32_t kPcapngByteOrderMagic = 0x1A2B3C4D;
// Every block is type + length + ... + length (section 3.1).
inline constexpr uint32_t kPcapngMinBlockBytes = 12;
// type, length, BOM, major, minor, section length (8), trailing length.
inline constexpr uint32_t kPcapngMinSectionHeaderBytes = 28;
// Largest block of a type we step over without reading it (NRB, ISB, custom, ...); a bigger
// length is taken as corruption. 16 MiB is Wireshark's limit for a block (wiretap/pcapng.c).
inline constexpr uint32_t kPcapngMaxSkippedBlockBytes = 16u << 20;

// if_tsresol (section 4.2): how many units of a timestamp make a second. The default is 10^-6.
struct TsResolution {
  enum class Kind { Multiply, Divide, Shift };
  Kind kind = Kind::Multiply;
  uint64_t factor = 1000;  // Multiply: ns per unit; Divide: units per ns
  uint32_t shift = 0;      // Shift: units are 2^-shift seconds
};

// Decodes the if_tsresol byte: MSB clear, 10^-v seconds; MSB set, 2^-(v & 0x7f) seconds.
// nullopt for resolutions finer than we can represent (10^-19 is the finest that fits 64 bits;
// binary beyond 2^-63).
std::optional<TsResolution> parseTsResolution(uint8_t value);

// A 64-bit pcapng timestamp in units of `res`, plus if_tsoffset seconds, as nanoseconds.
// Absurd values wrap rather than trap (hostile input must not be undefined behaviour).
Timestamp pcapngTimestamp(uint64_t units, const TsResolution& res, int64_t offset_seconds);

// Reads the first Section Header Block. Error: it is cut short or malformed (one line).
Result<std::unique_ptr<PacketSource>> openPcapng(const std::string& name, ReaderContext context);

}  // namespace medtap::capture
