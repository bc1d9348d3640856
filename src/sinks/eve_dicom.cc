#include "events/dicom.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

namespace {

void writeStrings(JsonWriter& w, std::string_view key, const std::vector<std::string>& list) {
  w.key(key);
  w.beginArray();
  for (const auto& s : list) w.string(s);
  w.endArray();
}

void writeAssociation(JsonWriter& w, const events::DicomMessage& m) {
  w.field("protocol_version", m.protocol_version);
  w.field("called_ae", m.called_ae);
  w.field("calling_ae", m.calling_ae);
  w.field("application_context", m.application_context);
  writeStrings(w, "abstract_syntaxes", m.abstract_syntaxes);
  if (m.pdu == "A-ASSOCIATE-RQ") writeStrings(w, "transfer_syntaxes", m.transfer_syntaxes);
  if (m.pdu == "A-ASSOCIATE-AC") {
    w.key("presentation_contexts");
    w.beginArray();
    for (const auto& pc : m.presentation_contexts) {
      w.beginObject();
      w.field("id", uint64_t{pc.id});
      w.field("result", uint64_t{pc.result});
      if (!pc.abstract_syntax.empty()) w.field("abstract_syntax", pc.abstract_syntax);
      if (!pc.transfer_syntax.empty()) w.field("transfer_syntax", pc.transfer_syntax);
      w.endObject();
    }
    w.endArray();
  }
  if (m.max_length != 0) w.field("max_length", m.max_length);
  if (!m.implementation_class_uid.empty()) {
    w.field("implementation_class_uid", m.implementation_class_uid);
  }
  if (!m.implementation_version_name.empty()) {
    w.field("implementation_version_name", m.implementation_version_name);
  }
}

void writeCommand(JsonWriter& w, const events::DicomMessage& m) {
  w.field("command", m.command.empty() ? std::string_view("unknown") : m.command);
  w.field("command_field", m.command_field);
  if (!m.sop_class.empty()) w.field("sop_class", m.sop_class);
  if (m.message_id) w.field("message_id", *m.message_id);
  if (m.message_id_responded) w.field("message_id_responded", *m.message_id_responded);
  if (m.status) w.field("status", *m.status);
  w.field("presentation_context_id", uint64_t{m.presentation_context_id});
  if (!m.transfer_syntax.empty()) w.field("transfer_syntax", m.transfer_syntax);
  w.field("has_data_set", m.has_data_set);
  if (!m.patient_name_token.empty() || !m.patient_id_token.empty()) {
    w.key("patient");
    w.beginObject();
    if (!m.patient_name_token.empty()) w.field("name", m.patient_name_token);
    if (!m.patient_id_token.empty()) w.field("id", m.patient_id_token);
    w.endObject();
  }
}

}  // namespace

void writeEveBody(JsonWriter& w, const events::DicomMessage& m) {
  w.key("dicom");
  w.beginObject();
  w.field("pdu", m.pdu);
  if (m.pdu == "A-ASSOCIATE-RQ" || m.pdu == "A-ASSOCIATE-AC") writeAssociation(w, m);
  if (m.result) w.field("result", uint64_t{*m.result});
  if (m.source) w.field("source", uint64_t{*m.source});
  if (m.reason) w.field("reason", uint64_t{*m.reason});
  if (m.pdu == "P-DATA-TF") writeCommand(w, m);
  w.endObject();
}

}  // namespace medtap::sinks
