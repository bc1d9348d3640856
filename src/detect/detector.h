// A detector watches events as they pass and decides at each inventory update, when every
// address's locality is known: the same traffic to 202.114.4.119 is patient data leaving the site
// when it goes through the router and a risky default configuration when the central station
// really is on the ward LAN (DOMAIN.md). Detections: docs/DETECTIONS.md.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/address.h"
#include "detect/device_index.h"
#include "events/event.h"
#include "intel/indicator.h"

namespace medtap::advisories {
class Matcher;  // advisories/matcher.h
}  // namespace medtap::advisories

namespace medtap::detect {

// Whether the site's segmentation policy (detect.policy) allows a flow. policy/ implements it
// (policy::PolicyJudge) and detect/ does not depend on policy/: one judge serves the
// policy-violation detector and the PHI exposure detector, so both agree on what is allowed.
class FlowPolicy {
 public:
  struct Judgement {
    bool allowed = true;
    std::string from_zone, to_zone;
    std::string service;   // "tcp/2575 hl7"
    std::string rule;      // the rule that decided, "allow[2] (policy.yaml:14)", or "default: deny"
    uint8_t severity = 2;  // of a violation, as the rule or the default says
  };
  virtual ~FlowPolicy() = default;
  // The flow from `src` (the client) to `dst`'s `port`. nullopt: an end's device is not yet
  // identified and its zone may still change; `final` (the run is ending) always judges.
  virtual std::optional<Judgement> judge(const DeviceIndex& devices, const IpAddress& src,
                                         const IpAddress& dst, uint8_t ip_proto, uint16_t port,
                                         std::string_view app, bool final) const = 0;
  // The policy's file name, for evidence.
  virtual const std::string& source() const = 0;
};

// detect.learn / --learn: which packet time builds the baseline (detect/baseline_detector.h).
struct LearnWindow {
  enum class Mode : uint8_t { Off, For, All };
  Mode mode = Mode::Off;  // Off: detect against the stored baseline only
  Duration length;        // For: the run's first `length` of packet time learns
};

struct DetectOptions {
  std::vector<IpNetwork> site_networks;  // site.home_networks
  // The site's threat-intelligence packs (detect.intel_files), loaded; null or empty: none.
  std::shared_ptr<const intel::IndicatorSet> intel;
  LearnWindow learn;
  std::string baseline_database;  // the store the baseline is kept in; "" keeps it in memory
  // The advisories devices are matched against (vulnerable_device.h); null: the built-in ones.
  std::shared_ptr<const advisories::Matcher> advisories = nullptr;
  // The segmentation policy when one is loaded: cleartext PHI on a flow it does not allow is
  // exposure too (phi_exposure.h). null: only off-site destinations count.
  std::shared_ptr<const FlowPolicy> policy = nullptr;
  // ARP sweeps (9000411): a window of one host's ARP requests asking for at least this many
  // addresses, this many of them unanswered (detect.arp_sweep_min_targets, _min_unanswered).
  size_t arp_sweep_min_targets = 64;
  size_t arp_sweep_min_unanswered = 16;
  // New DNS names (9000412) under these suffixes raise nothing (detect.dns_allowlist).
  std::vector<std::string> dns_allowlist = {"in-addr.arpa", "ip6.arpa", "local"};
};

class Detector : public events::EventSink {
 public:
  // Emits the alerts that can be decided now into `out`. `final`: the run is ending, so nothing
  // waits any longer for its locality to be known.
  virtual void decide(const DeviceIndex& devices, bool final, events::EventSink& out) = 0;
};

// Occurrences of one thing worth an alert (the same kind, source, destination and port), folded
// together until decided; once alerted, later occurrences are only counted, so that a device
// streaming every second raises one alert, not thousands.
struct Candidate {
  int kind = 0;
  events::FlowRef flow;  // the first flow it was seen in
  IpAddress src, dst;    // sender, receiver
  uint16_t dst_port = 0;
  Timestamp first, last;
  uint64_t count = 0;
  std::set<std::string> fields;    // PHI field names present ("PID-5", ...)
  std::set<std::string> patients;  // patient tokens, a few
  std::string detail;              // e.g. the export path

  // Notes the patient fields an HL7 message carried, and a few of its patients' tokens.
  void notePatient(const events::Hl7Patient& patient);
  void noteToken(const std::string& token);
};

class Candidates {
 public:
  // At most `max` candidates held, pending and decided together (0: no bound). When the decided
  // ones fill half of it they are forgotten, so a live sensor keeps judging new flows (a
  // forgotten one seen again is decided again, and may alert once more); otherwise a new one
  // beyond the bound is refused and counted (refused()). Bounds a detector that sees every flow,
  // as the policy detector does.
  void setMax(size_t max) { max_ = max; }
  uint64_t refused() const { return refused_; }
  size_t held() const { return pending_.size() + done_.size(); }

  // `at`: when it happened, if not the event's time (a flow event is written at its end).
  void add(int kind, const events::Event& e, const IpAddress& src, const IpAddress& dst,
           uint16_t dst_port, std::string detail = {}, std::optional<Timestamp> at = {});
  Candidate* last() { return last_; }

  // Calls `decide` for each pending candidate; those it accepts (returns true) are done.
  template <typename F>
  void decideEach(F&& decide) {
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (decide(it->second)) {
        done_.insert(it->first);
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
  }

 private:
  using Key = std::tuple<int, IpAddress, IpAddress, uint16_t, std::string>;
  std::map<Key, Candidate> pending_;
  std::set<Key> done_;
  size_t max_ = 0;
  uint64_t refused_ = 0;
  Candidate* last_ = nullptr;
  Candidate ignored_;
};

bool inAny(const std::vector<IpNetwork>& nets, const IpAddress& ip);

}  // namespace medtap::detect
