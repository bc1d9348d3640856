#include "analyzers/dhcp/dhcp_parser.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "analyzers/dhcp/limits.h"
#include "core/address.h"

namespace medtap::analyzers::dhcp {

namespace {

IpAddress addressAt(Bytes b, size_t off) {
  return IpAddress::v4(b.subspan(off, 4));
}

std::optional<IpAddress> singleAddress(Bytes value) {
  if (value.size() < 4) return std::nullopt;
  return IpAddress::v4(value.first(4));
}

std::optional<uint32_t> seconds(Bytes value) {
  if (value.size() < 4) return std::nullopt;
  return readBe32(value, 0);
}

void addressList(Bytes value, std::vector<IpAddress>& out) {
  out.clear();
  for (size_t off = 0; off + 4 <= value.size() && out.size() < kMaxAddressesPerList; off += 4) {
    out.push_back(addressAt(value, off));
  }
}

void text(Bytes value, std::string& out) {
  // Some clients count a trailing NUL in the length (RFC 2132 section 2 says not to).
  std::string_view s = asChars(value.first(std::min(value.size(), kMaxOptionLength)));
  while (!s.empty() && s.back() == '\0') s.remove_suffix(1);
  out.assign(s);
}

void relayAgent(Bytes value, events::DhcpMessage& out, AnomalyCounters& anomalies) {
  size_t pos = 0;
  while (pos < value.size()) {
    if (pos + 2 > value.size()) {
      anomalies.add(Anomaly::DhcpTruncatedOptions);
      return;
    }
    const uint8_t code = value[pos];
    const size_t len = value[pos + 1];
    if (pos + 2 + len > value.size()) {
      anomalies.add(Anomaly::DhcpOptionOverrun);
      return;
    }
    const Bytes sub = value.subspan(pos + 2, len);
    if (code == kRelayCircuitId) {
      out.relay_circuit_id.clear();
      appendHexColon(out.relay_circuit_id, sub);
    } else if (code == kRelayRemoteId) {
      out.relay_remote_id.clear();
      appendHexColon(out.relay_remote_id, sub);
    }
    pos += 2 + len;
  }
}

void applyOption(uint8_t code, Bytes value, events::DhcpMessage& out, AnomalyCounters& anomalies) {
  switch (code) {
    case kOptSubnetMask:
      out.subnet_mask = singleAddress(value);
      break;
    case kOptRouter:
      addressList(value, out.routers);
      break;
    case kOptDnsServer:
      addressList(value, out.dns_servers);
      break;
    case kOptHostname:
      text(value, out.hostname);
      break;
    case kOptDomainName:
      text(value, out.domain);
      break;
    case kOptRequestedIp:
      out.requested_ip = singleAddress(value);
      break;
    case kOptLeaseTime:
      out.lease_time = seconds(value);
      break;
    case kOptRenewalTime:
      out.renewal_time = seconds(value);
      break;
    case kOptRebindingTime:
      out.rebinding_time = seconds(value);
      break;
    case kOptServerId:
      out.server_id = singleAddress(value);
      break;
    case kOptMessageType:
      if (!value.empty()) out.dhcp_type = value[0];
      break;
    case kOptOverload:
      if (!value.empty()) out.overload = value[0];
      break;
    case kOptParamList:
      out.params.assign(value.begin(), value.end());
      break;
    case kOptVendorClass:
      text(value, out.vendor_class);
      break;
    case kOptClientId:
      out.client_id.clear();
      appendHexColon(out.client_id, value);
      break;
    case kOptFqdn:
      out.fqdn = parseFqdn(value);
      break;
    case kOptRelayAgent:
      relayAgent(value, out, anomalies);
      break;
    default:
      break;
  }
}

enum class FieldEnd : uint8_t { EndOption, Exhausted, Malformed };

// Reads code/length/value options from one field (options, file or sname) until End or the
// field's end (RFC 2131 section 4.1: padding may follow End).
FieldEnd parseOptions(Bytes field, events::DhcpMessage& out, AnomalyCounters& anomalies) {
  size_t pos = 0;
  while (pos < field.size()) {
    const uint8_t code = field[pos];
    if (code == kOptPad) {
      ++pos;
      continue;
    }
    if (code == kOptEnd) return FieldEnd::EndOption;
    if (pos + 2 > field.size()) {
      anomalies.add(Anomaly::DhcpTruncatedOptions);
      return FieldEnd::Malformed;
    }
    const size_t len = field[pos + 1];
    if (pos + 2 + len > field.size()) {
      anomalies.add(Anomaly::DhcpOptionOverrun);
      return FieldEnd::Malformed;
    }
    applyOption(code, field.subspan(pos + 2, len), out, anomalies);
    pos += 2 + len;
  }
  return FieldEnd::Exhausted;
}

void reset(events::DhcpMessage& m) {
  m.client_mac.clear();
  m.dhcp_type = 0;
  m.hostname.clear();
  m.vendor_class.clear();
  m.client_id.clear();
  m.fqdn.clear();
  m.domain.clear();
  m.params.clear();
  m.requested_ip.reset();
  m.server_id.reset();
  m.subnet_mask.reset();
  m.lease_time.reset();
  m.renewal_time.reset();
  m.rebinding_time.reset();
  m.routers.clear();
  m.dns_servers.clear();
  m.relay_circuit_id.clear();
  m.relay_remote_id.clear();
  m.overload = 0;
}

}  // namespace

void appendHexColon(std::string& out, Bytes bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < bytes.size() && i < kMaxOptionLength; ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xF]);
  }
}

