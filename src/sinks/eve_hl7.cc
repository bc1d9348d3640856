#include "events/hl7.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

namespace {

// `key` only when the value is not empty: keeps lines short for the many optional fields.
void optionalField(JsonWriter& w, std::string_view key, std::string_view value) {
  if (!value.empty()) w.field(key, value);
}

void writePatient(JsonWriter& w, const events::Hl7Patient& p) {
  w.key("patient");
  w.beginObject();
  optionalField(w, "name", p.name);
  optionalField(w, "id", p.id);
  optionalField(w, "birth_date", p.birth_date);
  w.key("fields");
  w.beginArray();
  for (size_t i = 0; i < events::kHl7PhiFieldNames.size(); ++i) {
    if (p.has(static_cast<events::Hl7PhiField>(i))) w.string(events::kHl7PhiFieldNames[i]);
  }
  w.endArray();
  w.endObject();
}

void writeObservation(JsonWriter& w, const events::Hl7Observation& o) {
  w.beginObject();
  w.field("id", o.id);
  optionalField(w, "value_type", o.value_type);
  w.field("code", o.code);
  optionalField(w, "text", o.text);
  optionalField(w, "coding_system", o.coding_system);
  optionalField(w, "sub_id", o.sub_id);
  w.key("value");
  switch (o.kind) {
    case events::Hl7ValueKind::Number:
      w.number(o.numeric);
      break;
    case events::Hl7ValueKind::Text:
      w.string(o.value);
      break;
    case events::Hl7ValueKind::Absent:
    case events::Hl7ValueKind::Withheld:
      w.null();
      break;
  }
  optionalField(w, "units", o.units);
  optionalField(w, "status", o.status);
  optionalField(w, "time", o.time);
  optionalField(w, "equipment", o.equipment);
  w.endObject();
}

void writeBatch(JsonWriter& w, const events::Hl7Batch& b) {
  w.key("batch");
  w.beginObject();
  optionalField(w, "file_control_id", b.file_control_id);
  optionalField(w, "batch_control_id", b.batch_control_id);
  optionalField(w, "name", b.name);
  optionalField(w, "sending_application", b.sending_application);
  optionalField(w, "sending_facility", b.sending_facility);
  optionalField(w, "receiving_application", b.receiving_application);
  optionalField(w, "receiving_facility", b.receiving_facility);
  w.endObject();
}

}  // namespace

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
  if (!m.sending_universal_id.empty()) {
    w.key("sending_device");
    w.beginObject();
    w.field("namespace_id", m.sending_namespace_id);
    w.field("universal_id", m.sending_universal_id);
    w.field("universal_id_type", m.sending_universal_id_type);
    w.endObject();
  }
  w.key("segments");
  w.beginArray();
  for (const auto& s : m.segments) w.string(s);
  w.endArray();
  if (!m.ack_code.empty()) w.field("ack_code", m.ack_code);
  optionalField(w, "acknowledged_control_id", m.acknowledged_control_id);
  optionalField(w, "ack_text", m.ack_text);
  if (!m.patient.empty() || !m.patient.id.empty()) writePatient(w, m.patient);
  if (!m.observations.empty()) {
    w.key("observations");
    w.beginArray();
    for (const auto& o : m.observations) writeObservation(w, o);
    w.endArray();
  }
  if (m.observations_dropped != 0) w.field("observations_dropped", m.observations_dropped);
  if (!m.devices.empty()) {
    w.key("devices");
    w.beginArray();
    for (const auto& d : m.devices) {
      w.beginObject();
      w.field("source", d.source);
      w.field("id", d.id);
      w.endObject();
    }
    w.endArray();
  }
  if (m.batch.present) writeBatch(w, m.batch);
  w.field("length", m.length);
  w.endObject();
}

}  // namespace medtap::sinks
