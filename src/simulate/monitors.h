// Patient monitors, their central stations and the infusion pumps at each bed.
//   BedsideMonitor: samples its patient's physiology and sends ORU^R01 to its vendor's central
//     station at the vendor's rate over a persistent MLLP connection (ACK per message). Can be
//     made to freeze, replay or show impossible values, to time its observations wrongly or to
//     send for another bed as well (vitals-tamper).
//   CentralStation: once a minute forwards each of its beds' latest values to the interface
//     engine over a fresh connection.
//   InfusionPump: DHCP-identified; reports its infusion rate (PCD-01) to the interface engine.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "simulate/device.h"
#include "simulate/hl7_link.h"
#include "simulate/physiology.h"

namespace medtap::simulate {

enum class Tamper : uint8_t { None, Freeze, Replay, Impossible, Spike, Disagree, Time };

// The OruMessage fields a device fills from its profile (application, EUI-64, dialect...).
OruMessage oruTemplate(const DeviceProfile& p, const Host& h, const std::string& receiving_app,
                       const std::string& receiving_facility);

class BedsideMonitor : public DeviceBehaviour {
 public:
  BedsideMonitor(WardContext& ctx, Host& host, const DeviceProfile& profile, std::string id,
                 Rng rng, int bed, Patient patient, Host& central, std::string central_id,
                 const DeviceProfile& central_profile);

  int bed() const { return bed_; }
  const Patient& patient() const { return patient_; }
  // The last values shown, for the central station; empty before the first sample.
  const std::optional<Vitals>& lastVitals() const { return last_; }
  // vitals-tamper: from `at`, this bed misbehaves in the given way.
  void tamperFrom(World& w, Tamper mode, Timestamp at);
  // vitals-tamper, Tamper::Time: observations timed kTimeBack in the past from `back_at`, then
  // kTimeAhead in the future from `ahead_at` to the end (a clock set back, then forward).
  void shiftTimesFrom(World& w, Timestamp back_at, Timestamp ahead_at);
  // vitals-tamper: in [from, until), after each of its own messages, the monitor sends one more
  // naming `other`'s bed and patient (a second device for a bed that already has one).
  void alsoSendForBed(const BedsideMonitor& other, Timestamp from, Timestamp until);
  static constexpr Duration kTimeBack = Duration::seconds(5 * 60);
  static constexpr Duration kTimeAhead = Duration::seconds(60 * 60);
  // new-peer: from `at`, the monitor also talks to an internet host (DNS + TLS).
  void talkToNewPeerFrom(World& w, Host& peer, std::string name, Timestamp at);

 protected:
  void start(World& w, Timestamp t) override;
  void onTimer(World& w, uint32_t tag) override;

 private:
  enum Tag : uint32_t { kSend = kFirstOwnTag, kTamperStart, kNewPeer };
  // Messages kept for a later replay; a replay needs a few minutes' worth.
  static constexpr size_t kReplayMessages = 64;

  void sendSample(World& w);
  void newPeerVisit(World& w);

  int bed_;
  Patient patient_;
  Physiology physiology_;
  Hl7Link link_;
  OruMessage msg_;
  uint64_t control_ = 0;
  std::optional<Vitals> last_;
  Tamper tamper_ = Tamper::None;
  Timestamp tamper_at_;
  Timestamp ahead_at_;  // Tamper::Time
  Vitals frozen_;
  std::deque<std::pair<std::string, OruMessage>> recorded_;
  size_t replay_next_ = 0;
  const BedsideMonitor* other_bed_ = nullptr;  // alsoSendForBed
  Timestamp other_from_, other_until_;
  OruMessage other_msg_;
  uint64_t other_control_ = 0;
  Host* new_peer_ = nullptr;
  std::string new_peer_name_;
};

class CentralStation : public DeviceBehaviour {
 public:
  CentralStation(WardContext& ctx, Host& host, const DeviceProfile& profile, std::string id,
                 Rng rng);
  void addMonitor(BedsideMonitor& m) { monitors_.push_back(&m); }

 protected:
  void start(World& w, Timestamp t) override;
  void onTimer(World& w, uint32_t tag) override;

 private:
  enum Tag : uint32_t { kForward = kFirstOwnTag };
  std::vector<BedsideMonitor*> monitors_;
  std::unique_ptr<Hl7Link> link_;
  OruMessage msg_;
  uint64_t control_ = 0;
};

class InfusionPump : public DeviceBehaviour {
 public:
  InfusionPump(WardContext& ctx, Host& host, const DeviceProfile& profile, std::string id, Rng rng,
               int bed);

 protected:
  void start(World& w, Timestamp t) override;
  void onTimer(World& w, uint32_t tag) override;

 private:
  enum Tag : uint32_t { kReport = kFirstOwnTag };
  int bed_;
  std::unique_ptr<Hl7Link> link_;
  OruMessage msg_;
  uint64_t control_ = 0;
  double rate_ml_h_;
};

}  // namespace medtap::simulate
