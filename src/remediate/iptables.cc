// iptables-restore input (iptables-restore(8)) for the filter table, meant for `--noflush`: the
// MEDTAP chains are declared (which empties them when they exist) and jumped to from the top of
// INPUT, FORWARD and OUTPUT, leaving the host's own rules alone. IPv6 goes to ip6tables-restore.
#include <fmt/format.h>

#include "remediate/contec.h"
#include "remediate/export.h"
#include "remediate/rule_util.h"

namespace medtap::remediate {

namespace {

std::string host(const IpAddress& ip) {
  return ip.toString() + (ip.family() == IpFamily::V6 ? "/128" : "/32");
}

std::string rules(const Isolation& iso, IpFamily fam) {
  const ContecFacts& contec = contecFacts();
  const bool v6 = fam == IpFamily::V6;
  std::string out = commentHeader(iso, v6 ? "iptables (ip6tables)" : "iptables");
  out += fmt::format(
      "# Load: {0}-restore --noflush FILE. Remove: {0} -D INPUT -j MEDTAP; {0} -D FORWARD -j "
      "MEDTAP;\n#   {0} -D OUTPUT -j MEDTAP; then -F and -X each MEDTAP chain. Loading twice adds "
      "the jumps twice.\n",
      v6 ? "ip6tables" : "iptables");
  out +=
      "*filter\n:MEDTAP - [0:0]\n:MEDTAP-L2 - [0:0]\n:MEDTAP-ISOLATED-OUT - [0:0]\n"
      ":MEDTAP-ISOLATED-IN - [0:0]\n";
  // The link layer is only there on the way in: MAC matches are not valid in OUTPUT.
  out +=
      "-I INPUT 1 -j MEDTAP\n-I INPUT 1 -j MEDTAP-L2\n-I FORWARD 1 -j MEDTAP\n"
      "-I FORWARD 1 -j MEDTAP-L2\n-I OUTPUT 1 -j MEDTAP\n";
  const std::string contec_comment = commentText("Contec CMS8000 network, " + contec.advisory_id);
  for (const auto& n : contec.block) {
    if (n.address().family() != fam) continue;
    for (std::string_view dir : {"-d", "-s"}) {
      out += fmt::format("-A MEDTAP {} {} -m comment --comment \"{}\" -j DROP\n", dir, n.toString(),
                         contec_comment);
    }
  }
  for (const auto& d : iso.devices) {
    const std::string c = commentText(d.id);
    bool any = false;
    for (const auto& ip : d.ips) {
      if (ip.family() != fam) continue;
      any = true;
      out += fmt::format("-A MEDTAP -s {} -m comment --comment \"{}\" -j MEDTAP-ISOLATED-OUT\n",
                         host(ip), c);
      out += fmt::format("-A MEDTAP -d {} -m comment --comment \"{}\" -j MEDTAP-ISOLATED-IN\n",
                         host(ip), c);
    }
    if (!any) continue;
    // The device under an address the store does not know (a new lease) is dropped.
    for (const auto& mac : d.macs) {
      for (const auto& ip : d.ips) {
        if (ip.family() != fam) continue;
        out += fmt::format("-A MEDTAP-L2 -m mac --mac-source {} -s {} -j RETURN\n", mac.toString(),
                           host(ip));
      }
      if (v6) {
        out += fmt::format("-A MEDTAP-L2 -m mac --mac-source {} -p ipv6-icmp -j RETURN\n",
                           mac.toString());
      }
      out += fmt::format(
          "-A MEDTAP-L2 -m mac --mac-source {} -m comment --comment \"{} unknown "
          "address\" -j DROP\n",
          mac.toString(), c);
    }
  }
  for (const auto& r : passRules(iso)) {
    if (r.src.family() != fam) continue;
    out += fmt::format("-A {} -s {} -d {} -p {} --{} {} -m comment --comment \"{}\" -j ACCEPT\n",
                       r.from_device ? "MEDTAP-ISOLATED-OUT" : "MEDTAP-ISOLATED-IN", host(r.src),
                       host(r.dst), r.ip_proto == 6 ? "tcp" : "udp",
                       r.port_is_dst ? "dport" : "sport", r.port, r.comment);
  }
  out += "-A MEDTAP-ISOLATED-OUT -j DROP\n-A MEDTAP-ISOLATED-IN -j DROP\nCOMMIT\n";
  return out;
}

bool hasFamily(const Isolation& iso, IpFamily fam) {
  for (const auto& d : iso.devices) {
    for (const auto& ip : d.ips) {
      if (ip.family() == fam) return true;
    }
  }
  return false;
}

}  // namespace

IptablesRules iptablesRules(const Isolation& iso) {
  IptablesRules out;
  out.v4 = rules(iso, IpFamily::V4);
  if (hasFamily(iso, IpFamily::V6)) out.v6 = rules(iso, IpFamily::V6);
  return out;
}

}  // namespace medtap::remediate
