#include "simulate/profile.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "simulate/sim_time.h"

namespace medtap::simulate {

namespace {

// Configuration errors travel as exceptions inside this file only (yaml-cpp throws anyway) and
// leave it as a Result.
struct ProfileError {
  std::string message;
};

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw ProfileError{file + ": " + what};
}

template <typename T>
T get(const YAML::Node& n, const char* key, const std::string& file, T fallback) {
  const YAML::Node v = n[key];
  if (!v) return fallback;
  try {
    return v.as<T>();
  } catch (const YAML::Exception&) {
    fail(file, std::string("bad value for '") + key + "'");
  }
}

template <typename T>
T need(const YAML::Node& n, const char* key, const std::string& file) {
  if (!n[key]) fail(file, std::string("missing '") + key + "'");
  return get<T>(n, key, file, T{});
}

uint32_t parseIp(const std::string& text, const std::string& file, const char* key) {
  unsigned a, b, c, d;
  char extra;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4 || a > 255 ||
      b > 255 || c > 255 || d > 255) {
    fail(file, std::string("'") + key + "' is not an IPv4 address: " + text);
  }
  return ipFromOctets(static_cast<uint8_t>(a), static_cast<uint8_t>(b), static_cast<uint8_t>(c),
                      static_cast<uint8_t>(d));
}

uint32_t ipField(const YAML::Node& n, const char* key, const std::string& file) {
  return parseIp(need<std::string>(n, key, file), file, key);
}

StackKind parseStack(const std::string& s, const std::string& file) {
  if (s == "linux") return StackKind::Linux;
  if (s == "windows") return StackKind::Windows;
  if (s == "embedded") return StackKind::Embedded;
  fail(file, "stack must be linux, windows or embedded, not " + s);
}

std::array<uint8_t, 3> parseOui(const std::string& s, const std::string& file) {
  unsigned a, b, c;
  char extra;
  if (std::sscanf(s.c_str(), "%2x:%2x:%2x%c", &a, &b, &c, &extra) != 3) {
    fail(file, "mac_oui must look like 00:09:FB, not " + s);
  }
  if ((a & 0x01) != 0) fail(file, "mac_oui is a multicast prefix: " + s);
  return {static_cast<uint8_t>(a), static_cast<uint8_t>(b), static_cast<uint8_t>(c)};
}

