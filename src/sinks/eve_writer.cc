#include "sinks/eve_writer.h"

#include <cerrno>
#include <cstring>

#include "sinks/json_writer.h"

namespace medtap::sinks {

namespace {

// Addresses and times are formatted straight into the line: no escaping is needed for them.
void appendQuoted(std::string& out, const IpAddress& a) {
  out.push_back('"');
  a.appendTo(out);
  out.push_back('"');
}
void appendQuoted(std::string& out, Timestamp t) {
  out.push_back('"');
  appendIso8601(out, t);
  out.push_back('"');
}

void writeFlowRecord(JsonWriter& w, const events::FlowRecord& f) {
  w.key("flow");
  w.beginObject();
  w.field("pkts_toserver", f.pkts_toserver);
  w.field("pkts_toclient", f.pkts_toclient);
  w.field("bytes_toserver", f.bytes_toserver);
  w.field("bytes_toclient", f.bytes_toclient);
  w.key("start");
  appendQuoted(w.rawValue(), f.start);
  w.key("end");
  appendQuoted(w.rawValue(), f.end);
  w.field("age", (f.end - f.start).ns / Timestamp::kNsPerSec);
  w.field("state", f.state);
  w.field("reason", f.reason);
  w.field("alerted", false);
  w.endObject();
}

void writeHl7(JsonWriter& w, const events::Hl7Message& m) {
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

struct BodyWriter {
  JsonWriter& w;
  void operator()(const events::FlowRecord& f) const { writeFlowRecord(w, f); }
  void operator()(const events::Hl7Message& m) const { writeHl7(w, m); }
};

}  // namespace

std::string_view protoName(uint8_t ip_proto, std::string& scratch) {
  switch (ip_proto) {
    case 6:
      return "TCP";
    case 17:
      return "UDP";
    case 1:
      return "ICMP";
    case 58:
      return "IPv6-ICMP";
    case 132:
      return "SCTP";
    case 47:
      return "GRE";
    default:
      scratch = std::to_string(ip_proto);
      return scratch;
  }
}

void formatEve(const events::Event& event, std::string& out) {
  JsonWriter w(out);
  w.beginObject();
  w.key("timestamp");
  appendQuoted(w.rawValue(), event.ts);
  if (event.flow) w.field("flow_id", event.flow->id);
  w.field("event_type", events::eventTypeName(event.body));
  if (event.flow) {
    const auto& f = *event.flow;
    if (f.vlan_count > 0) {
      w.key("vlan");
      w.beginArray();
      for (size_t i = 0; i < f.vlan_count; ++i) w.number(uint64_t{f.vlan[i]});
      w.endArray();
    }
    w.key("src_ip");
    appendQuoted(w.rawValue(), f.src_ip);
    bool has_ports = f.proto == 6 || f.proto == 17 || f.proto == 132;
    if (has_ports) w.field("src_port", f.src_port);
    w.key("dest_ip");
    appendQuoted(w.rawValue(), f.dest_ip);
    if (has_ports) w.field("dest_port", f.dest_port);
    std::string scratch;
    w.field("proto", protoName(f.proto, scratch));
    if (!f.app_proto.empty()) w.field("app_proto", f.app_proto);
  }
  std::visit(BodyWriter{w}, event.body);
  w.endObject();
}

Result<std::unique_ptr<EveWriter>> EveWriter::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Error{path + ": " + std::strerror(errno)};
  return std::unique_ptr<EveWriter>(new EveWriter(path, f));
}

EveWriter::EveWriter(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {
  buffer_.reserve(kFlushBytes + 64 * 1024);
}

EveWriter::~EveWriter() {
  flush();
  std::fclose(file_);
}

void EveWriter::emit(const events::Event& event) {
  formatEve(event, buffer_);
  buffer_.push_back('\n');
  ++events_written_;
  ++by_type_[events::eventTypeName(event.body)];  // static names: no allocation
  if (buffer_.size() >= kFlushBytes) flush();
}

bool EveWriter::flush() {
  if (!buffer_.empty()) {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size() && error_.empty()) {
      error_ = path_ + ": " + std::strerror(errno);
    }
    buffer_.clear();
  }
  if (std::fflush(file_) != 0 && error_.empty()) error_ = path_ + ": " + std::strerror(errno);
  return error_.empty();
}

}  // namespace medtap::sinks
