// The fingerprint database (data/fingerprints): every rule carries examples, fact sets that must
// make it fire; each example is resolved as one device and must come out with the rule's claims.
// Plus what must never happen: a namesake company's MAC block tagging a CMS8000, a Windows PC
// taken for a monitor.
#include "inventory/fingerprints.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/csv.h"
#include "inventory/facts.h"
#include "inventory/resolve.h"

namespace medtap::inventory {
namespace {

constexpr std::string_view kMac = "00:11:22:33:44:55";
constexpr std::string_view kMacPrefix = "001122";  // registered by each test for its `oui` fact

const FingerprintDb& builtinDb() {
  static const FingerprintDb db = [] {
    auto r = FingerprintDb::builtin();
    if (!r) ADD_FAILURE() << r.error();
    return r ? *r : FingerprintDb{};
  }();
  return db;
}

// One device from facts on one endpoint; an `oui` fact becomes the registry owner of its MAC.
events::DeviceRecord resolveOne(const std::vector<std::pair<std::string, std::string>>& facts) {
  Observations obs;
  OuiRegistry oui;
  const EndpointKey key{*IpAddress::parse("10.12.2.20"), *MacAddress::parse(kMac)};
  obs.add(key, fact::kSeen, "", Timestamp::fromSeconds(1));
  for (const auto& [source, value] : facts) {
    if (source == fact::kOui) {
      oui.add(kMacPrefix, value);
    } else {
      obs.add(key, source, value, Timestamp::fromSeconds(1));
    }
  }
  auto devices = resolveDevices(obs, builtinDb(), oui, ResolveOptions{});
  EXPECT_EQ(devices.size(), 1u);
  return devices.empty() ? events::DeviceRecord{} : devices.front();
}

bool hasEvidenceOf(const events::DeviceRecord& d, std::string_view rule) {
  return std::any_of(d.evidence.begin(), d.evidence.end(),
                     [&](const events::DeviceEvidence& e) { return e.rule == rule; });
}

bool hasTag(const events::DeviceRecord& d, std::string_view tag) {
  return std::find(d.tags.begin(), d.tags.end(), tag) != d.tags.end();
}

TEST(Fingerprints, BuiltinRulesLoad) {
  auto db = FingerprintDb::builtin();
  ASSERT_TRUE(db) << db.error();
  EXPECT_FALSE(db->rules().empty());
}

TEST(Fingerprints, AtLeastFortyRulesBeyondBehaviour) {
  const auto& rules = builtinDb().rules();
  const auto n = std::count_if(rules.begin(), rules.end(),
                               [](const Rule& r) { return r.file != "behaviour.yaml"; });
  EXPECT_GE(n, 40);
}

TEST(Fingerprints, EveryRuleHasAnExample) {
  for (const Rule& r : builtinDb().rules()) {
    EXPECT_FALSE(r.examples.empty()) << r.file << ": " << r.id << " has no examples";
  }
}

TEST(Fingerprints, EveryExampleMakesItsRuleFireWithItsClaims) {
  size_t examples = 0;
  for (const Rule& r : builtinDb().rules()) {
    for (size_t i = 0; i < r.examples.size(); ++i) {
      const RuleExample& ex = r.examples[i];
      SCOPED_TRACE(r.file + ": " + r.id + ", example " + std::to_string(i + 1));
      ++examples;
      const events::DeviceRecord d = resolveOne(ex.facts);
      EXPECT_TRUE(hasEvidenceOf(d, r.id));
      const std::string vendor = ex.expect_vendor.empty() ? r.vendor : ex.expect_vendor;
      const std::string model = ex.expect_model.empty() ? r.model : ex.expect_model;
      const std::string cls = ex.expect_class.empty() ? r.device_class : ex.expect_class;
      if (!vendor.empty()) {
        EXPECT_EQ(d.vendor, vendor);
      }
      if (!model.empty()) {
        EXPECT_EQ(d.model, model);
      }
      if (!cls.empty()) {
        EXPECT_EQ(d.device_class, cls);
      }
      for (const auto& tag : r.tags) EXPECT_TRUE(hasTag(d, tag)) << tag;
    }
  }
  EXPECT_GT(examples, 40u);
}

// An `oui` condition must name an organization exactly as the IEEE registry spells it (Debian's
// ieee-data), or it never fires on a real MAC.
TEST(Fingerprints, OuiExamplesAreRegistryOwners) {
  std::set<std::string> owners;
  for (const char* name : {"oui.csv", "mam.csv", "oui36.csv"}) {
    std::ifstream in(std::string(OuiRegistry::kDefaultDirectory) + "/" + name);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    auto status = forEachCsvRow(text.str(), [&](size_t, std::vector<std::string>& f) {
      if (f.size() >= 3) owners.insert(f[2]);
    });
    ASSERT_TRUE(status) << status.error();
  }
  if (owners.empty()) GTEST_SKIP() << "no IEEE registry (package ieee-data)";
  size_t checked = 0;
  for (const Rule& r : builtinDb().rules()) {
    for (const RuleExample& ex : r.examples) {
      for (const auto& [source, value] : ex.facts) {
        if (source != fact::kOui) continue;
        ++checked;
        EXPECT_TRUE(owners.count(value)) << r.id << ": '" << value << "' is not in the registry";
      }
    }
  }
  EXPECT_GE(checked, 20u);
}

// ../shared/DOMAIN.md: CONTEC CO. (Japan) and Contec GmbH are unrelated to Contec Medical Systems.
TEST(Fingerprints, ContecNamesakeOuisNeverTagTheCms8000Family) {
  for (const char* owner : {"CONTEC CO., LTD.", "Contec GmbH"}) {
    SCOPED_TRACE(owner);
    const auto alone = resolveOne({{"oui", owner}});
    EXPECT_FALSE(hasTag(alone, "cms8000-family"));
    EXPECT_NE(alone.vendor, "Contec Medical Systems");
    EXPECT_NE(alone.device_class, "patient-monitor");
    // With the traffic of an ordinary monitor, still no family tag.
    const auto monitor = resolveOne(
        {{"oui", owner}, {"behavior", "hl7-observation-sender"}, {"hl7.to_port", "2575"}});
    EXPECT_FALSE(hasTag(monitor, "cms8000-family"));
    EXPECT_NE(monitor.vendor, "Contec Medical Systems");
  }
}

TEST(Fingerprints, ChipMakerOuiClaimsNoVendor) {
  for (const char* owner :
       {"DAVICOM SEMICONDUCTOR, INC.", "Realtek Semiconductor Corp.", "Intel Corporate"}) {
    const auto d = resolveOne({{"oui", owner}});
    EXPECT_EQ(d.vendor, "") << owner;
    EXPECT_TRUE(d.evidence.empty()) << owner;
  }
}

TEST(Fingerprints, WindowsPcDhcpIsAWorkstationNotAMonitor) {
  const auto d = resolveOne({{"oui", "Dell Inc."},
                             {"dhcp.hostname", "ICU-WS01"},
                             {"dhcp.vendor_class", "MSFT 5.0"},
                             {"dhcp.params", "1,3,6,15,31,33,43,44,46,47,119,121,249,252"}});
  EXPECT_EQ(d.device_class, "workstation");
  EXPECT_EQ(d.vendor, "Dell");
  EXPECT_FALSE(hasTag(d, "cms8000-family"));
}

TEST(Fingerprints, ExamplesAreValidated) {
  auto bad = FingerprintDb::load({RuleFile{"site.yaml", R"(rules:
  - id: site-monitor
    when: {hl7.sending_application: '^WARDMON'}
    class: patient-monitor
    examples:
      - {hl7.sending_aplication: 'WARDMON'}
      - {expect: {class: patient-monitor}}
      - {hl7.sending_application: 'WARDMON', expect: {colour: red}}
      - 'WARDMON'
)"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("unknown fact source hl7.sending_aplication"), std::string::npos);
  EXPECT_NE(bad.error().find("has no facts"), std::string::npos);
  EXPECT_NE(bad.error().find("cannot expect colour"), std::string::npos);
  EXPECT_NE(bad.error().find("must map fact sources to values"), std::string::npos);

  auto good = FingerprintDb::load({RuleFile{"site.yaml", R"(rules:
  - id: site-monitor
    when: {hl7.sending_application: '^WARDMON'}
    class: patient-monitor
    examples:
      - {hl7.sending_application: 'WARDMON', hl7.sending_facility: ICU, expect: {vendor: Acme}}
)"}});
  ASSERT_TRUE(good) << good.error();
  ASSERT_EQ(good->rules().size(), 1u);
  ASSERT_EQ(good->rules()[0].examples.size(), 1u);
  const RuleExample& ex = good->rules()[0].examples[0];
  EXPECT_EQ(ex.facts.size(), 2u);
  EXPECT_EQ(ex.expect_vendor, "Acme");
}

}  // namespace
}  // namespace medtap::inventory
