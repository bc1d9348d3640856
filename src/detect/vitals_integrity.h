// Vital-sign integrity (issue #7, docs/DETECTIONS.md 9000601-9000607): tells the clinical team
// when the vital signs a monitor sends cannot be the patient's. Observations arrive from HL7 (OBX
// with numeric values, units and MDC or LOINC codes) and from the Contec stream; each is kept as
// a short series per device, bed, patient token and parameter (data/vitals gives the limits):
// impossible values, impossible jumps that come straight back, streams frozen bit for bit,
// replayed messages, ECG and oximeter rates that disagree, observation times that run backwards
// or ahead, and two devices sending for one bed at once. Absent or invalid values (probe off,
// OBX-11 X/N/D/W, the Contec invalid flag) are artefacts: they never alert. Memory is bounded by
// the named caps below; what is evicted is counted.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "detect/detector.h"
#include "vitals/parameters.h"
#include "vitals/trend.h"

namespace medtap::detect {

struct VitalsCaps {
  // Streams, one per (device, bed, patient token): a ward of a few hundred beds, with room for
  // monitor swaps and readmissions. The least recently seen is evicted beyond it.
  static constexpr size_t kMaxStreams = 1024;
  // Control ids remembered per stream for the replay check (about an hour of one message every
  // two seconds); older ones are forgotten first.
  static constexpr size_t kMaxControlIds = 2048;
  // Beds followed for the two-devices check, and devices remembered per bed.
  static constexpr size_t kMaxBeds = 1024;
  static constexpr size_t kMaxDevicesPerBed = 4;
  // Addresses seen receiving vital signs (central stations, gateways): relays, not bedside devices.
  static constexpr size_t kMaxReceivers = 1024;
  // Contec flows whose bed and patient are remembered.
  static constexpr size_t kMaxContecFlows = 1024;
  // Alerts waiting for the next decide(); more are counted and dropped.
  static constexpr size_t kMaxPendingAlerts = 1024;
  // Per-minute trend rows waiting to be stored (vitals_trend); more are counted and dropped.
  static constexpr size_t kMaxPendingTrend = 65536;
};

// The thresholds, each explained in docs/DETECTIONS.md ("Vital-sign integrity").
struct VitalsThresholds {
  // Alerts per bed and check: one per this interval, later ones folded into the count.
  static constexpr int64_t kAlertIntervalS = 15 * 60;
  // Impossible change: the three samples of a jump and its return lie within this time. The
  // change allowed between two samples is the parameter's per-second change times their spacing,
  // capped at its max_excursion, so that a spike stays visible at one sample a minute; samples
  // further apart than this say nothing of a jump.
  static constexpr int64_t kSpikeWindowS = 3 * 60;
  // ... and the newest sample came back to within this fraction of the jump of the first one.
  static constexpr double kSpikeReturnFraction = 0.5;
  // Frozen: at least this many continuous parameters, identical in this many messages in a row
  // spanning at least this long.
  static constexpr size_t kFrozenMinParameters = 3;
  static constexpr uint32_t kFrozenMinMessages = 30;
  static constexpr int64_t kFrozenMinS = 5 * 60;
  // Replay: a control id seen again this long after its first sighting (sooner is a sender's
  // retransmission after a lost ACK), or observations older than the newest seen by this much.
  static constexpr int64_t kRetransmitS = 120;
  static constexpr int64_t kReplayAgeS = 10 * 60;
  // Time: observation times going back by more than this (and less than kReplayAgeS), or ahead
  // of the packet time by more than this beyond the device's own clock offset.
  static constexpr int64_t kBackwardsS = 60;
  static constexpr int64_t kFutureS = 10 * 60;
  // Disagreeing sensors: ECG rate and pulse rate apart by more than max(bpm, fraction of the ECG
  // rate) in every message for this long.
  static constexpr double kDisagreeBpm = 30;
  static constexpr double kDisagreeFraction = 0.25;
  static constexpr int64_t kDisagreeS = 2 * 60;
  // Two devices for one bed: both sent within kConcurrentGapS of each other for kConcurrentS.
  static constexpr int64_t kConcurrentGapS = 60;
  static constexpr int64_t kConcurrentS = 3 * 60;
};

// What the run summary prints (docs/EVENTS.md, "The run summary").
struct VitalsStats {
  uint64_t observations = 0;     // values checked
  uint64_t messages = 0;         // HL7 messages and Contec cycles with a value checked
  uint64_t artefacts = 0;        // absent or flagged invalid: not checked
  uint64_t unknown_units = 0;    // a known parameter in a unit the table does not list
  uint64_t streams_evicted = 0;  // kMaxStreams
  uint64_t beds_evicted = 0;     // kMaxBeds
  uint64_t alerts_dropped = 0;   // kMaxPendingAlerts
  uint64_t alerts_folded = 0;    // rate-limited into an earlier alert
  uint64_t trend_dropped = 0;    // kMaxPendingTrend
  uint64_t alerts = 0;           // alerts raised (before kMaxPendingAlerts)
  // Now, not counted: streams (device, bed, patient token) and series (a stream's parameters
  // with a value) followed, beds followed for 9000607.
  uint64_t streams = 0, series = 0, beds = 0;
};

class VitalsIntegrityDetector final : public Detector {
 public:
  explicit VitalsIntegrityDetector(
      const DetectOptions& options,
      const vitals::ParameterTable& table = vitals::ParameterTable::builtin());
  void emit(const events::Event& event) override;
  void decide(const DeviceIndex& devices, bool final, events::EventSink& out) override;

