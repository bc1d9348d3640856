#include "simulate/truth.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace medtap::simulate {

void Truth::addEvent(TruthEvent e) {
  if (events_.size() >= kMaxEvents) {
    ++events_dropped_;
    return;
  }
  events_.push_back(std::move(e));
}

void Truth::addOtherIp(std::string_view device_id, std::string ip) {
  for (TruthDevice& d : devices_) {
    if (d.id == device_id) d.other_ips.push_back(std::move(ip));
  }
}

void Truth::addScenario(std::string name, std::string description) {
  scenarios_.emplace_back(std::move(name), std::move(description));
}

void Truth::count(std::string_view key, uint64_t n) {
  auto it = counters_.find(key);
  if (it == counters_.end()) it = counters_.emplace(std::string(key), 0).first;
  it->second += n;
}

void Truth::countFor(std::string_view device_id, std::string_view key, uint64_t n) {
  auto dev = per_device_.find(device_id);
  if (dev == per_device_.end())
    dev =
        per_device_.emplace(std::string(device_id), std::map<std::string, uint64_t, std::less<>>{})
            .first;
  auto it = dev->second.find(key);
  if (it == dev->second.end()) it = dev->second.emplace(std::string(key), 0).first;
  it->second += n;
}

void Truth::notePort(std::string_view protocol, int port) {
  auto it = ports_.find(protocol);
  if (it == ports_.end()) it = ports_.emplace(std::string(protocol), std::vector<int>{}).first;
  auto& v = it->second;
  if (std::find(v.begin(), v.end(), port) == v.end()) {
    v.insert(std::upper_bound(v.begin(), v.end(), port), port);
  }
}

uint64_t Truth::counter(std::string_view key) const {
  auto it = counters_.find(key);
  return it == counters_.end() ? 0 : it->second;
}

nlohmann::ordered_json Truth::toJson() const {
  using J = nlohmann::ordered_json;
  J out = J::object();
  out["format"] = "medtap-simulate-truth/1";
  out["run"] = run_;
  out["network"] = network_;
  J devices = J::array();
  for (const TruthDevice& d : devices_) {
    J j = J::object();
    j["id"] = d.id;
    j["ip"] = d.ip;
    if (!d.other_ips.empty()) j["other_ips"] = d.other_ips;
    j["mac"] = d.mac;
    j["vendor"] = d.vendor;
    j["model"] = d.model;
    j["device_class"] = d.device_class;
    if (!d.hostname.empty()) j["hostname"] = d.hostname;
    if (!d.firmware.empty()) j["firmware"] = d.firmware;
    j["profile"] = d.profile;
    j["site"] = d.site;
    j["addressing"] = d.addressing;
    if (d.bed > 0) j["bed"] = d.bed;
    j["tags"] = d.tags;
    auto c = per_device_.find(d.id);
    if (c != per_device_.end()) {
      J counts = J::object();
      for (const auto& [k, v] : c->second) counts[k] = v;
      j["counts"] = counts;
    }
    devices.push_back(std::move(j));
  }
  out["devices"] = std::move(devices);
  J scenarios = J::array();
  for (const auto& [name, description] : scenarios_) {
    J s = J::object();
    s["name"] = name;
    s["description"] = description;
    J events = J::array();
    for (const TruthEvent& e : events_) {
      if (e.scenario != name) continue;
      J ej = J::object();
      ej["time"] = formatIso8601(e.at);
      ej["action"] = e.action;
      ej["device"] = e.device;
      if (!e.peer_ip.empty()) ej["peer_ip"] = e.peer_ip;
      if (e.peer_port != 0) ej["peer_port"] = e.peer_port;
      if (!e.protocol.empty()) ej["protocol"] = e.protocol;
      if (!e.detail.empty()) ej["detail"] = e.detail;
      events.push_back(std::move(ej));
    }
    s["events"] = std::move(events);
    scenarios.push_back(std::move(s));
  }
  out["scenarios"] = std::move(scenarios);
  J ports = J::object();
  for (const auto& [k, v] : ports_) ports[k] = v;
  out["ports"] = std::move(ports);
  J counts = J::object();
  for (const auto& [k, v] : counters_) counts[k] = v;
  out["counts"] = std::move(counts);
  if (events_dropped_ > 0) out["events_dropped"] = events_dropped_;
  return out;
}

Status Truth::write(const std::string& path) const {
  const std::string text = toJson().dump(2) + "\n";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Error{"cannot create " + path + ": " + std::strerror(errno)};
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return Error{"write error on " + path};
  return Ok{};
}

}  // namespace medtap::simulate
