// Link-layer header type numbers as they appear in pcap and pcapng headers and from libpcap.
#pragma once

#include <cstdint>

#include "capture/packet_source.h"

namespace medtap::capture {

// DLT_RAW as some BSDs number it (12 on most, 14 on OpenBSD); libpcap writes LINKTYPE_RAW (101)
// into files, but older writers and live handles on those systems give these.
inline constexpr uint32_t kDltRawBsd = 12;
inline constexpr uint32_t kDltRawOpenBsd = 14;
// The pcap header's LinkType field carries the link type in its low 16 bits; the bits above
// hold the FCS length and flag (draft-ietf-opsawg-pcap section 4, "LinkType and additional
// information").
inline constexpr uint32_t kLinkTypeMask = 0xFFFF;

// The LinkType for a header field or a libpcap DLT value. Values medtap does not decode pass
// through as their number; the decoder counts them.
inline LinkType linkTypeFromField(uint32_t field) {
  uint32_t value = field & kLinkTypeMask;
  if (value == kDltRawBsd || value == kDltRawOpenBsd) return LinkType::Raw;
  return static_cast<LinkType>(value);
}

}  // namespace medtap::capture
