#include "remediate/rule_util.h"

#include <set>
#include <tuple>

#include <fmt/format.h>

#include "remediate/contec.h"

namespace medtap::remediate {

std::string commentText(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxCommentBytes)) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view(" :._/()->,").find(c) != std::string_view::npos;
    out.push_back(plain ? c : '?');
  }
  return out;
}

std::vector<PassRule> passRules(const Isolation& isolation) {
  std::vector<PassRule> out;
  std::set<std::tuple<IpAddress, IpAddress, uint8_t, uint16_t, bool>> seen;
  auto add = [&](PassRule r) {
    if (seen.emplace(r.src, r.dst, r.ip_proto, r.port, r.port_is_dst).second) {
      out.push_back(std::move(r));
    }
  };
  for (const auto& dev : isolation.devices) {
    for (const auto& f : dev.flows) {
      if (f.fate != Fate::Kept) continue;
      const std::string peer = f.peer_id.empty() ? f.peer.toString() : f.peer_id;
      const std::string what =
          fmt::format("{} {} {} {} ({})", dev.id, f.app.empty() ? "flow" : f.app,
                      directionName(f.direction), peer, f.peer_class);
      if (f.direction == Direction::Outbound) {
        add({f.local, f.peer, f.ip_proto, f.port, true, true, commentText(what)});
        add({f.peer, f.local, f.ip_proto, f.port, false, false, commentText(what + " replies")});
      } else {
        add({f.peer, f.local, f.ip_proto, f.port, true, false, commentText(what)});
        add({f.local, f.peer, f.ip_proto, f.port, false, true, commentText(what + " replies")});
      }
    }
  }
  return out;
}

std::string commentHeader(const Isolation& iso, std::string_view tool) {
  const ContecFacts& contec = contecFacts();
  std::string out = fmt::format("# medtap export {}: generated from {}\n", tool, iso.database);
  out += fmt::format("# Blocks the Contec CMS8000 network of {} ({}), both ways.\n",
                     contec.advisory_id, contec.advisory_url);
  out += fmt::format("# Isolates {} device{} ({}): only the flows listed below pass.\n",
                     iso.devices.size(), iso.devices.size() == 1 ? "" : "s", iso.selection);
  if (iso.from_policy) {
    out += "# Allowed flows: the observed flows that " + iso.allowed_from + " allows.\n";
  } else {
    out +=
        "# Allowed flows: derived from the clinical flows observed in the store (HL7, Contec\n"
        "# stream and DICOM to a central station, interface engine or PACS on this site; DNS,\n"
        "# NTP and DHCP on this site), since no --policy was given. Review them before loading.\n";
  }
  for (const auto& dev : iso.devices) {
    size_t kept = 0, cut = 0;
    for (const auto& f : dev.flows) (f.fate == Fate::Kept ? kept : cut)++;
    out +=
        fmt::format("#   {} {} {} ({}): {} flow{} kept, {} cut\n", dev.id, commentText(dev.vendor),
                    commentText(dev.model), dev.device_class, kept, kept == 1 ? "" : "s", cut);
  }
  out += "# `medtap plan isolate` lists what the isolation cuts: read it before loading.\n";
  return out;
}

}  // namespace medtap::remediate