  VitalsStats stats() const;
  // Trend rows of the minutes that closed (every open minute too once the run is final), and
  // the flagged windows, since the last call.
  std::vector<vitals::TrendRow> takeTrend();
  std::vector<vitals::Flag> takeFlags();

  enum Check : uint8_t {
    kImpossible,
    kJump,
    kFrozen,
    kReplay,
    kDisagree,
    kTime,
    kTwoDevices,
    kCheckCount
  };

  // One observation, whatever it arrived in.
  struct Sample {
    const vitals::Parameter* parameter = nullptr;
    double value = 0;                // canonical unit
    std::optional<int64_t> time_ns;  // observation time (OBX-14) when the message had one
  };
  // One message's worth of observations from one device for one bed and patient.
  struct Message {
    Timestamp ts;
    std::optional<events::FlowRef> flow;
    IpAddress device;
    std::string bed, patient;
    std::string control_id;
    uint64_t content_hash = 0;
    std::vector<Sample> samples;
  };
  void check(const Message& m);

 private:
  struct Point {
    double value = 0;
    int64_t t = 0;  // ns
  };
  struct Series {
    Point a, b;  // the two before the newest
    uint8_t n = 0;
    // Current minute for the trend.
    int64_t minute = -1;
    double min = 0, max = 0, sum = 0;
    uint32_t count = 0;
  };
  struct Stream {
    std::string key;
    IpAddress device;
    std::string bed, patient;
    std::vector<Series> series;  // by parameter index
    // Frozen.
    std::vector<std::pair<uint16_t, double>> frozen_values;
    uint32_t frozen_messages = 0;
    int64_t frozen_start = 0;
    // Replay and time.
    std::unordered_map<std::string, std::pair<int64_t, uint64_t>> control_ids;  // first ns, content
    std::list<std::string> control_order;
    int64_t newest_obs = 0;
    std::optional<int64_t> clock_offset;  // observation time - packet time, first message
    // Disagreement.
    int64_t disagree_start = 0;
    bool disagreeing = false;
  };
  struct Bed {
    std::map<IpAddress, int64_t> devices;  // last sent (ns)
    int64_t concurrent_start = 0;
    bool concurrent = false;
  };
  struct Pending {
    Timestamp at;
    std::optional<events::FlowRef> flow;
    IpAddress device;
    std::string bed, parameter, text;
    Check check = kImpossible;
    int64_t start = 0, end = 0;  // ns
  };

  Stream& streamFor(const Message& m);
  void touchBed(const Message& m);
  void noteReceiver(const IpAddress& ip);
  void sample(Stream& s, const Message& m, const Sample& x);
  void flagged(Check c, const Message& m, const std::string& parameter, int64_t start, int64_t end,
               std::string text);
  void closeMinute(const Stream& s, const vitals::Parameter& p, const Series& x);

  DetectOptions options_;
  const vitals::ParameterTable& table_;
  std::list<Stream> streams_;  // most recently seen first
  std::unordered_map<std::string, std::list<Stream>::iterator> by_key_;
  std::map<std::string, Bed> beds_;
  std::set<IpAddress> receivers_;
  // The last alert per (bed, check): when it was raised and the window it flagged, which grows
  // while the rate limit folds further occurrences into it.
  struct Raised {
    int64_t at_ns = 0;
    vitals::Flag flag;
    bool grown = false;  // flag.end moved since takeFlags()
  };
  std::map<std::pair<std::string, uint8_t>, Raised> raised_;
  struct ContecFlow {
    std::string bed, patient;
  };
  std::map<uint64_t, ContecFlow> contec_flows_;
  std::vector<Pending> pending_;
  std::vector<vitals::TrendRow> trend_;
  std::vector<vitals::Flag> flags_;
  VitalsStats stats_;
};

}  // namespace medtap::detect
