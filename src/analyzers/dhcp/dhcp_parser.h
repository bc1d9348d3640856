// DHCPv4 message parser (RFC 2131, options RFC 2132): a pure function from one UDP payload to a
// DhcpMessage, in place over the bytes. Knows nothing of flows (dhcp_analyzer.h does).
#pragma once

#include <cstdint>

#include "core/anomaly.h"
#include "core/bytes.h"
#include "events/dhcp.h"

namespace medtap::analyzers::dhcp {

enum class ParseStatus : uint8_t {
  Ok,          // header and options parsed (options may be missing: anomalies say why)
  HeaderOnly,  // header parsed but the magic cookie is wrong: no options (dhcp_bad_magic_cookie)
  NotDhcp,     // shorter than the BOOTP header or op not 1/2: nothing usable
};

// Fills `out` (cleared first; its buffers are reused) from `payload`. Malformed options are
// counted in `anomalies`: dhcp_truncated_options (an option's code or length byte is cut by the
// end of its field), dhcp_option_overrun (an option's value runs past its field). Options are
// read from the options field, then from `file` and `sname` when option 52 says so.
ParseStatus parseMessage(Bytes payload, events::DhcpMessage& out, AnomalyCounters& anomalies);

// Decodes an RFC 4702 option 81 value (flags, rcode1, rcode2, name) into a dotted name: wire
// format labels when flag E is set, else ASCII. Returns "" when too short.
std::string parseFqdn(Bytes value);

// "01:00:1b:2c" for bytes, lower-case hex joined by colons.
void appendHexColon(std::string& out, Bytes bytes);

}  // namespace medtap::analyzers::dhcp