DeviceProfile parseDevice(const YAML::Node& n, const std::string& file) {
  DeviceProfile p;
  p.id = need<std::string>(n, "id", file);
  p.vendor = need<std::string>(n, "vendor", file);
  p.model = need<std::string>(n, "model", file);
  p.device_class = need<std::string>(n, "device_class", file);
  p.role = need<std::string>(n, "role", file);
  p.firmware = get<std::string>(n, "firmware", file, "");
  p.weight = get<double>(n, "weight", file, 1.0);
  p.oui = parseOui(need<std::string>(n, "mac_oui", file), file);
  p.stack = parseStack(get<std::string>(n, "stack", file, "linux"), file);
  p.link_bps = static_cast<uint64_t>(get<double>(n, "link_mbps", file, 100) * 1e6);
  const std::string addressing = get<std::string>(n, "addressing", file, "static");
  if (addressing != "dhcp" && addressing != "static")
    fail(file, "addressing must be dhcp or static");
  p.addressing = addressing == "dhcp" ? Addressing::Dhcp : Addressing::Static;
  if (const YAML::Node d = n["dhcp"]) {
    p.dhcp.hostname = get<std::string>(d, "hostname", file, "");
    p.dhcp.vendor_class = get<std::string>(d, "vendor_class", file, "");
    for (int v : get<std::vector<int>>(d, "params", file, {})) {
      if (v < 1 || v > 254) fail(file, "dhcp params must be option codes 1-254");
      p.dhcp.params.push_back(static_cast<uint8_t>(v));
    }
  }
  if (p.addressing == Addressing::Dhcp && p.dhcp.hostname.empty()) {
    fail(file, "a DHCP device needs dhcp.hostname");
  }
  if (const YAML::Node h = n["hl7"]) {
    p.has_hl7 = true;
    const std::string dialect = get<std::string>(h, "dialect", file, "mdc");
    if (dialect != "mdc" && dialect != "loinc") fail(file, "hl7.dialect must be mdc or loinc");
    p.hl7.dialect = dialect == "mdc" ? Hl7Dialect::Mdc : Hl7Dialect::Loinc;
    p.hl7.version = get<std::string>(h, "version", file, "2.6");
    p.hl7.application = need<std::string>(h, "application", file);
    p.hl7.facility = get<std::string>(h, "facility", file, "");
    p.hl7.port = get<uint16_t>(h, "port", file, 2575);
    p.hl7.interval_s = get<double>(h, "interval_s", file, 10);
    if (p.hl7.interval_s < 0.1) fail(file, "hl7.interval_s must be at least 0.1");
    p.hl7.device_code = get<std::string>(h, "device_code", file, "");
    p.hl7.note = get<std::string>(h, "note", file, "");
  }
  if (const YAML::Node d = n["dicom"]) {
    p.has_dicom = true;
    p.dicom.ae_title = need<std::string>(d, "ae_title", file);
    if (p.dicom.ae_title.empty() || p.dicom.ae_title.size() > 16) {
      fail(file, "dicom.ae_title must be 1-16 characters (PS3.5 AE)");
    }
    p.dicom.implementation_class_uid = need<std::string>(d, "implementation_class_uid", file);
    p.dicom.implementation_version_name =
        get<std::string>(d, "implementation_version_name", file, "");
    if (p.dicom.implementation_version_name.size() > 16) {
      fail(file, "dicom.implementation_version_name is at most 16 characters (PS3.7 D.3.3.2)");
    }
    p.dicom.modality = get<std::string>(d, "modality", file, "");
    p.dicom.sop_class_uid = get<std::string>(d, "sop_class_uid", file, "");
    p.dicom.rows = get<uint16_t>(d, "rows", file, 512);
    p.dicom.columns = get<uint16_t>(d, "columns", file, 512);
    p.dicom.images_min = get<int>(d, "images_min", file, 100);
    p.dicom.images_max = get<int>(d, "images_max", file, 200);
    if (p.dicom.images_min < 1 || p.dicom.images_max < p.dicom.images_min) {
      fail(file, "dicom.images_min/max must satisfy 1 <= min <= max");
    }
    p.dicom.study_interval_s = get<double>(d, "study_interval_s", file, 600);
    p.dicom.max_pdu = get<uint32_t>(d, "max_pdu", file, 16384);
    if (p.dicom.max_pdu < 4096 || p.dicom.max_pdu > 1 << 20) {
      fail(file, "dicom.max_pdu must be between 4096 and 1048576");
    }
    p.dicom.port = get<uint16_t>(d, "port", file, 104);
  }
  if (const YAML::Node c = n["contec"]) {
    p.contec.stream_port = get<uint16_t>(c, "stream_port", file, 515);
    p.contec.cycle_ms = get<int>(c, "cycle_ms", file, 1000);
    if (p.contec.cycle_ms < 100) fail(file, "contec.cycle_ms must be at least 100");
  }
  p.central_station = get<std::string>(n, "central_station", file, "");
  if (const YAML::Node l = n["lpd"]) p.lpd_queue = get<std::string>(l, "queue", file, "raw");
  p.ntp_interval_s = get<double>(n, "ntp_interval_s", file, 0);
  p.tags = get<std::vector<std::string>>(n, "tags", file, {});
  return p;
}

