// The ward's ordinary computers and servers.
//   Workstation: a nurse PC that resolves names and visits the EHR, the intranet and a few
//     internet services over HTTPS, and prints ward sheets to the printers over LPD. The
//     `scan` scenario turns one into a compromised host sweeping the ward.
//   InterfaceEngine: the HL7 hub; in `phi-exfil` it also ships patient HL7 to an internet host.
//   PassiveDevice: a server or printer whose traffic other behaviours produce (DHCP renewal
//     and NTP are its own).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "simulate/device.h"
#include "simulate/hl7_link.h"
#include "simulate/monitors.h"

namespace medtap::simulate {

class PassiveDevice : public DeviceBehaviour {
 public:
  using DeviceBehaviour::DeviceBehaviour;

 protected:
  void start(World&, Timestamp) override {}
  void onTimer(World&, uint32_t) override {}
};

class Workstation : public DeviceBehaviour {
 public:
  Workstation(WardContext& ctx, Host& host, const DeviceProfile& profile, std::string id, Rng rng,
              int number);
  // scan: from `at`, ARP-sweep the LAN, then SYN-probe every live host on common ports.
  void scanFrom(World& w, Timestamp at);

 protected:
  void start(World& w, Timestamp t) override;
  void onTimer(World& w, uint32_t tag) override;

 private:
  enum Tag : uint32_t { kBrowse = kFirstOwnTag, kPrint, kScanArp, kScanSyn, kChatter };
  // Probes sent per scheduler step, so a sweep never queues thousands of frames at once.
  static constexpr size_t kProbesPerStep = 32;

  void browse(World& w);
  void print(World& w);
  void scanArpStep(World& w);
  void scanSynStep(World& w);

  int number_;
  int jobs_ = 0;
  uint32_t sweep_next_ = 0;
  uint32_t sweep_last_ = 0;
  std::vector<Host*> live_;
  size_t probe_next_ = 0;
  uint64_t probes_ = 0;
  Timestamp scan_started_;
};

class InterfaceEngine : public DeviceBehaviour, public Hl7Receiver {
 public:
  using DeviceBehaviour::DeviceBehaviour;
  // Routes every ORU it receives to the EHR's HL7 inbound over one persistent connection.
  void feedEhr(Host& ehr, std::string ehr_id, uint16_t port, std::string application,
               std::string facility);
  void onDelivered(World& w, const OruMessage& m, Timestamp at) override;
  // phi-exfil: from `at`, every few minutes, forward recent patient results to `drop`.
  void exfiltrateFrom(World& w, Host& drop, std::string drop_id, uint16_t port,
                      std::vector<BedsideMonitor*> sources, Timestamp at);

 protected:
  void start(World&, Timestamp) override {}
  void onTimer(World& w, uint32_t tag) override;

 private:
  enum Tag : uint32_t { kExfil = kFirstOwnTag };
  std::unique_ptr<Hl7Link> exfil_;
  std::unique_ptr<Hl7Link> ehr_;
  OruMessage routed_;
  uint64_t routed_control_ = 0;
  std::vector<BedsideMonitor*> sources_;
  Host* drop_ = nullptr;
  OruMessage msg_;
  uint64_t control_ = 0;
  bool first_ = true;
};

}  // namespace medtap::simulate
