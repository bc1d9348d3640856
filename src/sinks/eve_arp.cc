#include "events/arp.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

void writeEveBody(JsonWriter& w, const events::ArpBinding& a) {
  if (a.vlan_count > 0) {
    w.key("vlan");
    w.beginArray();
    for (size_t i = 0; i < a.vlan_count; ++i) w.number(uint64_t{a.vlan[i]});
    w.endArray();
  }
  w.key("arp");
  w.beginObject();
  w.key("ip");
  appendQuoted(w.rawValue(), a.ip);
  w.field("mac", a.mac.toString());
  w.field("change", a.change);
  if (a.previous_mac) w.field("previous_mac", a.previous_mac->toString());
  w.field("operation", a.operation);
  w.field("gratuitous", a.gratuitous);
  w.endObject();
}

}  // namespace medtap::sinks