void parseWard(const YAML::Node& n, const std::string& file, WardPlan& w) {
  if (!parseUtcTime(need<std::string>(n, "start", file), w.start)) {
    fail(file, "start must be like 2025-11-25T08:00:00Z");
  }
  const YAML::Node lan = n["lan"];
  if (!lan) fail(file, "missing 'lan'");
  const std::string net = need<std::string>(lan, "network", file);
  const auto slash = net.find('/');
  if (slash == std::string::npos) fail(file, "lan.network must be a CIDR block");
  w.lan_network = parseIp(net.substr(0, slash), file, "lan.network");
  w.lan_prefix = std::atoi(net.c_str() + slash + 1);
  if (w.lan_prefix < 8 || w.lan_prefix > 28) fail(file, "lan.network prefix must be /8 to /28");
  w.router_ip = ipField(lan, "router", file);
  w.infra_ip = ipField(lan, "infra_server", file);
  w.static_base = ipField(lan, "static_base", file);
  w.dhcp_base = ipField(lan, "dhcp_base", file);
  w.domain = need<std::string>(lan, "domain", file);
  w.unit = get<std::string>(lan, "unit", file, "ICU");
  w.lease_s = get<uint32_t>(lan, "lease_s", file, 3600);
  if (w.lease_s < 60) fail(file, "lan.lease_s must be at least 60");
  w.loss_rate = get<double>(lan, "loss_rate", file, 0);
  w.wan_loss_rate = get<double>(lan, "wan_loss_rate", file, 0);
  if (w.loss_rate < 0 || w.loss_rate > 0.2 || w.wan_loss_rate < 0 || w.wan_loss_rate > 0.2) {
    fail(file, "loss rates must be between 0 and 0.2");
  }

  const YAML::Node c = n["composition"];
  if (!c) fail(file, "missing 'composition'");
  w.pumps_per_bed = get<double>(c, "pumps_per_bed", file, 1.0);
  w.beds_per_workstation = std::max(1, get<int>(c, "beds_per_workstation", file, 6));
  w.min_workstations = get<int>(c, "min_workstations", file, 2);
  w.beds_per_printer = std::max(1, get<int>(c, "beds_per_printer", file, 12));
  w.min_printers = get<int>(c, "min_printers", file, 1);
  w.router = need<std::string>(c, "router", file);
  w.infra_server = need<std::string>(c, "infra_server", file);
  w.interface_engine = need<std::string>(c, "interface_engine", file);
  w.pacs = need<std::string>(c, "pacs", file);
  w.workstation = need<std::string>(c, "workstation", file);
  w.printer = need<std::string>(c, "printer", file);
  w.modalities = get<std::vector<std::string>>(c, "modalities", file, {});

  for (const YAML::Node& r : n["remote_hosts"]) {
    RemoteHostPlan h;
    h.id = need<std::string>(r, "id", file);
    h.name = get<std::string>(r, "name", file, "");
    h.ip = ipField(r, "ip", file);
    h.latency_ms = get<double>(r, "latency_ms", file, 1);
    h.hops = get<int>(r, "hops", file, 1);
    h.stack = parseStack(get<std::string>(r, "stack", file, "linux"), file);
    h.vendor = get<std::string>(r, "vendor", file, "");
    h.model = get<std::string>(r, "model", file, "");
    h.device_class = get<std::string>(r, "device_class", file, "server");
    w.remote_hosts.push_back(std::move(h));
  }
  for (const YAML::Node& b : n["browsing"]) {
    w.browsing.emplace_back(need<std::string>(b, "host", file), get<double>(b, "weight", file, 1));
  }

  if (const YAML::Node f = n["ehr_feed"]) {
    w.ehr_feed_host = need<std::string>(f, "host", file);
    w.ehr_feed_port = get<uint16_t>(f, "port", file, 6661);
    w.ehr_feed_application = get<std::string>(f, "application", file, "EHR");
    w.ehr_feed_facility = get<std::string>(f, "facility", file, "");
  }

  const YAML::Node ct = n["contec"];
  if (!ct) fail(file, "missing 'contec'");
  w.contec_cms_ip = ipField(ct, "cms_server", file);
  w.contec_hl7_ip = ipField(ct, "hl7_server", file);
  w.contec_lan_monitor_base = ipField(ct, "lan_monitor_base", file);
  w.contec_latency_ms = get<double>(ct, "latency_ms", file, 100);
  w.contec_hops = get<int>(ct, "hops", file, 18);
  w.nfs_export = get<std::string>(ct, "nfs_export", file, "/pm");
  w.nfs_files = get<std::vector<std::string>>(ct, "nfs_files", file, {"monitor"});

  const YAML::Node sc = n["scenarios"];
  if (!sc || !sc["phi_exfil"] || !sc["new_peer"])
    fail(file, "missing scenarios.phi_exfil/new_peer");
  w.exfil_ip = ipField(sc["phi_exfil"], "ip", file);
  w.exfil_port = get<uint16_t>(sc["phi_exfil"], "port", file, 2575);
  w.exfil_latency_ms = get<double>(sc["phi_exfil"], "latency_ms", file, 50);
  w.exfil_hops = get<int>(sc["phi_exfil"], "hops", file, 15);
  w.new_peer_ip = ipField(sc["new_peer"], "ip", file);
  w.new_peer_name = need<std::string>(sc["new_peer"], "name", file);
  w.new_peer_port = get<uint16_t>(sc["new_peer"], "port", file, 443);
  w.new_peer_latency_ms = get<double>(sc["new_peer"], "latency_ms", file, 40);
  w.new_peer_hops = get<int>(sc["new_peer"], "hops", file, 14);
}

}  // namespace

