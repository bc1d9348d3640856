// Device profiles and the ward plan, loaded from YAML (data/simulate/devices/*.yaml and
// data/simulate/ward.yaml). The files are compiled into the binary so `medtap simulate` works
// with nothing installed; --profiles DIR reads a directory of the same layout instead.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/timestamp.h"
#include "simulate/hl7_message.h"
#include "simulate/network.h"

namespace medtap::simulate {

enum class Addressing : uint8_t { Dhcp, Static };

struct DhcpProfile {
  std::string hostname;  // pattern: {serial} {mac6} {n:02} {bed:02}
  std::string vendor_class;
  std::vector<uint8_t> params;
};

struct Hl7Profile {
  Hl7Dialect dialect = Hl7Dialect::Mdc;
  std::string version = "2.6";
  std::string application;
  std::string facility;
  uint16_t port = 2575;
  double interval_s = 10;
  std::string device_code;
  std::string note;
};

struct DicomProfile {
  std::string ae_title;
  std::string implementation_class_uid;
  std::string implementation_version_name;
  std::string modality;
  std::string sop_class_uid;
  uint16_t rows = 512;
  uint16_t columns = 512;
  int images_min = 100;
  int images_max = 200;
  double study_interval_s = 600;
  uint32_t max_pdu = 16384;
  uint16_t port = 104;
};

struct ContecProfile {
  uint16_t stream_port = 515;
  int cycle_ms = 1000;
};

struct DeviceProfile {
  std::string id;
  std::string vendor;
  std::string model;
  std::string device_class;
  std::string role;
  std::string firmware;
  double weight = 1;
  std::array<uint8_t, 3> oui{};
  StackKind stack = StackKind::Linux;
  uint64_t link_bps = 100'000'000;
  Addressing addressing = Addressing::Static;
  DhcpProfile dhcp;
  bool has_hl7 = false;
  Hl7Profile hl7;
  bool has_dicom = false;
  DicomProfile dicom;
  ContecProfile contec;
  std::string central_station;  // profile id
  std::string lpd_queue = "raw";
  double ntp_interval_s = 0;  // 0: the device does not use NTP
  std::vector<std::string> tags;
};

struct RemoteHostPlan {
  std::string id;
  std::string name;
  uint32_t ip = 0;
  double latency_ms = 1;
  int hops = 1;
  StackKind stack = StackKind::Linux;
  std::string vendor;
  std::string model;
  std::string device_class;
};

struct WardPlan {
  Timestamp start;
  uint32_t lan_network = 0;
  int lan_prefix = 22;
  uint32_t router_ip = 0;
  uint32_t infra_ip = 0;
  uint32_t static_base = 0;
  uint32_t dhcp_base = 0;
  std::string domain;
  std::string unit;
  uint32_t lease_s = 3600;
  double loss_rate = 0;
  double wan_loss_rate = 0;

  double pumps_per_bed = 1;
  int beds_per_workstation = 6;
  int min_workstations = 2;
  int beds_per_printer = 12;
  int min_printers = 1;
  std::string router, infra_server, interface_engine, pacs, workstation, printer;
  std::vector<std::string> modalities;

  std::vector<RemoteHostPlan> remote_hosts;
  std::vector<std::pair<std::string, double>> browsing;  // remote host id, weight
  std::string ehr_feed_host;  // remote host id; empty: the engine routes nothing
  uint16_t ehr_feed_port = 6661;
  std::string ehr_feed_application;
  std::string ehr_feed_facility;

  uint32_t contec_cms_ip = 0;
  uint32_t contec_hl7_ip = 0;
  uint32_t contec_lan_monitor_base = 0;
  double contec_latency_ms = 100;
  int contec_hops = 18;
  std::string nfs_export = "/pm";
  std::vector<std::string> nfs_files;

  uint32_t exfil_ip = 0;
  uint16_t exfil_port = 2575;
  double exfil_latency_ms = 50;
  int exfil_hops = 15;
  uint32_t new_peer_ip = 0;
  std::string new_peer_name;
  uint16_t new_peer_port = 443;
  double new_peer_latency_ms = 40;
  int new_peer_hops = 14;
};

struct ProfileSet {
  WardPlan ward;
  std::map<std::string, DeviceProfile> devices;  // by id; std::map keeps a stable order

  const DeviceProfile* find(const std::string& id) const {
    auto it = devices.find(id);
    return it == devices.end() ? nullptr : &it->second;
  }
  // Profiles with a role, in id order.
  std::vector<const DeviceProfile*> withRole(const std::string& role) const;
};

// One YAML file: its path relative to the data root ("ward.yaml", "devices/x.yaml") and text.
using ProfileFile = std::pair<std::string, std::string>;

// Parses the ward plan and every device profile. Errors name the file and the field.
Result<ProfileSet> loadProfiles(const std::vector<ProfileFile>& files);
// The files compiled into the binary from data/simulate.
const std::vector<ProfileFile>& embeddedProfileFiles();
// Reads ward.yaml and devices/*.yaml from a directory, sorted by name.
Result<std::vector<ProfileFile>> readProfileDirectory(const std::string& dir);

}  // namespace medtap::simulate
