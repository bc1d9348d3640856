// What every simulated device shares: its host, its profile, its own random stream, and the
// life cycle every networked device goes through (boot with DHCP or a static address, DHCP
// renewal at T1, periodic NTP). Concrete behaviours (monitors, pumps, modalities, ...) add
// their traffic through start() and their own timers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/timestamp.h"
#include "simulate/dhcp.h"
#include "simulate/profile.h"
#include "simulate/rng.h"
#include "simulate/scheduler.h"
#include "simulate/world.h"

namespace medtap::simulate {

class Hl7Receiver;  // hl7_link.h

// Which scenarios this run plays (issue #3). Bit flags in a small struct, one field each.
struct ScenarioSet {
  bool contec_backdoor = false;
  bool contec_lan_default = false;
  bool phi_exfil = false;
  bool vitals_tamper = false;
  bool scan = false;
  bool new_peer = false;
};

// Shared facts of the ward every behaviour may read. Built once by the ward builder.
struct WardContext {
  const ProfileSet* profiles = nullptr;
  ScenarioSet scenarios;
  Timestamp start;
  Duration nominal;  // the requested duration: scenarios are placed within it
  Host* router = nullptr;
  Host* infra = nullptr;             // DHCP, DNS, NTP
  Host* interface_engine = nullptr;  // HL7 (2575, 511)
  Host* pacs = nullptr;
  // The interface engine as a receiver of HL7 (links to it report every message delivered).
  Hl7Receiver* hl7_router = nullptr;
  DhcpLease lease;
  double lan_loss = 0;
  double wan_loss = 0;
  std::string unit;
  std::string domain;
  std::vector<Host*> printers;
  struct BrowseSite {
    Host* host;
    std::string name;
    double weight;
  };
  std::vector<BrowseSite> browsing;
  double browsing_weight = 0;

  double lossBetween(const Host& a, const Host& b) const {
    return a.site == Site::Remote || b.site == Site::Remote ? wan_loss : lan_loss;
  }
};

enum class BootMode : uint8_t {
  AlreadyUp,  // running before the capture started: its DHCP renewal shows up later
  Boots,      // powered on during the capture: DISCOVER/OFFER/REQUEST/ACK
};

class DeviceBehaviour : public Behaviour {
 public:
  DeviceBehaviour(WardContext& ctx, Host& host, const DeviceProfile& profile, std::string id,
                  Rng rng);

  // Schedules the device's first step. The device is running from `at`.
  void activate(World& w, Timestamp at, BootMode mode);
  void onEvent(World& w, uint32_t tag) final;

  const std::string& id() const { return id_; }
  Host& host() { return host_; }
  const DeviceProfile& profile() const { return profile_; }
  void setDhcpHostname(std::string name) { dhcp_id_.hostname = std::move(name); }

 protected:
  enum BaseTag : uint32_t { kBoot = 0, kRenew = 1, kNtp = 2, kFirstOwnTag = 16 };
  // Called once the device has its address; `t` is when it can send.
  virtual void start(World& w, Timestamp t) = 0;
  virtual void onTimer(World& w, uint32_t tag) = 0;

  Duration jitter(double mean_s, double spread);  // mean_s * (1 +- spread), at least 1 ms

  WardContext& ctx_;
  Host& host_;
  const DeviceProfile& profile_;
  std::string id_;
  Rng rng_;
  DhcpClientIdentity dhcp_id_;
  BootMode boot_mode_ = BootMode::AlreadyUp;
};

// Seconds as a Duration from a double (profile intervals).
inline Duration fromSeconds(double s) {
  return Duration{static_cast<int64_t>(s * 1e9)};
}

}  // namespace medtap::simulate
