// The isolation model and its exports: which flows of a selected device are kept or cut (with and
// without a policy, Contec indicators always cut), the rules naming exactly the kept flows, the
// Suricata rules' structure and sids, the Zeek intel and STIX exports read back by medtap's own
// pack loader, deterministic STIX ids, and the plan's actions. Syntax against the real tools
// (nft -c, iptables-restore --test) and real traffic is in tests/e2e/export_cli.py and
// export_netns.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "intel/builtin.h"
#include "intel/pack.h"
#include "inventory/facts.h"
#include "policy/loader.h"
#include "remediate/export.h"
#include "remediate/isolation.h"
#include "remediate/plan.h"

namespace medtap::remediate {
namespace {

namespace fact = inventory::fact;

const std::vector<IpNetwork> kSite = {*IpNetwork::parse("10.0.0.0/8")};
const Timestamp kT0 = Timestamp::fromSeconds(1764057600);  // 2025-11-25 08:00:00 UTC

inventory::StoredDevice device(const std::string& mac, const std::string& ip,
                               const std::string& cls, std::vector<std::string> tags = {},
                               const std::string& locality = "local") {
  inventory::StoredDevice d;
  d.id = mac.empty() ? "ip:" + ip : "mac:" + mac;
  d.vendor = "Vendor";
  d.model = "Model";
  d.device_class = cls;
  d.tags = std::move(tags);
  d.ips = {ip};
  if (!mac.empty()) d.macs = {mac};
  nlohmann::json j = {{"id", d.id},
                      {"addresses", {{{"ip", ip}, {"locality", locality}, {"site", true}}}}};
  d.json = j.dump();
  return d;
}

inventory::EndpointKey key(const char* ip, const char* mac) {
  return {*IpAddress::parse(ip), MacAddress::parse(mac)};
}

// A CMS8000 monitor streaming to its Contec central station, HL7 to the interface engine,
// printing, mounting /pm from the Contec network; the central station connecting back to it.
struct Ward {
  std::vector<inventory::StoredDevice> devices;
  inventory::Observations facts;

  explicit Ward(const char* cms_locality = "routed") {
    devices.push_back(
        device("00:60:6e:00:00:01", "10.12.1.21", "patient-monitor", {"cms8000-family"}));
    devices.push_back(device("98:40:bb:00:00:20", "10.12.1.20", "central-station"));
    devices.push_back(device("98:40:bb:00:00:10", "10.12.1.10", "interface-engine"));
    devices.push_back(device("00:00:aa:00:00:30", "10.12.1.30", "printer"));
    devices.push_back(device("", "202.114.4.119", "central-station", {}, cms_locality));
    devices.push_back(device("00:09:fb:00:00:02", "10.12.2.18", "patient-monitor"));
    devices.push_back(device("00:00:bb:00:00:05", "10.12.3.5", "workstation"));
    const auto mon = key("10.12.1.21", "00:60:6e:00:00:01");
    const auto central = key("10.12.1.20", "98:40:bb:00:00:20");
    auto add = [&](const inventory::EndpointKey& k, std::string_view src, std::string_view value,
                   uint64_t count) {
      facts.addStats(k, src, value, {kT0, kT0 + Duration::seconds(60), count, 1});
    };
    add(mon, fact::kTalksTo, "10.12.1.20 tcp/515", 1);
    add(mon, fact::kContecStreamTo, "10.12.1.20", 495);
    add(mon, fact::kTalksTo, "10.12.1.10 tcp/511", 1);
    add(mon, fact::kHl7SendsTo, "10.12.1.10", 49);
    add(mon, fact::kTalksTo, "10.12.1.30 tcp/515", 2);
    add(mon, fact::kLpdPrintsTo, "10.12.1.30", 2);
    add(mon, fact::kTalksTo, "202.114.4.119 tcp/2049", 1);
    add(mon, fact::kTalksTo, "202.114.4.119 tcp/515", 1);
    add(mon, fact::kContecStreamTo, "202.114.4.119", 495);
    add(mon, fact::kNfsMountFrom, "202.114.4.119", 1);
    add(central, fact::kTalksTo, "10.12.1.21 tcp/6664", 3);
    add(key("10.12.3.5", "00:00:bb:00:00:05"), fact::kTalksTo, "10.12.1.21 tcp/22", 1);
    // Another monitor's flows are not the selected device's.
    add(key("10.12.2.18", "00:09:fb:00:00:02"), fact::kTalksTo, "10.12.1.20 tcp/6664", 1);
  }

