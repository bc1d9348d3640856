#include <cmath>

#include "events/device.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

namespace {

void stringArray(JsonWriter& w, std::string_view key, const std::vector<std::string>& values) {
  w.key(key);
  w.beginArray();
  for (const auto& v : values) w.string(v);
  w.endArray();
}

// Scores and confidences to two decimals: more would be false precision.
double rounded(double v) {
  return std::round(v * 100) / 100;
}

}  // namespace

void writeDevice(JsonWriter& w, const events::DeviceRecord& d) {
  w.beginObject();
  w.field("id", d.id);
  if (!d.change.empty()) w.field("change", d.change);
  w.key("macs");
  w.beginArray();
  for (const auto& m : d.macs) w.string(m.toString());
  w.endArray();
  w.key("ips");
  w.beginArray();
  for (const auto& ip : d.ips) appendQuoted(w.rawValue(), ip);
  w.endArray();
  w.key("addresses");
  w.beginArray();
  for (const auto& a : d.addresses) {
    w.beginObject();
    ipField(w, "ip", a.ip);
    w.field("locality", a.locality);
    w.field("site", a.site);
    timeField(w, "first_seen", a.first_seen);
    timeField(w, "last_seen", a.last_seen);
    w.endObject();
  }
  w.endArray();
  w.field("vendor", d.vendor);
  w.field("model", d.model);
  w.field("device_class", d.device_class);
  w.field("firmware", d.firmware);
  stringArray(w, "hostnames", d.hostnames);
  w.field("confidence", rounded(d.confidence));
  stringArray(w, "tags", d.tags);
  stringArray(w, "roles", d.roles);
  timeField(w, "first_seen", d.first_seen);
  timeField(w, "last_seen", d.last_seen);
  w.key("evidence");
  w.beginArray();
  for (const auto& e : d.evidence) {
    w.beginObject();
    w.field("source", e.source);
    w.field("value", e.value);
    w.field("detail", e.detail);
    w.field("rule", e.rule);
    w.field("claims", e.claims);
    w.field("weight", rounded(e.weight));
    w.field("count", e.count);
    if (e.flow_id != 0) w.field("flow_id", e.flow_id);
    timeField(w, "first_seen", e.first_seen);
    timeField(w, "last_seen", e.last_seen);
    w.endObject();
  }
  w.endArray();
  w.key("conflicts");
  w.beginArray();
  for (const auto& c : d.conflicts) {
    w.beginObject();
    w.field("attribute", c.attribute);
    w.field("chosen", c.chosen);
    w.field("chosen_score", rounded(c.chosen_score));
    w.field("other", c.other);
    w.field("other_score", rounded(c.other_score));
    w.endObject();
  }
  w.endArray();
  w.endObject();
}

void writeEveBody(JsonWriter& w, const events::DeviceRecord& d) {
  w.key("device");
  writeDevice(w, d);
}

}  // namespace medtap::sinks
