#include "events/hl7.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

void writeEveBody(JsonWriter& w, const events::Hl7Message& m) {
  w.key("hl7");
  w.beginObject();
  w.field("message_type", m.message_type);
  w.field("control_id", m.control_id);
  w.field("version", m.version);
  w.field("sending_application", m.sending_application);
  w.field("sending_facility", m.sending_facility);
  w.field("receiving_application", m.receiving_application);
  w.field("receiving_facility", m.receiving_facility);
  w.key("segments");
  w.beginArray();
  for (const auto& s : m.segments) w.string(s);
  w.endArray();
  if (!m.ack_code.empty()) w.field("ack_code", m.ack_code);
  w.field("length", m.length);
  w.endObject();
}

}  // namespace medtap::sinks