  Isolation isolate(const policy::Policy* p = nullptr, Selection s = {{"cms8000-family"}, {}}) {
    IsolationInput in{&devices, &facts, p, kSite, std::move(s), "ward.db"};
    auto iso = buildIsolation(in);
    EXPECT_TRUE(iso.ok()) << (iso.ok() ? "" : iso.error());
    return iso.value();
  }
};

const DeviceFlow* find(const IsolatedDevice& d, const char* peer, uint16_t port) {
  for (const auto& f : d.flows) {
    if (f.peer == *IpAddress::parse(peer) && f.port == port) return &f;
  }
  return nullptr;
}

TEST(Isolation, WithoutPolicyKeepsClinicalFlowsToClinicalPeers) {
  Ward w;
  const Isolation iso = w.isolate();
  ASSERT_EQ(iso.devices.size(), 1u);
  const IsolatedDevice& d = iso.devices[0];
  EXPECT_EQ(d.id, "mac:00:60:6e:00:00:01");
  EXPECT_FALSE(iso.from_policy);

  const DeviceFlow* stream = find(d, "10.12.1.20", 515);
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->app, "contec_cms");
  EXPECT_EQ(stream->fate, Fate::Kept);
  EXPECT_EQ(stream->messages, 495u);
  EXPECT_EQ(stream->peer_class, "central-station");

  const DeviceFlow* hl7 = find(d, "10.12.1.10", 511);
  ASSERT_NE(hl7, nullptr);
  EXPECT_EQ(hl7->app, "hl7");
  EXPECT_EQ(hl7->fate, Fate::Kept);

  // Printing is clinical but not to a central station: cut, and the plan says so.
  const DeviceFlow* print = find(d, "10.12.1.30", 515);
  ASSERT_NE(print, nullptr);
  EXPECT_EQ(print->app, "lpd");
  EXPECT_EQ(print->fate, Fate::Cut);
  EXPECT_NE(flowAction(d, *print).find("local monitoring"), std::string::npos);

  const DeviceFlow* nfs = find(d, "202.114.4.119", 2049);
  ASSERT_NE(nfs, nullptr);
  EXPECT_EQ(nfs->app, "nfs");
  EXPECT_EQ(nfs->fate, Fate::Cut);
  ASSERT_NE(nfs->indicator, nullptr);
  const DeviceFlow* backdoor = find(d, "202.114.4.119", 515);
  ASSERT_NE(backdoor, nullptr);
  EXPECT_EQ(backdoor->app, "contec_cms");
  EXPECT_EQ(backdoor->fate, Fate::Cut);
  EXPECT_NE(flowAction(d, *backdoor).find("expected"), std::string::npos);

  // The central station connecting to the monitor: inbound, the pair's Contec protocol: kept.
  const DeviceFlow* back = find(d, "10.12.1.20", 6664);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->direction, Direction::Inbound);
  EXPECT_EQ(back->app, "contec_cms");
  EXPECT_EQ(back->fate, Fate::Kept);
  // A workstation's SSH to it: not clinical, cut.
  const DeviceFlow* ssh = find(d, "10.12.3.5", 22);
  ASSERT_NE(ssh, nullptr);
  EXPECT_EQ(ssh->direction, Direction::Inbound);
  EXPECT_EQ(ssh->fate, Fate::Cut);
  EXPECT_EQ(ssh->reason, "not a clinical flow");
  EXPECT_EQ(d.flows.size(), 7u);
  // Clinical flows come first.
  EXPECT_TRUE(d.flows.front().clinical());
  EXPECT_FALSE(d.flows.back().clinical());
}

