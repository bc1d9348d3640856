#include "sinks/eve_writer.h"

#include <cerrno>
#include <cstring>

#include "sinks/eve_body.h"
#include "sinks/json_writer.h"

namespace medtap::sinks {

std::string_view protoName(uint8_t ip_proto, std::string& scratch) {
  switch (ip_proto) {
    case 6:
      return "TCP";
    case 17:
      return "UDP";
    case 1:
      return "ICMP";
    case 2:
      return "IGMP";
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
    // Suricata's `ether` object, on flow events only: what the inventory keys devices by.
    if (std::holds_alternative<events::FlowRecord>(event.body) && (f.src_mac || f.dest_mac)) {
      w.key("ether");
      w.beginObject();
      if (f.src_mac) w.field("src_mac", f.src_mac->toString());
      if (f.dest_mac) w.field("dest_mac", f.dest_mac->toString());
      w.endObject();
    }
  }
  if (event.direction != events::Direction::Unknown) {
    w.field("direction",
            event.direction == events::Direction::ToServer ? "to_server" : "to_client");
  }
  std::visit([&w](const auto& body) { writeEveBody(w, body); }, event.body);
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
  // Open flows' progress is for the correlators (the volume baseline); eve.json keeps one flow
  // event per finished flow, as Suricata's.
  if (std::holds_alternative<events::FlowProgress>(event.body)) return;
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
