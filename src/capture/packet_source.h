// Where packets come from: capture files and live interfaces behind one interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/anomaly.h"
#include "core/bytes.h"
#include "core/result.h"
#include "core/timestamp.h"

namespace medtap::capture {

// Link-layer header types, by their LINKTYPE_ numbers (tcpdump.org/linktypes.html).
enum class LinkType : uint16_t {
  Null = 0,  // BSD loopback: 4-byte address family in the capturing host's byte order
  Ethernet = 1,
  Raw = 101,   // raw IPv4 or IPv6, version from the first nibble
  Loop = 108,  // OpenBSD loopback: 4-byte address family, network byte order
  LinuxSll = 113,
  Ipv4 = 228,
  Ipv6 = 229,
  LinuxSll2 = 276,
};

// One captured packet. `data` points into the source's buffer and stays valid until the next
// call to PacketSource::next() on the same source.
struct RawPacket {
  Timestamp ts;
  Bytes data;             // the captured bytes (caplen of them)
  uint32_t wire_len = 0;  // the packet's length on the wire
  LinkType link = LinkType::Ethernet;
  uint32_t interface_id = 0;  // pcapng interface index; 0 elsewhere
};

enum class ReadStatus {
  Packet,   // `out` holds the next packet
  End,      // the input ended cleanly
  Damaged,  // the input is damaged from here on (truncated or corrupt); what came before stands.
            // error() says what and where (byte offset).
};

struct SourceStats {
  uint64_t packets = 0;
  uint64_t bytes = 0;         // bytes of packet data handed out (caplen)
  uint64_t input_bytes = 0;   // bytes read from the file (compressed size for gzip); progress
  uint64_t kernel_drops = 0;  // live only: pcap_stats ps_drop + ps_ifdrop
  uint64_t kernel_received = 0;
};

class PacketSource {
 public:
  virtual ~PacketSource() = default;

  // Reads the next packet. Skippable problems (an oversized record we can step over, a block of
  // an unknown type) are counted in the anomaly counters and reading continues.
  virtual ReadStatus next(RawPacket& out) = 0;

  // After Damaged: one line saying what and where, e.g. "record at offset 1234 claims 16777216
  // bytes (limit 262144)".
  virtual const std::string& error() const = 0;

  virtual SourceStats stats() const = 0;

  // Size of the input in bytes when known (files), 0 for live sources; for the progress bar.
  virtual uint64_t inputSize() const { return 0; }

  // Live sources: stop next() from blocking (called from a signal-safe flag check).
  virtual void breakLoop() {}
};

}  // namespace medtap::capture
