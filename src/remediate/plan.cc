#include "remediate/plan.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "remediate/contec.h"

namespace medtap::remediate {

namespace {

std::string peerText(const DeviceFlow& f) {
  std::string out = f.peer.toString();
  if (!f.peer_id.empty() && f.peer_id != "ip:" + out) out = f.peer_id + " " + out;
  return fmt::format("{} ({})", out, f.peer_class);
}

std::string deviceText(const IsolatedDevice& d) {
  std::string ips;
  for (const auto& ip : d.ips) ips += (ips.empty() ? "" : ",") + ip.toString();
  return fmt::format("{} ({})", d.id, ips.empty() ? "no address" : ips);
}

std::string shortTime(Timestamp t) {
  std::string s = formatIso8601(t).substr(0, 19);
  if (s.size() > 10) s[10] = ' ';
  return s;
}

std::string volume(const DeviceFlow& f) {
  std::string out = fmt::format("{} connection{}", f.connections, f.connections == 1 ? "" : "s");
  if (f.messages > 0) out += fmt::format(", {} message{}", f.messages, f.messages == 1 ? "" : "s");
  return out;
}

std::string cves() {
  std::string out;
  for (const auto& c : contecFacts().cves) out += (out.empty() ? "" : ", ") + c.id;
  return out;
}

struct Counts {
  size_t kept = 0, cut = 0, clinical_cut = 0;
};
Counts countsOf(const IsolatedDevice& d) {
  Counts c;
  for (const auto& f : d.flows) {
    if (f.fate == Fate::Kept) {
      ++c.kept;
    } else {
      ++c.cut;
      if (f.clinical() && f.indicator == nullptr) ++c.clinical_cut;
    }
  }
  return c;
}

std::string text(const Isolation& iso) {
  std::string out = fmt::format(
      "medtap plan isolate: {} device{} ({}) from {}\nthe rules keep: {}\n", iso.devices.size(),
      iso.devices.size() == 1 ? "" : "s", iso.selection, iso.database, iso.allowed_from);
  for (const auto& d : iso.devices) {
    const Counts c = countsOf(d);
    out += fmt::format("\n{}  {} {}  {}  macs", deviceText(d), d.vendor.empty() ? "-" : d.vendor,
                       d.model.empty() ? "-" : d.model, d.device_class);
    for (const auto& m : d.macs) out += " " + m.toString();
    out +=
        fmt::format("\n  {} flow{} kept, {} cut ({} clinical flow{} cut)\n", c.kept,
                    c.kept == 1 ? "" : "s", c.cut, c.clinical_cut, c.clinical_cut == 1 ? "" : "s");
    for (const auto& f : d.flows) {
      out += fmt::format("  {:<4}  {} {} {}  {}  last seen {}  {}  [{}]\n",
                         f.fate == Fate::Kept ? "KEEP" : "CUT", flowNoun(f),
                         directionName(f.direction), peerText(f), serviceLabel(f.ip_proto, f.port),
                         shortTime(f.last), volume(f), f.reason);
      if (auto a = flowAction(d, f); !a.empty()) out += "        -> " + a + "\n";
    }
    if (d.flows.empty()) out += "  no flow of this device in the store\n";
    if (d.flows_not_kept > 0) {
      out += fmt::format("  {} more flows not listed (more than {})\n", d.flows_not_kept,
                         kMaxFlowsPerDevice);
    }
  }
  if (iso.devices.empty()) out += "\nno device matches; nothing to isolate\n";
  return out;
}

std::string markdownCell(std::string s) {
  for (char& ch : s) ch = ch == '|' || ch == '\n' ? ' ' : ch;
  return s;
}

std::string markdown(const Isolation& iso) {
  std::string out = fmt::format(
      "# Isolation plan\n\n{} device{} ({}) from `{}`. The rules keep: {}.\n", iso.devices.size(),
      iso.devices.size() == 1 ? "" : "s", iso.selection, iso.database, iso.allowed_from);
  for (const auto& d : iso.devices) {
    out += fmt::format("\n## {}\n\n{} {}, {}.\n\n", markdownCell(deviceText(d)),
                       markdownCell(d.vendor), markdownCell(d.model), d.device_class);
    out +=
        "| fate | flow | peer | service | last seen | volume | why |\n"
        "|---|---|---|---|---|---|---|\n";
    for (const auto& f : d.flows) {
      out += fmt::format("| {} | {} {} | {} | {} | {} | {} | {} |\n", fateName(f.fate), flowNoun(f),
                         directionName(f.direction), markdownCell(peerText(f)),
                         serviceLabel(f.ip_proto, f.port), shortTime(f.last), volume(f),
                         markdownCell(f.reason));
    }
    std::string actions;
    for (const auto& f : d.flows) {
      if (auto a = flowAction(d, f); !a.empty()) actions += "- " + markdownCell(a) + "\n";
    }
    if (!actions.empty()) out += "\nBefore and after loading the rules:\n\n" + actions;
  }
  return out;
}

std::string json(const Isolation& iso) {
  using Json = nlohmann::ordered_json;
  Json root;
  root["database"] = iso.database;
  root["selection"] = iso.selection;
  root["allowed_from"] = iso.allowed_from;
  root["devices"] = Json::array();
  for (const auto& d : iso.devices) {
    Json dev;
    dev["id"] = d.id;
    dev["vendor"] = d.vendor;
    dev["model"] = d.model;
    dev["device_class"] = d.device_class;
    dev["tags"] = d.tags;
    dev["ips"] = Json::array();
    for (const auto& ip : d.ips) dev["ips"].push_back(ip.toString());
    dev["macs"] = Json::array();
    for (const auto& m : d.macs) dev["macs"].push_back(m.toString());
    dev["flows"] = Json::array();
    for (const auto& f : d.flows) {
      Json j;
      j["fate"] = fateName(f.fate);
      j["direction"] = f.direction == Direction::Outbound ? "outbound" : "inbound";
      j["local_ip"] = f.local.toString();
      j["peer_ip"] = f.peer.toString();
      j["peer_id"] = f.peer_id;
      j["peer_class"] = f.peer_class;
      j["proto"] = f.ip_proto == 6 ? "tcp" : f.ip_proto == 17 ? "udp" : "ip";
      j["port"] = f.port;
      j["app"] = f.app;
      j["clinical"] = f.clinical();
      j["connections"] = f.connections;
      j["messages"] = f.messages;
      j["first_seen"] = formatIso8601(f.first);
      j["last_seen"] = formatIso8601(f.last);
      j["indicator"] = f.indicator != nullptr ? f.indicator->value : "";
      j["reason"] = f.reason;
      j["action"] = flowAction(d, f);
      dev["flows"].push_back(std::move(j));
    }
    dev["flows_not_listed"] = d.flows_not_kept;
    root["devices"].push_back(std::move(dev));
  }
  return root.dump(2) + "\n";
}

}  // namespace

std::string_view flowNoun(const DeviceFlow& f) {
  if (f.app == "hl7") return "HL7 feed";
  if (f.app == "contec_cms") return "Contec stream";
  if (f.app == "dicom") return "DICOM";
  if (f.app == "lpd") return "printing";
  if (f.app == "nfs") return "NFS";
  if (f.app == "rpc") return "RPC portmapper";
  if (f.app == "dns") return "DNS";
  if (f.app == "ntp") return "NTP";
  if (f.app == "dhcp") return "DHCP";
  return "traffic";
}

std::string flowAction(const IsolatedDevice& d, const DeviceFlow& f) {
  const std::string peer = peerText(f);
  const std::string service = serviceLabel(f.ip_proto, f.port);
  if (f.fate == Fate::Kept) {
    if (!f.clinical()) return "";
    return fmt::format("after loading: confirm that {} still receives the {} of {} via {}", peer,
                       flowNoun(f), d.id, service);
  }
  if (f.indicator != nullptr) {
    if (f.clinical() && f.peer_on_lan) {
      return fmt::format(
          "before loading: {} is on this LAN at the Contec default address {}: it is the "
          "site's own {}; re-address it and point {} at the new address, or its {} stops",
          peer, f.indicator->value, f.peer_class, d.id, flowNoun(f));
    }
    if (f.clinical()) {
      return fmt::format("expected: the backdoor's copy of the data to {} ({}); nothing to move",
                         f.peer.toString(), cves());
    }
    return "";
  }
  if (!f.clinical()) return "";
  return fmt::format(
      "before loading: move {} to local monitoring or give its {} another path: the {} {} {} via "
      "{} stops",
      deviceText(d), flowNoun(f), flowNoun(f), directionName(f.direction), peer, service);
}

std::string renderPlan(const Isolation& iso, PlanFormat format) {
  switch (format) {
    case PlanFormat::Text:
      return text(iso);
    case PlanFormat::Markdown:
      return markdown(iso);
    case PlanFormat::Json:
      return json(iso);
  }
  return "";
}

}  // namespace medtap::remediate