TEST(Isolation, PolicyDecidesExceptForTheContecNetwork) {
  auto p = policy::loadPolicyText(R"(zones:
  - name: contec
    tags: [cms8000-family]
  - name: central
    classes: [central-station]
allow:
  - {from: contec, to: central, proto: tcp, ports: [515, 6664]}
  - {from: central, to: contec, proto: tcp, ports: [6664]}
)",
                                  "ward.yaml");
  ASSERT_TRUE(p.ok()) << p.error();
  Ward w;
  const Isolation iso = w.isolate(&p.value());
  EXPECT_TRUE(iso.from_policy);
  const IsolatedDevice& d = iso.devices.at(0);
  EXPECT_EQ(find(d, "10.12.1.20", 515)->fate, Fate::Kept);
  EXPECT_EQ(find(d, "10.12.1.20", 6664)->fate, Fate::Kept);  // inbound, allowed
  EXPECT_EQ(find(d, "10.12.1.10", 511)->fate, Fate::Cut);    // default deny
  // The policy allows the central-station class on 515, and 202.114.4.119 is one: still cut.
  const DeviceFlow* backdoor = find(d, "202.114.4.119", 515);
  EXPECT_EQ(backdoor->fate, Fate::Cut);
  EXPECT_NE(backdoor->reason.find("Contec indicator"), std::string::npos);
}

TEST(Isolation, SelectionByDeviceAndItsLimits) {
  Ward w;
  Isolation iso = w.isolate(nullptr, {{}, {"mac:00:09:fb:00:00:02", "mac:ff:ff:ff:ff:ff:01"}});
  ASSERT_EQ(iso.devices.size(), 1u);
  EXPECT_EQ(iso.devices[0].id, "mac:00:09:fb:00:00:02");
  EXPECT_EQ(iso.unknown_ids, std::vector<std::string>{"mac:ff:ff:ff:ff:ff:01"});
  EXPECT_EQ(iso.selection, "device mac:00:09:fb:00:00:02, device mac:ff:ff:ff:ff:ff:01");

  std::vector<inventory::StoredDevice> many(kMaxSelectedDevices + 1,
                                            device("", "10.1.1.1", "patient-monitor", {"all"}));
  IsolationInput in{&many, nullptr, nullptr, kSite, {{"all"}, {}}, "x.db"};
  auto r = buildIsolation(in);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("narrow the selection"), std::string::npos);
}

TEST(Isolation, ContecDefaultAddressOnTheLanIsTheSitesCentralStation) {
  Ward w("local");
  const Isolation iso = w.isolate();
  const IsolatedDevice& d = iso.devices.at(0);
  const DeviceFlow* f = find(d, "202.114.4.119", 515);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->peer_on_lan);
  EXPECT_EQ(f->fate, Fate::Cut);
  EXPECT_NE(flowAction(d, *f).find("re-address"), std::string::npos);
}

TEST(Nftables, NamesTheKeptFlowsAndDropsTheRest) {
  Ward w;
  const Isolation iso = w.isolate();
  const std::string rules = nftablesRuleset(iso);
  EXPECT_EQ(rules, nftablesRuleset(w.isolate()));  // deterministic
  EXPECT_NE(rules.find("table inet medtap {"), std::string::npos);
  EXPECT_NE(rules.find("202.114.4.0/24 comment \"ICSMA-25-030-01\""), std::string::npos);
  // .119 and .120 are inside the /24: an interval set refuses them twice.
  EXPECT_EQ(rules.find("202.114.4.119"), std::string::npos);
  EXPECT_NE(rules.find("10.12.1.21 comment \"mac:00:60:6e:00:00:01\""), std::string::npos);
  EXPECT_NE(rules.find("00:60:6e:00:00:01 comment"), std::string::npos);
  EXPECT_NE(rules.find("ip saddr 10.12.1.21 ip daddr 10.12.1.20 tcp dport 515 accept"),
            std::string::npos);
  EXPECT_NE(rules.find("ip saddr 10.12.1.20 ip daddr 10.12.1.21 tcp sport 515 accept"),
            std::string::npos);
  EXPECT_NE(rules.find("ip saddr 10.12.1.21 ip daddr 10.12.1.10 tcp dport 511 accept"),
            std::string::npos);
  EXPECT_EQ(rules.find("10.12.1.30"), std::string::npos);  // printing is cut
  EXPECT_NE(rules.find("derived from the clinical flows observed"), std::string::npos);
}

