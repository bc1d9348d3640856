#include "detect/contec.h"

#include <variant>

#include "detect/alert_builder.h"
#include "events/ends.h"
#include "intel/builtin.h"

namespace medtap::detect {

namespace {

enum Kind { kMountPm, kMountOther, kStream, kHl7, kIntel };

constexpr std::string_view kCveBackdoor[] = {"CVE-2025-0626", "CVE-2025-1204"};
constexpr std::string_view kCveLeak[] = {"CVE-2025-0683"};
constexpr std::string_view kAdvisory =
    "https://www.cisa.gov/news-events/ics-medical-advisories/icsma-25-030-01";

struct Signature {
  uint32_t id;
  std::string_view name;
  std::string_view category;
  uint8_t severity;
};

// By kind and by whether the destination is reached through the router (index 0) or on this LAN
// (index 1). docs/DETECTIONS.md lists them.
constexpr Signature kSignatures[][2] = {
    {{9000101, "MEDTAP CMS8000 backdoor: NFS mount of /pm from a server reached through the router",
      "backdoor-behavior", 1},
     {9000102, "MEDTAP CMS8000 backdoor path: NFS mount of /pm from a server on the ward LAN",
      "backdoor-behavior", 2}},
    {{9000103, "MEDTAP Medical device mounts an NFS export from a server outside its segment",
      "backdoor-behavior", 2},
     {0, "", "", 0}},
    {{9000111,
      "MEDTAP CMS8000 patient data leaving the site: Contec stream to 202.114.4.0/24 through the "
      "router",
      "phi-exposure", 1},
     {9000112,
      "MEDTAP CMS8000 default configuration: Contec stream to 202.114.4.0/24 on the ward LAN",
      "phi-exposure", 2}},
    {{9000113,
      "MEDTAP CMS8000 patient data leaving the site: HL7 to 202.114.4.0/24 through the router",
      "phi-exposure", 1},
     {9000114, "MEDTAP CMS8000 default configuration: HL7 to 202.114.4.0/24 on the ward LAN",
      "phi-exposure", 2}},
    {{9000121, "MEDTAP Contec hard-coded network 202.114.4.0/24 reached through the router",
      "threat-intel", 2},
     {9000122, "MEDTAP Contec default address 202.114.4.0/24 in use on the ward LAN",
      "threat-intel", 3}},
};

bool isMedical(const std::string& device_class) {
  return device_class == "patient-monitor" || device_class == "central-station" ||
         device_class == "infusion-pump" || device_class == "imaging-modality" ||
         device_class == "ventilator" || device_class == "lab-analyzer";
}

}  // namespace

// Both from the built-in pack (data/intel/contec-icsma-25-030-01.intel): its one network, and the
// name of the most specific indicator holding an address.
const IpNetwork& contecNetwork() {
  static const IpNetwork net = [] {
    for (const intel::Indicator& i : intel::contecPack().indicators()) {
      if (i.type == intel::IndicatorType::Subnet) return *IpNetwork::parse(i.value);
    }
    return IpNetwork{};
  }();
  return net;
}

std::string_view contecHostName(const IpAddress& ip) {
  if (!contecNetwork().contains(ip)) return "";
  const intel::Indicator* i = intel::contecPack().matchAddress(ip);
  return i == nullptr ? std::string_view{} : std::string_view(i->name);
}

void ContecDetector::emit(const events::Event& e) {
  if (!e.flow) return;
  const auto& f = *e.flow;
  const events::Ends ends = events::endsOf(e);
  const IpAddress& sender = ends.sender.ip;
  const IpAddress& receiver = ends.receiver.ip;
  const uint16_t port = ends.receiver.port;
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, events::RpcTransaction>) {
          if (body.mount_path.empty() || body.rpc.procedure_name != "MNT") return;
          candidates_.add(body.mount_path == "/pm" ? kMountPm : kMountOther, e, f.src_ip, f.dest_ip,
                          f.dest_port, "export " + body.mount_path);
        } else if constexpr (std::is_same_v<T, events::ContecCmsBlock>) {
          if (!contecNetwork().contains(receiver)) return;
          candidates_.add(kStream, e, sender, receiver, port);
          if (body.patient) {
            Candidate* c = candidates_.last();
            c->fields.insert("patient record (name, id, birth date)");
            c->noteToken(body.patient->id);
          }
        } else if constexpr (std::is_same_v<T, events::Hl7Message>) {
          if (!contecNetwork().contains(receiver)) return;
          if (body.patient.empty() && body.observations.empty()) return;
          candidates_.add(kHl7, e, sender, receiver, port);
          candidates_.last()->notePatient(body.patient);
        } else if constexpr (std::is_same_v<T, events::FlowRecord>) {
          const bool src_in = contecNetwork().contains(f.src_ip);
          const bool dst_in = contecNetwork().contains(f.dest_ip);
          if (src_in == dst_in) return;  // neither, or both (the LAN default plan itself)
          // About the local side: the host that talked with the Contec network.
          if (dst_in) {
            candidates_.add(kIntel, e, f.src_ip, f.dest_ip, 0, {}, body.start);
          } else {
            candidates_.add(kIntel, e, f.dest_ip, f.src_ip, 0, {}, body.start);
          }
        }
      },
      e.body);
}

void ContecDetector::decide(const DeviceIndex& devices, bool final, events::EventSink& out) {
  candidates_.decideEach([&](const Candidate& c) {
    std::string_view locality = localityOf(devices, c.dst);
    if (locality == "unknown" && !final && devices.find(c.dst) == nullptr) return false;
    // Without a link layer the capture cannot say; outside the site's networks counts as leaving.
    const bool lan =
        locality == "local" || (locality == "unknown" && inAny(options_.site_networks, c.dst));
    const Signature& sig = kSignatures[c.kind][lan ? 1 : 0];
    if (c.kind == kMountOther) {
      const AddressInfo* client = devices.find(c.src);
      if (lan || client == nullptr || !isMedical(client->device_class) ||
          inAny(options_.site_networks, c.dst)) {
        return true;  // an ordinary NFS client, or a server inside the site: not a finding
      }
    }
    events::AlertRecord a = alertFor(c, devices);
    a.signature_id = sig.id;
    a.signature = sig.name;
    a.category = sig.category;
    a.severity = sig.severity;
    if (c.kind == kMountPm || c.kind == kMountOther) {
      a.cve.assign(std::begin(kCveBackdoor), std::end(kCveBackdoor));
      a.attack = {"T0857 System Firmware", "T0839 Module Firmware"};
    } else if (c.kind == kStream || c.kind == kHl7) {
      a.cve.assign(std::begin(kCveLeak), std::end(kCveLeak));
      a.attack = {"T0882 Theft of Operational Information"};
    } else {
      a.attack = {"T0885 Commonly Used Port"};
    }
    a.reference = {kAdvisory};
    if (auto name = contecHostName(c.dst); !name.empty()) {
      a.evidence.emplace_back("contec_host", std::string(name));
    }
    emitAlert(c, std::move(a), out);
    return true;
  });
}

}  // namespace medtap::detect
