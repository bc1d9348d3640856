// nftables (wiki.nftables.org; nft(8)): one table of family inet, so that IPv4 and IPv6 share the
// chains. Loading the file replaces the table (`table` then `delete table` then the definition is
// the idiom nft(8) documents for an atomic replace that also works the first time).
#include <fmt/format.h>

#include "remediate/contec.h"
#include "remediate/export.h"
#include "remediate/rule_util.h"

namespace medtap::remediate {

namespace {

// Base chains run before the usual `filter` priority (0): a drop here holds whatever another
// table accepts, since a packet must pass every base chain of its hook.
constexpr std::string_view kPriority = "filter - 10";

std::string_view family(const IpAddress& ip) {
  return ip.family() == IpFamily::V6 ? "ip6" : "ip";
}

std::string protoMatch(uint8_t proto, uint16_t port, bool dport) {
  return fmt::format("{} {} {}", proto == 6 ? "tcp" : "udp", dport ? "dport" : "sport", port);
}

struct Sets {
  std::vector<std::string> v4, v6, mac;  // "10.12.1.21 comment \"mac:...\""
};

Sets isolatedSets(const Isolation& iso) {
  Sets s;
  for (const auto& d : iso.devices) {
    const std::string c = fmt::format(" comment \"{}\"", commentText(d.id));
    for (const auto& ip : d.ips)
      (ip.family() == IpFamily::V6 ? s.v6 : s.v4).push_back(ip.toString() + c);
    for (const auto& m : d.macs) s.mac.push_back(m.toString() + c);
  }
  return s;
}

void set(std::string& out, std::string_view name, std::string_view type, bool interval,
         const std::vector<std::string>& elements) {
  if (elements.empty()) return;
  out += fmt::format("\tset {} {{\n\t\ttype {}\n", name, type);
  if (interval) out += "\t\tflags interval\n";
  out += "\t\telements = {\n";
  for (size_t i = 0; i < elements.size(); ++i) {
    out += fmt::format("\t\t\t{}{}\n", elements[i], i + 1 < elements.size() ? "," : "");
  }
  out += "\t\t}\n\t}\n";
}

}  // namespace

std::string nftablesRuleset(const Isolation& iso) {
  const ContecFacts& contec = contecFacts();
  std::string out = "#!/usr/sbin/nft -f\n";
  out += commentHeader(iso, "nftables");
  out +=
      "# Load: nft -f FILE (replaces table inet medtap). Remove: nft delete table inet medtap.\n"
      "# Counters: nft list counters table inet medtap.\n"
      "# Put it on the router or firewall in front of the devices (hook forward), or on a host\n"
      "# itself (hooks input and output).\n\n"
      "table inet medtap\ndelete table inet medtap\n\n"
      "table inet medtap {\n";

  std::vector<std::string> contec_v4, contec_v6;
  for (const auto& n : contec.block) {
    (n.address().family() == IpFamily::V6 ? contec_v6 : contec_v4)
        .push_back(fmt::format("{} comment \"{}\"", n.toString(), contec.advisory_id));
  }
  set(out, "contec_v4", "ipv4_addr", true, contec_v4);
  set(out, "contec_v6", "ipv6_addr", true, contec_v6);
  const Sets isolated = isolatedSets(iso);
  set(out, "isolated_v4", "ipv4_addr", false, isolated.v4);
  set(out, "isolated_v6", "ipv6_addr", false, isolated.v6);
  set(out, "isolated_mac", "ether_addr", false, isolated.mac);

  out += fmt::format(
      "\tcounter contec_blocked {{\n\t\tcomment \"to or from the Contec network ({})\"\n\t}}\n",
      contec.advisory_id);
  out += "\tcounter isolated_dropped {\n\t\tcomment \"an isolated device, not a kept flow\"\n\t}\n";

  // The link layer is only there on the way in: MAC matches go in a chain the output hook skips.
  for (std::string_view hook : {"forward", "input", "output"}) {
    out += fmt::format("\tchain {} {{\n\t\ttype filter hook {} priority {}; policy accept;\n", hook,
                       hook, kPriority);
    if (hook != "output" && !isolated.mac.empty()) out += "\t\tjump medtap_l2\n";
    out += "\t\tjump medtap\n\t}\n";
  }
  if (!isolated.mac.empty()) {
    // A selected device under an address the store does not know (a new DHCP lease) is dropped:
    // its kept flows name its known addresses.
    out += "\tchain medtap_l2 {\n";
    if (!isolated.v4.empty()) {
      out +=
          "\t\tether saddr @isolated_mac meta nfproto ipv4 ip saddr != @isolated_v4 "
          "counter name isolated_dropped drop comment \"isolated device, unknown address\"\n";
    }
    if (!isolated.v6.empty()) {
      out +=
          "\t\tether saddr @isolated_mac meta nfproto ipv6 ip6 saddr != @isolated_v6 "
          "meta l4proto != ipv6-icmp counter name isolated_dropped drop\n";
    }
    out += "\t}\n";
  }
  out += "\tchain medtap {\n";
  for (const auto& [fam, set_name] :
       {std::pair{"ip", "contec_v4"}, std::pair{"ip6", "contec_v6"}}) {
    if ((fam == std::string_view("ip") ? contec_v4 : contec_v6).empty()) continue;
    for (std::string_view dir : {"daddr", "saddr"}) {
      out += fmt::format(
          "\t\t{} {} @{} counter name contec_blocked drop comment \"Contec CMS8000 network, "
          "{}\"\n",
          fam, dir, set_name, contec.advisory_id);
    }
  }
  if (!isolated.v4.empty()) {
    out += "\t\tip saddr @isolated_v4 jump isolated_out\n";
    out += "\t\tip daddr @isolated_v4 jump isolated_in\n";
  }
  if (!isolated.v6.empty()) {
    out += "\t\tip6 saddr @isolated_v6 jump isolated_out\n";
    out += "\t\tip6 daddr @isolated_v6 jump isolated_in\n";
  }
  out += "\t}\n";

  if (!iso.devices.empty()) {
    const std::vector<PassRule> rules = passRules(iso);
    for (bool from_device : {true, false}) {
      out += fmt::format("\tchain {} {{\n", from_device ? "isolated_out" : "isolated_in");
      for (const auto& r : rules) {
        if (r.from_device != from_device) continue;
        out += fmt::format("\t\t{} saddr {} {} daddr {} {} accept comment \"{}\"\n", family(r.src),
                           r.src.toString(), family(r.dst), r.dst.toString(),
                           protoMatch(r.ip_proto, r.port, r.port_is_dst), r.comment);
      }
      out += "\t\tcounter name isolated_dropped drop\n\t}\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace medtap::remediate