TEST(Nftables, EmptySelectionStillBlocksTheContecNetwork) {
  Ward w;
  const Isolation iso = w.isolate(nullptr, {{"no-such-tag"}, {}});
  const std::string rules = nftablesRuleset(iso);
  EXPECT_NE(rules.find("ip daddr @contec_v4 counter name contec_blocked drop"), std::string::npos);
  EXPECT_EQ(rules.find("isolated"), rules.find("isolated_dropped"));  // only the counter
}

TEST(Iptables, SameRulesForIptablesRestore) {
  Ward w;
  const IptablesRules rules = iptablesRules(w.isolate());
  EXPECT_TRUE(rules.v6.empty());
  const std::string& v4 = rules.v4;
  EXPECT_NE(v4.find("*filter\n"), std::string::npos);
  EXPECT_NE(v4.find("-A MEDTAP -d 202.114.4.0/24 "), std::string::npos);
  EXPECT_NE(v4.find("-A MEDTAP-ISOLATED-OUT -s 10.12.1.21/32 -d 10.12.1.20/32 -p tcp --dport 515"),
            std::string::npos);
  EXPECT_NE(v4.find("-A MEDTAP-L2 -m mac --mac-source 00:60:6e:00:00:01 -s 10.12.1.21/32 -j "
                    "RETURN"),
            std::string::npos);
  EXPECT_EQ(v4.substr(v4.size() - 7), "COMMIT\n");
}

TEST(Suricata, EveryRuleParsesWithAUniqueSidInTheRange) {
  for (SuricataAction action : {SuricataAction::Alert, SuricataAction::Drop}) {
    std::istringstream in(suricataRules(action));
    std::set<uint32_t> sids;
    std::string line;
    size_t rules = 0, drops = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      ++rules;
      EXPECT_TRUE(line.rfind("alert ", 0) == 0 || line.rfind("drop ", 0) == 0) << line;
      drops += line.rfind("drop ", 0) == 0;
      ASSERT_EQ(line.back(), ')') << line;
      const size_t open = line.find(" (");
      ASSERT_NE(open, std::string::npos);
      const std::string options = line.substr(open + 2, line.size() - open - 3);
      EXPECT_EQ(std::count(options.begin(), options.end(), '"') % 2, 0) << line;
      EXPECT_EQ(options.back(), ';') << line;
      for (const char* must :
           {"msg:\"MEDTAP ", "classtype:", "reference:cve,2025-0626;", "metadata:", "rev:1;"}) {
        EXPECT_NE(options.find(must), std::string::npos) << must << " in " << line;
      }
      const size_t sid = options.find("sid:");
      ASSERT_NE(sid, std::string::npos);
      const uint32_t n = static_cast<uint32_t>(std::stoul(options.substr(sid + 4)));
      EXPECT_GE(n, kFirstSid);
      EXPECT_LE(n, kLastSid);
      EXPECT_TRUE(sids.insert(n).second) << "duplicate sid " << n;
    }
    EXPECT_EQ(rules, 7u);
    EXPECT_EQ(drops, action == SuricataAction::Drop ? 6u : 0u);
  }
}

