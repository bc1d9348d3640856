// The type-specific part of each EVE event: one writeEveBody overload per event type, each in
// sinks/eve_<type>.cc. eve_writer.cc writes the common fields and picks the overload.
#pragma once

#include <string>

#include "core/address.h"
#include "core/timestamp.h"
#include "events/alert.h"
#include "events/arp.h"
#include "events/contec_cms.h"
#include "events/device.h"
#include "events/dhcp.h"
#include "events/dicom.h"
#include "events/dns.h"
#include "events/flow_record.h"
#include "events/hl7.h"
#include "events/http.h"
#include "events/lpd.h"
#include "events/nfs.h"
#include "events/rpc.h"
#include "events/tls.h"
#include "sinks/json_writer.h"

namespace medtap::sinks {

void writeEveBody(JsonWriter& w, const events::FlowRecord& f);
// Formattable (tests, debugging) though EveWriter does not write it: see events/flow_record.h.
void writeEveBody(JsonWriter& w, const events::FlowProgress& p);
void writeEveBody(JsonWriter& w, const events::ArpBinding& a);
void writeEveBody(JsonWriter& w, const events::ArpSweep& s);
void writeEveBody(JsonWriter& w, const events::Hl7Message& m);
void writeEveBody(JsonWriter& w, const events::DhcpMessage& m);
void writeEveBody(JsonWriter& w, const events::DnsMessage& m);
void writeEveBody(JsonWriter& w, const events::HttpTransaction& h);
void writeEveBody(JsonWriter& w, const events::TlsHandshake& t);
void writeEveBody(JsonWriter& w, const events::RpcTransaction& t);
void writeEveBody(JsonWriter& w, const events::NfsOperation& o);
void writeEveBody(JsonWriter& w, const events::LpdJob& j);
void writeEveBody(JsonWriter& w, const events::ContecCmsBlock& b);
void writeEveBody(JsonWriter& w, const events::DicomMessage& m);
void writeEveBody(JsonWriter& w, const events::DeviceRecord& d);
void writeEveBody(JsonWriter& w, const events::AlertRecord& a);
// The `device` object alone (inventory.json holds an array of them).
void writeDevice(JsonWriter& w, const events::DeviceRecord& d);

// Addresses and times are formatted straight into the line: they need no escaping.
inline void appendQuoted(std::string& out, const IpAddress& a) {
  out.push_back('"');
  a.appendTo(out);
  out.push_back('"');
}
inline void appendQuoted(std::string& out, Timestamp t) {
  out.push_back('"');
  appendIso8601(out, t);
  out.push_back('"');
}

// "key":"2025-11-25T10:00:02.022903+0000"
inline void timeField(JsonWriter& w, std::string_view k, Timestamp t) {
  w.key(k);
  appendQuoted(w.rawValue(), t);
}
inline void ipField(JsonWriter& w, std::string_view k, const IpAddress& a) {
  w.key(k);
  appendQuoted(w.rawValue(), a);
}

}  // namespace medtap::sinks
