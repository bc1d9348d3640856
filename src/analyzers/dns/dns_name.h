// DNS name decoding with compression (RFC 1035 sections 3.1, 4.1.4), safe against hostile input:
// every pointer must point strictly backwards, to before both itself and the previous pointer's
// target, so decoding always ends; names and labels are bounded by RFC 1035 2.3.4.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/anomaly.h"
#include "core/bytes.h"

namespace medtap::analyzers::dns {

enum class NameStatus : uint8_t {
  Ok,
  Truncated,       // the name runs past the message (dns_truncated_message)
  PointerLoop,     // a pointer to itself or back into names already followed
  ForwardPointer,  // a pointer to after itself
  TooManyLabels,
  TooLong,       // more than 255 bytes on the wire
  LabelTooLong,  // a label type 01/10, i.e. a length octet over 63
};

struct NameResult {
  NameStatus status = NameStatus::Ok;
  size_t end = 0;  // offset just after the name where it started (after its first pointer)
};

// Reads the name at `offset` of `message` into `out` (cleared first) in presentation form:
// labels joined by '.', no final dot, "<root>" for the root name; bytes outside printable ASCII,
// and '.' or '\' inside a label, are written as "\DDD" (RFC 1035 section 5.1).
NameResult readName(Bytes message, size_t offset, std::string& out);

// The anomaly for a failed status (Ok has none: returns nullopt-like Anomaly::kCount).
Anomaly nameAnomaly(NameStatus status);

}  // namespace medtap::analyzers::dns
