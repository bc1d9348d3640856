// The Contec CMS8000 detections (ICSMA-25-030-01; DOMAIN.md; docs/DETECTIONS.md): the hidden NFS
// update from 202.114.4.119:/pm (CVE-2025-0626, CVE-2025-1204), patient data to the hard-coded
// addresses (CVE-2025-0683), and the built-in intel for 202.114.4.0/24. Each is severity 1 when
// the destination is reached through the router (leaving the site) and 2 when it is on the ward
// LAN (a central-station PC set to the manuals' default address).
#pragma once

#include "detect/detector.h"

namespace medtap::detect {

// The Contec pack (intel::contecPack(), data/intel): the hard-coded network and its two named
// hosts.
const IpNetwork& contecNetwork();                      // 202.114.4.0/24
std::string_view contecHostName(const IpAddress& ip);  // ".119 CMS server", ".120 HL7 server", ""

class ContecDetector final : public Detector {
 public:
  explicit ContecDetector(const DetectOptions& options) : options_(options) {}
  void emit(const events::Event& event) override;
  void decide(const DeviceIndex& devices, bool final, events::EventSink& out) override;

 private:
  DetectOptions options_;
  Candidates candidates_;
};

}  // namespace medtap::detect
