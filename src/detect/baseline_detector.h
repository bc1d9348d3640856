// Anomalies against a learned baseline, and scans (docs/DETECTIONS.md "Anomalies", 90004xx).
// Events carry addresses; the device behind one is known only at an inventory update, so what
// each address did waits here (bounded) until decide(): then the first `learn` of packet time is
// folded into the device's and its class's profile, and what came after is compared with it.
// Scans need no baseline: one source probing many hosts or ports, mostly without a connection.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detect/anomaly_limiter.h"
#include "detect/baseline_profile.h"
#include "detect/baseline_store.h"
#include "detect/detector.h"

namespace medtap::detect {

// Addresses whose observations wait for their device at once, and observations per address and
// phase; past either, further ones are dropped (and counted in droppedObservations()).
constexpr size_t kMaxPendingAddresses = 65536;
constexpr size_t kMaxPendingPerAddress = 1024;
// A volume spike: an hour's bytes above kSpikeFactor times the learned hourly mean and above the
// mean plus kSpikeSigmas standard deviations, and at least kSpikeMinBytes.
constexpr double kSpikeFactor = 5.0;
constexpr double kSpikeSigmas = 4.0;
constexpr double kSpikeMinBytes = 10e6;
// Activity at a new hour of the day means something only after a day or more of learning.
constexpr int64_t kMinLearnForHoursNs = 24 * 3600 * Timestamp::kNsPerSec;
// A scan: at least kScanMinProbes distinct host:port probes (TCP flows without data) from one
// source within two adjacent kScanWindowNs windows, making up at least kScanMinProbeShare of its
// TCP flows there, to at least kScanMinTargets hosts or ports.
constexpr int64_t kScanWindowNs = 60 * Timestamp::kNsPerSec;
constexpr size_t kScanMinProbes = 64;
constexpr double kScanMinProbeShare = 0.8;
constexpr size_t kScanMinTargets = 8;
constexpr size_t kMaxScanProbeKeys = 4096;  // per source and window
constexpr size_t kMaxScanSources = 65536;
// ARP sweeps reported by the ARP analyzer that wait for their sender's device at once.
constexpr size_t kMaxPendingSweeps = 4096;
// The device classes whose new DNS names alert (9000412): medical devices resolve a handful of
// names (their central station, NTP, a vendor's server), workstations and servers many.
bool medicalClass(std::string_view device_class);

class BaselineDetector final : public Detector {
 public:
  explicit BaselineDetector(const DetectOptions& options);
  void emit(const events::Event& event) override;
  void decide(const DeviceIndex& devices, bool final, events::EventSink& out) override;

  // The baseline as learned so far (stored and this run's): for tests and `medtap` summaries.
  const Baseline& baseline() const { return baseline_; }
  // Starts from a baseline instead of the store's (tests).
  void setBaseline(Baseline b) { baseline_ = std::move(b); }
  uint64_t droppedObservations() const { return dropped_; }

 private:
  struct Observation {
    Timestamp at;
    events::FlowRef flow;
    IpAddress peer;
    uint16_t port = 0;
    uint64_t count = 0;
  };
  using ObsKey = std::pair<ProfileKind, std::string>;
  struct Pending {
    std::map<ObsKey, Observation> learn, detect;
    std::map<int64_t, double> bytes;  // hour bucket (from the run's origin) -> bytes
    std::optional<events::FlowRef> any_flow;
    uint32_t learn_hours = 0;                 // UTC hours of day active while learning
    std::map<int, Observation> detect_hours;  // UTC hour -> first activity after learning
  };
  struct Volume {
    std::map<int64_t, double> bytes;  // hour bucket -> bytes
    std::set<int64_t> folded;         // learning buckets already in the profile (kept)
    IpAddress ip;
    events::FlowRef flow;
  };
  struct ScanWindow {
    std::set<std::pair<IpAddress, uint16_t>> probes;
    std::set<IpAddress> hosts;
    std::set<uint16_t> ports;
    uint64_t tcp_flows = 0, probe_flows = 0, unanswered = 0;
    Timestamp first_probe;
    events::FlowRef probe_flow;
  };

  bool learning(Timestamp t) const;
  Pending* pendingFor(const IpAddress& ip);
  void observe(const IpAddress& ip, bool learn, ProfileKind kind, std::string value, Timestamp at,
               const events::FlowRef& flow, const IpAddress& peer, uint16_t port);
  void onFlow(const events::Event& e, const events::FlowRecord& f);
  void onFlowProgress(const events::FlowRef& flow, const events::FlowProgress& p);
  void onDns(const events::Event& e, const events::DnsMessage& m);
  void onArpSweep(const events::ArpSweep& s);
  void onApplicationEvent(const events::Event& e);
  void noteScanProbe(const events::FlowRef& flow, const events::FlowRecord& f);
  void noteActivity(Pending& p, Timestamp start, Timestamp end, double bytes,
                    const events::FlowRef& flow);

  bool profiled(const DeviceIndex& devices, const IpAddress& ip) const;
  bool external(const DeviceIndex& devices, const IpAddress& ip) const;
  void learnPending(const DeviceIndex& devices, bool final);
  void detectPending(const DeviceIndex& devices, bool final, events::EventSink& out);
  void checkVolumes(bool final, events::EventSink& out);
  void pruneVolumes(bool learns, bool learns_all, int64_t learn_end);
  void checkScans(const DeviceIndex& devices, bool final, events::EventSink& out);
  void checkArpSweeps(const DeviceIndex& devices, bool final, events::EventSink& out);
  bool dnsAllowed(const std::string& name) const;
  void raise(events::AlertRecord a, Timestamp at, const events::FlowRef* flow,
             const std::string& key, events::EventSink& out);
  std::string learnedFor(const std::string& device_id) const;
  void save();

  DetectOptions options_;
  Baseline baseline_;
  bool loaded_ = false, dirty_ = false;
  std::unique_ptr<BaselineStore> store_;
  std::map<std::string, int64_t> stored_learned_ns_;  // per device, as loaded
  std::set<std::string> learned_this_run_;            // device ids
  Timestamp origin_, now_;
  bool started_ = false;
  std::map<IpAddress, Pending> pending_;
  std::map<std::string, Volume> volumes_;  // by device id
  std::map<std::string, std::string> class_of_;
  std::map<IpAddress, std::map<int64_t, ScanWindow>> scans_;
  std::vector<events::ArpSweep> sweeps_;
  AnomalyLimiter limiter_;
  uint64_t dropped_ = 0;
};

}  // namespace medtap::detect
