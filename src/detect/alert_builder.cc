#include "detect/alert_builder.h"

namespace medtap::detect {

namespace {

std::string joined(const std::set<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

}  // namespace

std::string_view localityOf(const DeviceIndex& devices, const IpAddress& ip) {
  const AddressInfo* info = devices.find(ip);
  return info == nullptr ? std::string_view("unknown") : info->locality;
}

events::AlertRecord alertFor(const Candidate& c, const DeviceIndex& devices) {
  events::AlertRecord a;
  const AddressInfo* src = devices.find(c.src);
  a.device_id = src != nullptr ? src->device_id : "ip:" + c.src.toString();
  a.device_ip = c.src;
  a.evidence.emplace_back("destination", c.dst_port == 0
                                             ? c.dst.toString()
                                             : c.dst.toString() + ":" + std::to_string(c.dst_port));
  a.evidence.emplace_back("destination_locality", std::string(localityOf(devices, c.dst)));
  if (const AddressInfo* dst = devices.find(c.dst)) {
    a.evidence.emplace_back("destination_device", dst->device_id);
  }
  if (!c.flow.app_proto.empty())
    a.evidence.emplace_back("app_proto", std::string(c.flow.app_proto));
  if (!c.detail.empty()) a.evidence.emplace_back("detail", c.detail);
  if (!c.fields.empty()) a.evidence.emplace_back("phi_fields", joined(c.fields));
  if (!c.patients.empty()) a.evidence.emplace_back("patient_tokens", joined(c.patients));
  a.count = c.count;
  a.first_seen = c.first;
  a.last_seen = c.last;
  return a;
}

void emitAlert(const Candidate& c, events::AlertRecord alert, events::EventSink& out) {
  out.emit(events::Event{c.first, c.flow, std::move(alert)});
}

}  // namespace medtap::detect