std::vector<const DeviceProfile*> ProfileSet::withRole(const std::string& role) const {
  std::vector<const DeviceProfile*> out;
  for (const auto& [id, p] : devices) {
    if (p.role == role) out.push_back(&p);
  }
  return out;
}

Result<ProfileSet> loadProfiles(const std::vector<ProfileFile>& files) {
  ProfileSet set;
  bool have_ward = false;
  std::string current;  // the file being read, for a YAML error thrown deep in a parse
  try {
    for (const auto& [name, text] : files) {
      current = name;
      YAML::Node root;
      try {
        root = YAML::Load(text);
      } catch (const YAML::Exception& e) {
        fail(name, std::string("YAML error: ") + e.what());
      }
      if (!root.IsMap()) fail(name, "not a YAML mapping of profile fields");
      if (name == "ward.yaml") {
        parseWard(root, name, set.ward);
        have_ward = true;
      } else {
        DeviceProfile p = parseDevice(root, name);
        const std::string id = p.id;
        if (!set.devices.emplace(id, std::move(p)).second) fail(name, "duplicate profile id " + id);
      }
    }
    if (!have_ward) return Error{"profiles: no ward.yaml"};
    // Cross-references must resolve.
    const WardPlan& w = set.ward;
    for (const std::string* ref :
         {&w.router, &w.infra_server, &w.interface_engine, &w.pacs, &w.workstation, &w.printer}) {
      if (set.find(*ref) == nullptr) return Error{"ward.yaml: no device profile " + *ref};
    }
    for (const std::string& m : w.modalities) {
      const DeviceProfile* p = set.find(m);
      if (p == nullptr || !p->has_dicom) return Error{"ward.yaml: no DICOM modality profile " + m};
    }
    if (!set.find(w.pacs)->has_dicom)
      return Error{"ward.yaml: the PACS profile has no dicom section"};
    if (!w.ehr_feed_host.empty() &&
        std::none_of(w.remote_hosts.begin(), w.remote_hosts.end(),
                     [&](const RemoteHostPlan& r) { return r.id == w.ehr_feed_host; })) {
      return Error{"ward.yaml: ehr_feed names unknown remote host " + w.ehr_feed_host};
    }
    for (const auto& entry : w.browsing) {
      // Not a structured binding: clang 14 cannot capture one in a lambda.
      const auto& host = entry.first;
      if (std::none_of(w.remote_hosts.begin(), w.remote_hosts.end(),
                       [&](const RemoteHostPlan& r) { return r.id == host; })) {
        return Error{"ward.yaml: browsing names unknown remote host " + host};
      }
    }
    for (const auto& [id, p] : set.devices) {
      if (!p.central_station.empty() && set.find(p.central_station) == nullptr) {
        return Error{"devices/" + id + ".yaml: unknown central_station " + p.central_station};
      }
      if ((p.role == "bedside-monitor" || p.role == "contec-monitor" ||
           p.role == "infusion-pump") &&
          !p.has_hl7) {
        return Error{"devices/" + id + ".yaml: a " + p.role + " needs an hl7 section"};
      }
    }
    if (set.withRole("bedside-monitor").empty() && set.withRole("contec-monitor").empty()) {
      return Error{"profiles: no patient monitor profile"};
    }
  } catch (const ProfileError& e) {
    return Error{e.message};
  } catch (const YAML::Exception& e) {
    // A node of the wrong kind (a list where a mapping belongs) throws from deep in a parse.
    return Error{current + ": " + e.what()};
  }
  return set;
}

Result<std::vector<ProfileFile>> readProfileDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<ProfileFile> files;
  auto readOne = [&](const fs::path& path, const std::string& name) -> bool {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    files.emplace_back(name, ss.str());
    return true;
  };
  if (!readOne(fs::path(dir) / "ward.yaml", "ward.yaml")) {
    return Error{"cannot read " + (fs::path(dir) / "ward.yaml").string()};
  }
  std::error_code ec;
  std::vector<fs::path> devices;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "devices", ec)) {
    if (e.path().extension() == ".yaml") devices.push_back(e.path());
  }
  if (ec) return Error{"cannot list " + (fs::path(dir) / "devices").string() + ": " + ec.message()};
  std::sort(devices.begin(), devices.end());
  for (const fs::path& p : devices) {
    if (!readOne(p, "devices/" + p.filename().string())) return Error{"cannot read " + p.string()};
  }
  return files;
}

}  // namespace medtap::simulate
