#include <optional>

#include "events/dhcp.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

namespace {

void address(JsonWriter& w, std::string_view key, const IpAddress& a) {
  w.key(key);
  appendQuoted(w.rawValue(), a);
}

void addressList(JsonWriter& w, std::string_view key, const std::vector<IpAddress>& list) {
  if (list.empty()) return;
  w.key(key);
  w.beginArray();
  for (const IpAddress& a : list) appendQuoted(w.rawValue(), a);
  w.endArray();
}

void optionalField(JsonWriter& w, std::string_view key, std::string_view value) {
  if (!value.empty()) w.field(key, value);
}

}  // namespace

// Suricata's EVE "dhcp" object (extended form), plus params_raw, server_id, domain, fqdn and
// relay_agent (docs/EVENTS.md).
void writeEveBody(JsonWriter& w, const events::DhcpMessage& m) {
  w.key("dhcp");
  w.beginObject();
  w.field("type", m.op == events::DhcpMessage::Op::Request ? "request" : "reply");
  w.field("id", m.xid);
  optionalField(w, "client_mac", m.client_mac);
  address(w, "assigned_ip", m.assigned_ip);
  address(w, "client_ip", m.client_ip);
  address(w, "relay_ip", m.relay_ip);
  address(w, "next_server_ip", m.next_server_ip);
  if (m.dhcp_type != 0) w.field("dhcp_type", events::dhcpTypeName(m.dhcp_type));
  if (m.lease_time) w.field("lease_time", *m.lease_time);
  if (m.renewal_time) w.field("renewal_time", *m.renewal_time);
  if (m.rebinding_time) w.field("rebinding_time", *m.rebinding_time);
  if (m.subnet_mask) address(w, "subnet_mask", *m.subnet_mask);
  addressList(w, "routers", m.routers);
  addressList(w, "dns_servers", m.dns_servers);
  optionalField(w, "hostname", m.hostname);
  optionalField(w, "client_id", m.client_id);
  if (!m.params.empty()) {
    w.key("params");
    w.beginArray();
    for (uint8_t p : m.params) {
      if (const std::string_view name = events::dhcpParamName(p); !name.empty()) w.string(name);
    }
    w.endArray();
    w.key("params_raw");
    w.beginArray();
    for (uint8_t p : m.params) w.number(uint64_t{p});
    w.endArray();
  }
  if (m.requested_ip) address(w, "requested_ip", *m.requested_ip);
  optionalField(w, "vendor_class_identifier", m.vendor_class);
  if (m.server_id) address(w, "server_id", *m.server_id);
  optionalField(w, "domain", m.domain);
  optionalField(w, "fqdn", m.fqdn);
  if (!m.relay_circuit_id.empty() || !m.relay_remote_id.empty()) {
    w.key("relay_agent");
    w.beginObject();
    optionalField(w, "circuit_id", m.relay_circuit_id);
    optionalField(w, "remote_id", m.relay_remote_id);
    w.endObject();
  }
  w.endObject();
}

}  // namespace medtap::sinks