// The indicator values and types a pack holds, in order.
std::vector<std::pair<intel::IndicatorType, std::string>> valuesOf(const intel::ParsedPack& p) {
  std::vector<std::pair<intel::IndicatorType, std::string>> out;
  for (const auto& i : p.indicators) out.emplace_back(i.type, i.value);
  return out;
}

TEST(IntelExport, ZeekIntelReadsBack) {
  const std::string text = zeekIntel();
  EXPECT_EQ(text.rfind("#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n", 0),
            0u);
  auto back = intel::parsePack(text, "contec.intel");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(intel::detectFormat(text), intel::PackFormat::Zeek);
  ASSERT_EQ(back->indicators.size(), intel::contecPack().size());
  for (size_t i = 0; i < back->indicators.size(); ++i) {
    EXPECT_EQ(back->indicators[i].value, intel::contecPack().indicators()[i].value);
    EXPECT_EQ(back->indicators[i].type, intel::contecPack().indicators()[i].type);
    EXPECT_EQ(back->indicators[i].source, "ICSMA-25-030-01");
  }
}

TEST(IntelExport, StixBundleReadsBackWithDeterministicIds) {
  const std::string text = stixBundle();
  EXPECT_EQ(text, stixBundle());
  auto back = intel::parsePack(text, "contec.json");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->unsupported, 0u);
  intel::ParsedPack builtin;
  for (const auto& i : intel::contecPack().indicators()) builtin.indicators.push_back(i);
  EXPECT_EQ(valuesOf(back.value()), valuesOf(builtin));

  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["type"], "bundle");
  std::set<std::string> ids;
  size_t vulnerabilities = 0, indicators = 0, relationships = 0;
  for (const auto& o : j["objects"]) {
    EXPECT_TRUE(ids.insert(o["id"].get<std::string>()).second);
    EXPECT_EQ(o["spec_version"], "2.1");
    EXPECT_EQ(o["created"], "2025-01-30T07:00:00.000000Z");
    vulnerabilities += o["type"] == "vulnerability";
    indicators += o["type"] == "indicator";
    relationships += o["type"] == "relationship";
  }
  EXPECT_GE(vulnerabilities, 3u);
  EXPECT_EQ(indicators, 3u);
  EXPECT_EQ(relationships, indicators + vulnerabilities);
  EXPECT_NE(text.find("[ipv4-addr:value ISSUBSET '202.114.4.0/24']"), std::string::npos);
  EXPECT_NE(text.find("\"external_id\": \"CVE-2025-0626\""), std::string::npos);
}

TEST(IntelExport, Uuid5MatchesRfc9562) {
  // Python: uuid.uuid5(uuid.UUID('00abedb4-aa42-466c-9c01-fed23315a9b7'), 'medtap:test')
  EXPECT_EQ(uuid5("medtap:test"), "657ff6c1-e853-5eb7-977e-e85e8c614d51");
}

TEST(Plan, ListsEveryFlowWithItsFateInEachFormat) {
  Ward w;
  const Isolation iso = w.isolate();
  const std::string text = renderPlan(iso, PlanFormat::Text);
  EXPECT_NE(text.find("KEEP  Contec stream to mac:98:40:bb:00:00:20 10.12.1.20 (central-station)"),
            std::string::npos);
  EXPECT_NE(text.find("CUT   printing to"), std::string::npos);
  EXPECT_NE(text.find("1 clinical flow cut"), std::string::npos);
  const std::string md = renderPlan(iso, PlanFormat::Markdown);
  EXPECT_NE(md.find("| kept | HL7 feed to |"), std::string::npos);
  auto j = nlohmann::json::parse(renderPlan(iso, PlanFormat::Json));
  ASSERT_EQ(j["devices"].size(), 1u);
  EXPECT_EQ(j["devices"][0]["flows"].size(), 7u);
  EXPECT_EQ(j["devices"][0]["flows"][0]["fate"], "kept");
}

}  // namespace
}  // namespace medtap::remediate