std::string parseFqdn(Bytes value) {
  std::string name;
  if (value.size() < kFqdnHeaderSize) return name;
  const Bytes rest = value.subspan(kFqdnHeaderSize);
  if ((value[0] & kFqdnFlagE) == 0) {
    text(rest, name);
    return name;
  }
  // Wire format (RFC 4702 section 2.3.1): uncompressed labels, maybe without the root label.
  size_t pos = 0;
  while (pos < rest.size()) {
    const size_t len = rest[pos];
    if (len == 0 || len > 63 || pos + 1 + len > rest.size()) break;
    if (!name.empty()) name.push_back('.');
    name.append(asChars(rest.subspan(pos + 1, len)));
    pos += 1 + len;
  }
  return name;
}

ParseStatus parseMessage(Bytes payload, events::DhcpMessage& out, AnomalyCounters& anomalies) {
  reset(out);
  if (payload.size() < kHeaderSize) {
    anomalies.add(Anomaly::DhcpTruncatedMessage);
    return ParseStatus::NotDhcp;
  }
  const uint8_t op = payload[kOpOffset];
  if (op != kOpRequest && op != kOpReply) return ParseStatus::NotDhcp;
  out.op = op == kOpRequest ? events::DhcpMessage::Op::Request : events::DhcpMessage::Op::Reply;
  out.xid = readBe32(payload, kXidOffset);
  out.client_ip = addressAt(payload, kCiaddrOffset);
  out.assigned_ip = addressAt(payload, kYiaddrOffset);
  out.next_server_ip = addressAt(payload, kSiaddrOffset);
  out.relay_ip = addressAt(payload, kGiaddrOffset);
  if (payload[kHtypeOffset] == kHtypeEthernet && payload[kHlenOffset] == kEthernetHlen) {
    out.client_mac = MacAddress::from(payload.subspan(kChaddrOffset, 6)).toString();
  }
  if (payload.size() < kOptionsOffset ||
      std::memcmp(payload.data() + kCookieOffset, kMagicCookie, sizeof kMagicCookie) != 0) {
    anomalies.add(Anomaly::DhcpBadMagicCookie);
    return ParseStatus::HeaderOnly;
  }
  parseOptions(payload.subspan(kOptionsOffset), out, anomalies);
  // Option 52 (RFC 2132 section 9.3): file, then sname, hold more options.
  const uint8_t overload = out.overload;
  if (overload == kOverloadFile || overload == kOverloadBoth) {
    parseOptions(payload.subspan(kFileOffset, kFileSize), out, anomalies);
  }
  if (overload == kOverloadSname || overload == kOverloadBoth) {
    parseOptions(payload.subspan(kSnameOffset, kSnameSize), out, anomalies);
  }
  out.overload = overload;
  return ParseStatus::Ok;
}

}  // namespace medtap::analyzers::dhcp
