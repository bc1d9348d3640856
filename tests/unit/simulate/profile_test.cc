#include "simulate/profile.h"

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

namespace medtap::simulate {
namespace {

std::vector<ProfileFile> withReplaced(const std::string& name, const std::string& text) {
  std::vector<ProfileFile> files = embeddedProfileFiles();
  for (auto& [n, t] : files) {
    if (n == name) t = text;
  }
  return files;
}

TEST(SimulateProfileTest, EmbeddedProfilesMatchTheDataDirectoryAndLoad) {
  auto from_dir = readProfileDirectory(MEDTAP_SOURCE_DIR "/data/simulate");
  ASSERT_TRUE(from_dir.ok()) << from_dir.error();
  auto a = from_dir.value();
  auto b = embeddedProfileFiles();
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    EXPECT_TRUE(a[i].second == b[i].second) << a[i].first << ": embedded copy is stale";
  }
  auto set = loadProfiles(embeddedProfileFiles());
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_GE(set->withRole("bedside-monitor").size(), 5u);
  EXPECT_GE(set->withRole("contec-monitor").size(), 2u);
  EXPECT_GE(set->withRole("infusion-pump").size(), 1u);
  const DeviceProfile* contec = set->find("contec-cms8000");
  ASSERT_NE(contec, nullptr);
  // ICSMA-25-030-01: not CONTEC Japan (00:80:4C) nor Contec GmbH (74:6F:3D).
  EXPECT_NE(contec->oui, (std::array<uint8_t, 3>{0x00, 0x80, 0x4C}));
  EXPECT_NE(contec->oui, (std::array<uint8_t, 3>{0x74, 0x6F, 0x3D}));
  EXPECT_EQ(contec->hl7.port, 511);
  EXPECT_EQ(contec->contec.stream_port, 515);
}

TEST(SimulateProfileTest, OuisAreRegisteredToTheVendorsWhereTheRegistryIsInstalled) {
  std::ifstream oui("/usr/share/ieee-data/oui.txt");
  if (!oui) GTEST_SKIP() << "ieee-data not installed";
  const std::string registry((std::istreambuf_iterator<char>(oui)), {});
  auto set = loadProfiles(embeddedProfileFiles());
  ASSERT_TRUE(set.ok());
  for (const auto& [id, p] : set->devices) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%02X-%02X-%02X", p.oui[0], p.oui[1], p.oui[2]);
    EXPECT_NE(registry.find(hex), std::string::npos) << id << " uses unregistered OUI " << hex;
  }
}

TEST(SimulateProfileTest, ErrorsNameTheFileAndTheField) {
  auto r = loadProfiles(withReplaced("devices/ge-carescape-b650.yaml", "id: x\nvendor: y\n"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("devices/ge-carescape-b650.yaml"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("'model'"), std::string::npos) << r.error();

  std::string text;
  for (const auto& [n, t] : embeddedProfileFiles()) {
    if (n == "devices/philips-intellivue-mx800.yaml") text = t;
  }
  std::string bad = text;
  bad.replace(bad.find("central_station: philips-pic-ix"), 31, "central_station: nobody");
  r = loadProfiles(withReplaced("devices/philips-intellivue-mx800.yaml", bad));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("nobody"), std::string::npos);

  bad = text;
  bad.replace(bad.find("dialect: mdc"), 12, "dialect: xml");
  r = loadProfiles(withReplaced("devices/philips-intellivue-mx800.yaml", bad));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("hl7.dialect"), std::string::npos);

  r = loadProfiles(withReplaced("ward.yaml", "start: [unclosed"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("ward.yaml"), std::string::npos);
}

}  // namespace
}  // namespace medtap::simulate
