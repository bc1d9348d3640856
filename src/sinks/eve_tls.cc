#include "events/tls.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

namespace {
void stringArray(JsonWriter& w, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  w.key(key);
  w.beginArray();
  for (const auto& v : values) w.string(v);
  w.endArray();
}
}  // namespace

// Suricata's EVE tls object; fields of what was not seen (no certificate in TLS 1.3, no
// ServerHello) are left out, as Suricata does.
void writeEveBody(JsonWriter& w, const events::TlsHandshake& t) {
  w.key("tls");
  w.beginObject();
  if (!t.subject.empty()) w.field("subject", t.subject);
  if (!t.issuerdn.empty()) w.field("issuerdn", t.issuerdn);
  if (!t.serial.empty()) w.field("serial", t.serial);
  if (!t.fingerprint.empty()) w.field("fingerprint", t.fingerprint);
  if (!t.sni.empty()) w.field("sni", t.sni);
  w.field("version", t.version);
  if (!t.notbefore.empty()) w.field("notbefore", t.notbefore);
  if (!t.notafter.empty()) w.field("notafter", t.notafter);
  stringArray(w, "subjectaltname", t.subjectaltname);
  if (!t.ja3_hash.empty()) {
    w.key("ja3");
    w.beginObject();
    w.field("hash", t.ja3_hash);
    w.field("string", t.ja3_string);
    w.endObject();
  }
  if (!t.ja3s_hash.empty()) {
    w.key("ja3s");
    w.beginObject();
    w.field("hash", t.ja3s_hash);
    w.field("string", t.ja3s_string);
    w.endObject();
  }
  if (!t.ja4.empty()) w.field("ja4", t.ja4);
  stringArray(w, "alpn_ts", t.alpn_ts);
  stringArray(w, "alpn_tc", t.alpn_tc);
  w.endObject();
}

}  // namespace medtap::sinks
