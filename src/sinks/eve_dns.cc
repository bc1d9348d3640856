#include <cstdio>

#include "events/dns.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

namespace {

// The type's mnemonic, or its number as text for types without one here.
void rrtype(JsonWriter& w, std::string_view key, uint16_t type) {
  const std::string_view name = events::dnsTypeName(type);
  if (!name.empty()) {
    w.field(key, name);
    return;
  }
  char buf[8];
  const int n = std::snprintf(buf, sizeof buf, "%u", unsigned{type});
  w.field(key, std::string_view(buf, static_cast<size_t>(n)));
}

}  // namespace

// Suricata's EVE v2 "dns" object: one event per message, the first question in rrname/rrtype,
// the answer section in answers; plus queries (every question) and the section counts
// (docs/EVENTS.md).
void writeEveBody(JsonWriter& w, const events::DnsMessage& m) {
  w.key("dns");
  w.beginObject();
  w.field("version", uint64_t{2});
  w.field("type", m.qr() ? "answer" : "query");
  w.field("id", m.id);
  char flags[8];
  const int n = std::snprintf(flags, sizeof flags, "%04x", unsigned{m.flags});
  w.field("flags", std::string_view(flags, static_cast<size_t>(n)));
  w.field("qr", m.qr());
  if (m.aa()) w.field("aa", true);
  if (m.tc()) w.field("tc", true);
  if (m.rd()) w.field("rd", true);
  if (m.ra()) w.field("ra", true);
  w.field("opcode", uint64_t{m.opcode()});
  if (!m.questions.empty()) {
    w.field("rrname", m.questions.front().rrname);
    rrtype(w, "rrtype", m.questions.front().rrtype);
  }
  if (m.qr()) {
    const std::string_view rcode = events::dnsRcodeName(m.rcode());
    if (!rcode.empty()) {
      w.field("rcode", rcode);
    } else {
      w.field("rcode", uint64_t{m.rcode()});
    }
  }
  if (m.questions.size() > 1) {
    w.key("queries");
    w.beginArray();
    for (const events::DnsQuestion& q : m.questions) {
      w.beginObject();
      w.field("rrname", q.rrname);
      rrtype(w, "rrtype", q.rrtype);
      w.endObject();
    }
    w.endArray();
  }
  if (!m.answers.empty()) {
    w.key("answers");
    w.beginArray();
    for (const events::DnsAnswer& a : m.answers) {
      w.beginObject();
      w.field("rrname", a.rrname);
      rrtype(w, "rrtype", a.rrtype);
      w.field("ttl", a.ttl);
      if (!a.rdata.empty()) w.field("rdata", a.rdata);
      w.endObject();
    }
    w.endArray();
  }
  w.field("answer_count", m.ancount);
  w.field("authority_count", m.nscount);
  w.field("additional_count", m.arcount);
  w.endObject();
}

}  // namespace medtap::sinks
