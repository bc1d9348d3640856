// Capture files: pcap (both byte orders, micro- and nanosecond), pcapng (many interfaces,
// EPB/SPB/obsolete PB) and either of them gzip-compressed. The format is recognised from the
// first bytes, never from the file name.
#pragma once

#include <memory>
#include <string>

#include "capture/packet_source.h"

namespace medtap::capture {

struct FileSourceLimits {
  // Largest record we accept. 256 KiB is libpcap's MAXIMUM_SNAPLEN (pcap-int.h); tcpdump and
  // tshark treat anything bigger as a corrupt file.
  uint32_t max_record_bytes = 262144;
  // pcapng Interface Description Blocks we keep; beyond it packets are counted as
  // capture_too_many_interfaces and skipped.
  uint32_t max_interfaces = 1024;
};

// Opens a capture file. Errors (missing, unreadable, not a capture) come back as one line naming
// the file and the reason. `anomalies` must outlive the source.
Result<std::unique_ptr<PacketSource>> openCaptureFile(const std::string& path,
                                                      AnomalyCounters& anomalies,
                                                      const FileSourceLimits& limits = {});

// The same over bytes in memory (fuzzing, tests). `data` must outlive the source.
Result<std::unique_ptr<PacketSource>> openCaptureBuffer(Bytes data, AnomalyCounters& anomalies,
                                                        const FileSourceLimits& limits = {});

}  // namespace medtap::capture
