#include "simulate/simulate.h"

#include <algorithm>
#include <exception>
#include <memory>

#include "simulate/device.h"
#include "simulate/pcap_writer.h"
#include "simulate/profile.h"
#include "simulate/ward.h"
#include "simulate/world.h"

namespace medtap::simulate {

namespace {

struct ScenarioInfo {
  std::string_view name;
  std::string_view description;
  bool ScenarioSet::*flag;
};

constexpr ScenarioInfo kScenarios[] = {
    {"contec-backdoor",
     "Contec CMS8000 monitors boot, bring the interface up, mount 202.114.4.119:/pm over "
     "portmap/mountd/NFS through the router and copy files, then stream patient data to "
     "202.114.4.119:515 and HL7 to 202.114.4.120:511 through the router (CVE-2025-0626, "
     "CVE-2025-1204, CVE-2025-0683)",
     &ScenarioSet::contec_backdoor},
    {"contec-lan-default",
     "the ward's Contec central station PC really is 202.114.4.119 (and .120) on the LAN, as the "
     "manuals suggest; the monitors use the 202.114.4.0/24 plan and reach it directly",
     &ScenarioSet::contec_lan_default},
    {"phi-exfil", "the interface engine sends ORU^R01 with patient identity to an internet host",
     &ScenarioSet::phi_exfil},
    {"vitals-tamper",
     "one bed's values freeze, another replays old messages byte for byte, another shows "
     "impossible values, another's heart rate spikes and comes back, another's ECG rate "
     "disagrees with its pulse rate",
     &ScenarioSet::vitals_tamper},
    {"scan", "a compromised workstation ARP-sweeps the ward and SYN-scans every live host",
     &ScenarioSet::scan},
    {"new-peer", "a monitor starts talking to an internet host (DNS + TLS) mid-capture",
     &ScenarioSet::new_peer},
};

const char* stopName(StopReason r) {
  switch (r) {
    case StopReason::Duration:
      return "duration";
    case StopReason::Size:
      return "size";
    case StopReason::NoMoreEvents:
      return "no-more-events";
  }
  return "duration";
}

}  // namespace

const std::vector<std::string_view>& scenarioNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> v;
    for (const ScenarioInfo& s : kScenarios) v.push_back(s.name);
    return v;
  }();
  return kNames;
}

std::string truthPathFor(const std::string& pcap_path) {
  std::string base = pcap_path;
  const size_t slash = base.find_last_of('/');
  const size_t dot = base.find_last_of('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) base.resize(dot);
  return base + ".truth.json";
}

Result<SimulateSummary> simulate(const SimulateOptions& options) {
  if (options.beds < 1 || options.beds > kMaxBeds) {
    return Error{"--beds must be between 1 and " + std::to_string(kMaxBeds)};
  }
  if (options.duration.ns <= 0 || options.duration.ns > Duration::seconds(kMaxDurationSeconds).ns) {
    return Error{"--duration must be positive and at most 7 days"};
  }
  if (options.size_bytes > kMaxSizeBytes) return Error{"--size is at most 1T"};
  if (options.output.empty()) return Error{"-o FILE is required"};
  ScenarioSet scenarios;
  std::vector<std::string_view> chosen;
  for (const std::string& name : options.scenarios) {
    const auto it = std::find_if(std::begin(kScenarios), std::end(kScenarios),
                                 [&](const ScenarioInfo& s) { return s.name == name; });
    if (it == std::end(kScenarios)) {
      std::string known;
      for (std::string_view n : scenarioNames())
        known += (known.empty() ? "" : ", ") + std::string(n);
      return Error{"unknown scenario '" + name + "' (known: " + known + ")"};
    }
    scenarios.*(it->flag) = true;
  }

  std::vector<ProfileFile> from_dir;
  if (!options.profiles_dir.empty()) {
    auto files = readProfileDirectory(options.profiles_dir);
    if (!files) return Error{files.error()};
    from_dir = std::move(files.value());
  }
  auto profiles = loadProfiles(options.profiles_dir.empty() ? embeddedProfileFiles() : from_dir);
  if (!profiles) return Error{profiles.error()};

  PcapWriter writer;
  if (auto st = writer.open(options.output); !st) return Error{st.error()};
  auto world = std::make_unique<World>(options.seed, profiles->ward.start, writer);
  auto ctx = std::make_unique<WardContext>();
  if (auto st = buildWard(*world, *profiles, options, scenarios, *ctx); !st)
    return Error{st.error()};

  Truth& truth = world->truth();
  truth.addScenario("baseline", "normal ward activity that detectors should know about");
  for (const ScenarioInfo& s : kScenarios) {
    if (scenarios.*(s.flag)) truth.addScenario(std::string(s.name), std::string(s.description));
  }

  const Timestamp start = profiles->ward.start;
  StopReason stop;
  try {
    stop = world->run(start + options.duration, options.size_bytes);
  } catch (const std::exception& e) {
    // A broken invariant (a queue bound hit): a simulator bug, reported, never a crash.
    (void)writer.close();
    return Error{std::string("internal error: ") + e.what()};
  }
  // A run stopped by its duration covers all of it, even if the last event came earlier.
  const Timestamp end = stop == StopReason::Duration ? start + options.duration : world->now();
  if (auto st = writer.close(); !st) return Error{st.error()};

  const WardPlan& ward = profiles->ward;
  nlohmann::ordered_json& run = truth.run();
  run["generator"] = "medtap simulate";
  run["seed"] = options.seed;
  run["beds"] = options.beds;
  run["duration_s"] = options.duration.ns / Timestamp::kNsPerSec;
  if (options.size_bytes > 0) run["size_bytes"] = options.size_bytes;
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  for (const ScenarioInfo& s : kScenarios) {
    if (scenarios.*(s.flag)) names.push_back(s.name);
  }
  run["scenarios"] = names;
  run["profiles"] = options.profiles_dir.empty() ? "embedded" : options.profiles_dir;
  run["start"] = formatIso8601(start);
  run["end"] = formatIso8601(end);
  run["stopped_by"] = stopName(stop);
  run["frames"] = writer.records();
  run["file_bytes"] = writer.bytesWritten();
  if (world->frames().lateFrames() > 0) run["late_frames"] = world->frames().lateFrames();
  nlohmann::ordered_json& net = truth.network();
  net["capture_point"] = "mirror port of the ward switch";
  net["lan"] = ipToString(ward.lan_network) + "/" + std::to_string(ward.lan_prefix);
  net["router_ip"] = ipToString(ward.router_ip);
  net["router_mac"] = world->net().router().mac.toString();
  net["dhcp_dns_ntp_server"] = ipToString(ward.infra_ip);
  net["domain"] = ward.domain;
  truth.count("arp.frames", world->net().arpFrames());

  SimulateSummary summary;
  summary.truth_path =
      options.truth_output.empty() ? truthPathFor(options.output) : options.truth_output;
  if (auto st = truth.write(summary.truth_path); !st) return Error{st.error()};
  summary.frames = writer.records();
  summary.bytes = writer.bytesWritten();
  summary.first = start;
  summary.last = end;
  summary.devices = truth.devices().size();
  summary.hl7_messages = truth.counter("hl7.messages");
  summary.dicom_stores = truth.counter("dicom.c_store");
  summary.stopped_by = stopName(stop);
  return summary;
}

}  // namespace medtap::simulate
