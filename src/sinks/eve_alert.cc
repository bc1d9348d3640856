#include "events/alert.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

namespace {

void list(JsonWriter& w, std::string_view key, const std::vector<std::string_view>& values) {
  w.key(key);
  w.beginArray();
  for (auto v : values) w.string(v);
  w.endArray();
}

}  // namespace

void writeEveBody(JsonWriter& w, const events::AlertRecord& a) {
  w.key("alert");
  w.beginObject();
  w.field("action", "allowed");  // passive: medtap never blocks (Suricata's field)
  w.field("gid", uint32_t{1});
  w.field("signature_id", a.signature_id);
  w.field("rev", uint32_t{1});
  w.field("signature", a.signature);
  w.field("category", a.category);
  w.field("severity", uint32_t{a.severity});
  w.key("metadata");
  w.beginObject();
  list(w, "cve", a.cve);
  list(w, "attack", a.attack);
  list(w, "reference", a.reference);
  w.endObject();
  w.endObject();
  w.key("device");
  w.beginObject();
  w.field("id", a.device_id);
  ipField(w, "ip", a.device_ip);
  w.endObject();
  w.key("evidence");
  w.beginObject();
  for (const auto& [k, v] : a.evidence) w.field(k, v);
  w.field("count", a.count);
  timeField(w, "first_seen", a.first_seen);
  timeField(w, "last_seen", a.last_seen);
  w.endObject();
}

}  // namespace medtap::sinks
