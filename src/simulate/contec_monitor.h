// The Contec CMS8000 (and its relabels) as ICSMA-25-030-01 and DOMAIN.md describe it: a
// static address, the binary central-station stream on TCP 515 and HL7 on TCP 511. With the
// contec-backdoor scenario it boots, brings its interface up, mounts 202.114.4.119:/pm over
// portmapper, MOUNT and NFS (`mount -o nolock`: no lock manager), copies the files, and then
// streams patient data and HL7 to the hard-coded addresses through the router.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "simulate/contec_cms.h"
#include "simulate/device.h"
#include "simulate/hl7_link.h"
#include "simulate/physiology.h"
#include "simulate/tcp_session.h"

namespace medtap::simulate {

struct ContecTargets {
  Host* cms = nullptr;  // where the 515 stream goes
  Host* hl7 = nullptr;  // where the 511 HL7 goes
  std::string cms_id;   // truth ids
  std::string hl7_id;
  Host* backdoor = nullptr;  // 202.114.4.119 as the firmware mounts it (null: no backdoor)
  std::string backdoor_id;
  Host* leak_cms = nullptr;  // hard-coded stream destination of the backdoor (may be null)
  Host* leak_hl7 = nullptr;
  // True when the backdoor's address is a host on this LAN (contec-lan-default together with
  // contec-backdoor): it has no portmapper, so the mount fails with ICMP port unreachable.
  bool backdoor_on_lan = false;
};

class ContecMonitor : public DeviceBehaviour {
 public:
  ContecMonitor(WardContext& ctx, Host& host, const DeviceProfile& profile, std::string id, Rng rng,
                int bed, Patient patient, ContecTargets targets);

  int bed() const { return bed_; }
  // vitals-tamper: from `at`, the stream's cycles show SpO2 above 100 % (the HL7 it also sends
  // stays the patient's: the stream is altered on its way).
  void impossibleValuesFrom(Timestamp at) { impossible_at_ = at; }

 protected:
  void start(World& w, Timestamp t) override;
  void onTimer(World& w, uint32_t tag) override;

 private:
  enum Tag : uint32_t { kCycle = kFirstOwnTag, kHl7 };

  struct Stream {
    Host* peer = nullptr;
    std::string peer_id;
    std::unique_ptr<TcpSession> session;
    std::unique_ptr<Hl7Link> hl7;
    uint32_t phase = 0;
  };

  Timestamp mountBackdoor(World& w, Timestamp t);
  Timestamp openStream(World& w, Stream& s, Timestamp t);
  void event(World& w, Timestamp at, const char* scenario, const char* action, const Host& peer,
             int port, const char* protocol, nlohmann::ordered_json detail = {});

  int bed_;
  Patient patient_;
  Physiology physiology_;
  ContecTargets targets_;
  Stream local_;
  Stream leak_;
  OruMessage msg_;
  uint64_t control_ = 0;
  std::string buf_;
  std::optional<Timestamp> impossible_at_;
};

}  // namespace medtap::simulate
