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

void writeEveBody(JsonWriter& w, const events::ArpSweep& s) {
  if (s.vlan_count > 0) {
    w.key("vlan");
    w.beginArray();
    for (size_t i = 0; i < s.vlan_count; ++i) w.number(uint64_t{s.vlan[i]});
    w.endArray();
  }
  w.key("arp_sweep");
  w.beginObject();
  w.key("sender_ip");
  appendQuoted(w.rawValue(), s.sender_ip);
  w.field("sender_mac", s.sender_mac.toString());
  timeField(w, "first", s.first);
  timeField(w, "last", s.last);
  w.field("requests", s.requests);
  w.field("targets", s.targets);
  w.field("targets_capped", s.targets_capped);
  w.field("unanswered", s.unanswered);
  w.key("lowest_target");
  appendQuoted(w.rawValue(), s.lowest_target);
  w.key("highest_target");
  appendQuoted(w.rawValue(), s.highest_target);
  w.endObject();
}

}  // namespace medtap::sinks
