// Suricata rules (docs.suricata.io, "Rules format"): action, header, options. Every rule names
// the advisory's CVEs (reference:cve, resolved through Suricata's reference.config), the
// advisory's page, and a metadata block, with a sid of medtap's export range (export.h).
#include <fmt/format.h>

#include "remediate/contec.h"
#include "remediate/export.h"

namespace medtap::remediate {

namespace {

struct RuleSpec {
  bool may_drop;       // false: alert even with --drop (a clinical port a site may use on its LAN)
  std::string header;  // "ip $HOME_NET any -> [202.114.4.0/24] any"
  std::string msg;
  std::string detection;  // options before the common ones, "" or ending in "; "
  std::string classtype;
};

// "https://www.cisa.gov/x" -> "www.cisa.gov/x": reference.config adds the scheme.
std::string withoutScheme(std::string_view url) {
  const size_t p = url.find("://");
  return std::string(p == std::string_view::npos ? url : url.substr(p + 3));
}

// "2025-01-30T07:00:00.000000Z" -> "2025_01_30", the Emerging Threats metadata style.
std::string metaDate(std::string_view iso) {
  std::string d(iso.substr(0, 10));
  for (char& c : d) c = c == '-' ? '_' : c;
  return d;
}

}  // namespace

std::string suricataRules(SuricataAction action) {
  const ContecFacts& contec = contecFacts();
  std::string networks;
  for (const auto& n : contec.block) networks += (networks.empty() ? "" : ",") + n.toString();
  const std::string net = "[" + networks + "]";
  // The named hosts of the pack: the NFS and Contec stream server (.119) and the HL7 server.
  const std::string cms = "202.114.4.119", hl7 = "202.114.4.120";
  // An RPC call (RFC 5531 9) of program 100005, mountd (RFC 1813 Appendix I), naming /pm: the
  // XDR string is its length, 3, then the bytes padded to four.
  const std::string mount_pm =
      "content:\"|00 00 00 02 00 01 86 a5|\"; content:\"|00 00 00 03|/pm|00|\"; distance:0; ";
  const std::vector<RuleSpec> specs = {
      {true, fmt::format("ip $HOME_NET any -> {} any", net),
       "Contec CMS8000 traffic to the hard-coded network " + networks, "", "trojan-activity"},
      {true, fmt::format("ip {} any -> $HOME_NET any", net),
       "Contec CMS8000 traffic from the hard-coded network " + networks, "", "trojan-activity"},
      {true, "udp $HOME_NET any -> any any", "Contec CMS8000 NFS mount of /pm (UDP)", mount_pm,
       "trojan-activity"},
      {true, "tcp $HOME_NET any -> any any", "Contec CMS8000 NFS mount of /pm (TCP)",
       "flow:to_server,established; " + mount_pm, "trojan-activity"},
      {true, fmt::format("tcp $HOME_NET any -> {} 511", hl7),
       "Contec CMS8000 HL7 to the hard-coded HL7 server " + hl7 + ":511",
       "flow:to_server,established; content:\"|0b|MSH|\"; depth:4; ", "trojan-activity"},
      {true, fmt::format("tcp $HOME_NET any -> {} 515:520", cms),
       "Contec CMS8000 stream to the hard-coded CMS server " + cms + " (TCP 515-520)",
       "flow:to_server,established; ", "trojan-activity"},
      {false, "tcp $HOME_NET any -> any 511",
       "Contec CMS8000 default HL7 port 511 (MLLP to any server)",
       "flow:to_server,established; content:\"|0b|MSH|\"; depth:4; ", "policy-violation"},
  };

  std::string references;
  for (const auto& c : contec.cves) {
    references += "reference:cve," + c.id.substr(c.id.rfind("CVE-", 0) == 0 ? 4 : 0) + "; ";
  }
  references += "reference:url," + withoutScheme(contec.advisory_url) + "; ";
  const std::string metadata = fmt::format(
      "metadata:affected_product Contec_CMS8000, advisory {}, created_at {}, updated_at {}, "
      "signature_source medtap; ",
      contec.advisory_id, metaDate(contec.initial_release), metaDate(contec.current_release));

  std::string out = fmt::format(
      "# medtap export suricata: the Contec CMS8000 indicators of {} ({}).\n"
      "# sids {}-{} (medtap's export range). Set $HOME_NET to the site's networks.\n"
      "# {}\n",
      contec.advisory_id, contec.advisory_url, kFirstSid, kLastSid,
      action == SuricataAction::Drop
          ? "drop rules: for Suricata inline (IPS); the default-port rule stays alert-only."
          : "alert rules; `medtap export suricata --drop` writes drop rules for inline mode.");
  uint32_t sid = kFirstSid;
  for (const auto& r : specs) {
    const bool drop = action == SuricataAction::Drop && r.may_drop;
    out += fmt::format("{} {} (msg:\"MEDTAP {}\"; {}classtype:{}; {}{}sid:{}; rev:1;)\n",
                       drop ? "drop" : "alert", r.header, r.msg, r.detection, r.classtype,
                       references, metadata, sid++);
  }
  return out;
}

}  // namespace medtap::remediate
