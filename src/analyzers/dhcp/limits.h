// Layout constants and limits of the DHCPv4 analyzer, each with its source (STYLE.md 10).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::dhcp {

// BOOTP fixed header (RFC 951, RFC 2131 section 2, figure 1): op, htype, hlen, hops, xid, secs,
// flags, ciaddr, yiaddr, siaddr, giaddr, chaddr[16], sname[64], file[128]; then the magic cookie
// 99.130.83.99 (RFC 2131 section 3, RFC 2132 section 2) and the options.
constexpr size_t kOpOffset = 0;
constexpr size_t kHtypeOffset = 1;
constexpr size_t kHlenOffset = 2;
constexpr size_t kXidOffset = 4;
constexpr size_t kCiaddrOffset = 12;
constexpr size_t kYiaddrOffset = 16;
constexpr size_t kSiaddrOffset = 20;
constexpr size_t kGiaddrOffset = 24;
constexpr size_t kChaddrOffset = 28;
constexpr size_t kChaddrSize = 16;
constexpr size_t kSnameOffset = 44;
constexpr size_t kSnameSize = 64;
constexpr size_t kFileOffset = 108;
constexpr size_t kFileSize = 128;
constexpr size_t kCookieOffset = 236;
constexpr size_t kHeaderSize = 236;
constexpr size_t kOptionsOffset = 240;
constexpr uint8_t kMagicCookie[4] = {0x63, 0x82, 0x53, 0x63};

constexpr uint8_t kOpRequest = 1;      // BOOTREQUEST
constexpr uint8_t kOpReply = 2;        // BOOTREPLY
constexpr uint8_t kHtypeEthernet = 1;  // ARP hardware type (RFC 1700)
constexpr uint8_t kEthernetHlen = 6;

// Server and client ports (RFC 2131 section 4.1); hints only.
constexpr uint16_t kServerPort = 67;
constexpr uint16_t kClientPort = 68;

// Option codes (RFC 2132 unless said otherwise).
enum OptionCode : uint8_t {
  kOptPad = 0,
  kOptSubnetMask = 1,
  kOptRouter = 3,
  kOptDnsServer = 6,
  kOptHostname = 12,
  kOptDomainName = 15,
  kOptRequestedIp = 50,
  kOptLeaseTime = 51,
  kOptOverload = 52,
  kOptMessageType = 53,
  kOptServerId = 54,
  kOptParamList = 55,
  kOptRenewalTime = 58,
  kOptRebindingTime = 59,
  kOptVendorClass = 60,
  kOptClientId = 61,
  kOptFqdn = 81,        // RFC 4702
  kOptRelayAgent = 82,  // RFC 3046
  kOptEnd = 255,
};

// Option 52 values (RFC 2132 section 9.3): which of file/sname carry options.
constexpr uint8_t kOverloadFile = 1;
constexpr uint8_t kOverloadSname = 2;
constexpr uint8_t kOverloadBoth = 3;

// Option 81 flags (RFC 4702 section 2.1): E set means the name is in DNS wire format.
constexpr uint8_t kFqdnFlagE = 0x04;
constexpr size_t kFqdnHeaderSize = 3;  // flags, RCODE1, RCODE2

// Option 82 sub-options (RFC 3046 section 2.0).
constexpr uint8_t kRelayCircuitId = 1;
constexpr uint8_t kRelayRemoteId = 2;

// Highest hops a probe accepts: RFC 1542 section 4.1.1 says relays discard at 16.
constexpr uint8_t kMaxHops = 16;

// Bytes of one text option (hostname, vendor class, domain, FQDN) copied into the event. An option
// carries at most 255 bytes (one length octet); concatenated options (RFC 3396) are not joined,
// so 255 bounds every field by construction. Byte strings shown as hex (client id, relay ids)
// are bounded the same way.
constexpr size_t kMaxOptionLength = 255;

// Addresses kept from a list option (routers, DNS servers): 255 / 4 = 63 fit in one option;
// real servers send one to four. Beyond it the rest are dropped silently (no anomaly: valid).
constexpr size_t kMaxAddressesPerList = 16;

}  // namespace medtap::analyzers::dhcp
