#include "events/contec_cms.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

namespace {

// "name": value when the monitor marks it valid, "name": null when it marks it invalid; absent
// when never seen.
void writeVital(JsonWriter& w, std::string_view name, const std::optional<events::ContecVital>& v) {
  if (!v) return;
  w.key(name);
  if (v->valid) {
    w.number(v->value);
  } else {
    w.null();
  }
}

}  // namespace

void writeEveBody(JsonWriter& w, const events::ContecCmsBlock& b) {
  w.key("contec_cms");
  w.beginObject();
  w.field("block_type", uint32_t{b.block_type});
  w.field("block_name", b.block_name);
  if (b.bed) w.field("bed", uint32_t{*b.bed});
  if (!b.department.empty()) w.field("department", b.department);
  if (b.patient) {
    w.key("patient");  // tokens only
    w.beginObject();
    w.field("name", b.patient->name);
    w.field("id", b.patient->id);
    w.field("birth_date", b.patient->birth_date);
    w.field("admission_date", b.patient->admission_date);
    w.field("doctor", b.patient->doctor);
    w.endObject();
  }
  if (b.height_mm) w.field("height_mm", *b.height_mm);
  if (b.weight_dg) w.field("weight_kg", *b.weight_dg / 10.0);
  const events::ContecVitals& v = b.vitals;
  if (v.hr || v.rr || v.spo2 || v.pulse_rate || v.nibp_sys || v.temp1) {
    w.key("vitals");
    w.beginObject();
    writeVital(w, "hr", v.hr);
    writeVital(w, "rr", v.rr);
    writeVital(w, "spo2", v.spo2);
    writeVital(w, "pulse_rate", v.pulse_rate);
    writeVital(w, "nibp_sys", v.nibp_sys);
    writeVital(w, "nibp_dia", v.nibp_dia);
    writeVital(w, "nibp_mean", v.nibp_mean);
    writeVital(w, "temp1", v.temp1);
    writeVital(w, "temp2", v.temp2);
    w.endObject();
  }
  if (b.telemetry_blocks > 0) w.field("telemetry_blocks", b.telemetry_blocks);
  if (b.error_code) w.field("error_code", *b.error_code);
  if (!b.error_text.empty()) w.field("error_text", b.error_text);
  w.endObject();
}

}  // namespace medtap::sinks
