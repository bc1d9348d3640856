// Threat intelligence (docs/DETECTIONS.md "Threat intelligence", signature 9000301): the site's
// packs (detect.intel_files, --intel) matched on flow addresses (either end), DNS query names and
// answers, TLS SNI, HTTP Host and URL. One alert per local device and indicator, folded with a
// count and every place the indicator was seen. The built-in Contec pack has its own, more
// specific alerts (detect/contec.h) and is not matched here.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <utility>

#include "detect/detector.h"
#include "intel/indicator.h"

namespace medtap::detect {

class IntelDetector final : public Detector {
 public:
  explicit IntelDetector(std::shared_ptr<const intel::IndicatorSet> indicators)
      : indicators_(std::move(indicators)) {}
  void emit(const events::Event& event) override;
  void decide(const DeviceIndex& devices, bool final, events::EventSink& out) override;

  // (device, indicator) pairs held, pending and decided. Beyond it new pairs are dropped and
  // counted: a host resolving thousands of listed names in a run is one incident, not thousands.
  static constexpr size_t kMaxMatches = 65536;
  uint64_t dropped() const { return dropped_; }

 private:
  struct Match {
    const intel::Indicator* indicator = nullptr;
    events::FlowRef flow;  // the first flow it was seen in
    IpAddress local, peer;
    Timestamp first, last;
    uint64_t count = 0;
    std::set<std::string_view> seen_in;  // static strings: "flow", "dns.query", ...
  };
  using Key = std::pair<IpAddress, const intel::Indicator*>;

  void note(const events::Event& e, const IpAddress& local, const IpAddress& peer,
            const intel::Indicator* indicator, std::string_view seen_in, Timestamp at);
  void matchHttp(const events::Event& e, const events::HttpTransaction& http);

  std::shared_ptr<const intel::IndicatorSet> indicators_;
  std::map<Key, Match> pending_;
  std::set<Key> done_;
  uint64_t dropped_ = 0;
};

}  // namespace medtap::detect
