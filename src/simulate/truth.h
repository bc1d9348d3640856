// The ground-truth sidecar (`<capture>.truth.json`): which devices exist and what every scenario
// did, to whom and when, plus counts of the application messages written, so that tests can hold
// an analyzer's output against what was generated. It names devices by bed number and synthetic
// ids only: no patient names, identifiers or birth dates (the sidecar is an output too).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/timestamp.h"

namespace medtap::simulate {

struct TruthDevice {
  std::string id;  // stable within a run: "bed07-monitor", "pacs", "inet-202.114.4.119"
  std::string ip;
  std::string mac;
  std::string vendor;
  std::string model;
  std::string device_class;  // the EVENTS.md device_class vocabulary
  std::string hostname;
  std::string firmware;
  std::string profile;                 // the data/simulate profile it was built from
  std::string site;                    // "lan" or "remote" (beyond the router)
  std::string addressing;              // "dhcp" or "static"
  std::vector<std::string> other_ips;  // further addresses of the same interface
  int bed = 0;                         // 0: not at a bed
  std::vector<std::string> tags;
};

struct TruthEvent {
  Timestamp at;
  std::string scenario;  // "baseline" for notable normal activity
  std::string action;    // "nfs_mount", "hl7_to_internet", ...
  std::string device;    // TruthDevice::id of the actor
  std::string peer_ip;
  int peer_port = 0;
  std::string protocol;
  nlohmann::ordered_json detail = nlohmann::ordered_json::object();
};

class Truth {
 public:
  // Scenario events are few; the cap keeps a runaway scenario from growing the sidecar without
  // end. Events past it are counted in `events_dropped`.
  static constexpr size_t kMaxEvents = 100'000;

  void addDevice(TruthDevice d) { devices_.push_back(std::move(d)); }
  // Records a further address of a device already added (a second IP on the same NIC).
  void addOtherIp(std::string_view device_id, std::string ip);
  void addEvent(TruthEvent e);
  void addScenario(std::string name, std::string description);
  // Adds n to a named counter ("hl7.messages", "dicom.c_store_rq", ...).
  void count(std::string_view key, uint64_t n = 1);
  // Adds n to a counter of one device ("hl7_sent", ...).
  void countFor(std::string_view device_id, std::string_view key, uint64_t n = 1);
  uint64_t counter(std::string_view key) const;
  // Notes that a protocol ran on a TCP/UDP port (the sidecar lists them so that tshark can be
  // told to decode those ports as HL7 or DICOM).
  void notePort(std::string_view protocol, int port);

  // Run facts written at the top of the file.
  nlohmann::ordered_json& run() { return run_; }
  nlohmann::ordered_json& network() { return network_; }

  nlohmann::ordered_json toJson() const;
  Status write(const std::string& path) const;

  const std::vector<TruthDevice>& devices() const { return devices_; }
  const std::vector<TruthEvent>& events() const { return events_; }

 private:
  nlohmann::ordered_json run_ = nlohmann::ordered_json::object();
  nlohmann::ordered_json network_ = nlohmann::ordered_json::object();
  std::vector<TruthDevice> devices_;
  std::vector<TruthEvent> events_;
  std::vector<std::pair<std::string, std::string>> scenarios_;
  std::map<std::string, uint64_t, std::less<>> counters_;
  std::map<std::string, std::map<std::string, uint64_t, std::less<>>, std::less<>> per_device_;
  std::map<std::string, std::vector<int>, std::less<>> ports_;
  uint64_t events_dropped_ = 0;
};

}  // namespace medtap::simulate
