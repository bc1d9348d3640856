// inventory/reconcile: reading a CMMS asset list, the loose vendor comparison, and matching it
// against stored devices (`medtap inventory reconcile`).
#include "inventory/reconcile.h"

#include <gtest/gtest.h>

namespace medtap::inventory {
namespace {

StoredDevice device(std::string id, std::vector<std::string> macs, std::vector<std::string> ips,
                    std::string vendor = "", std::string model = "",
                    std::string device_class = "unknown") {
  StoredDevice d;
  d.id = std::move(id);
  d.macs = std::move(macs);
  d.ips = std::move(ips);
  d.vendor = std::move(vendor);
  d.model = std::move(model);
  d.device_class = std::move(device_class);
  return d;
}

AssetList read(std::string_view csv, std::vector<ColumnOverride> overrides = {}) {
  auto list = readAssetList(csv, overrides);
  EXPECT_TRUE(list) << list.error();
  return list ? list.value() : AssetList{};
}

std::string readError(std::string_view csv, std::vector<ColumnOverride> overrides = {}) {
  auto list = readAssetList(csv, overrides);
  return list ? "(read)" : list.error();
}

TEST(AssetList, GuessesCommonHeadersAndParsesEveryMacSpelling) {
  const auto list = read(
      "Asset Tag,Manufacturer,Model,Device Type,MAC Address,IP Address,Hostname\r\n"
      "BME-001,GE Healthcare,CARESCAPE B450,Patient Monitor,00-1B-2C-3D-4E-5F,10.1.2.3,icu-1\r\n"
      "BME-002,Philips,IntelliVue MX450,Patient Monitor,001b.2c3d.4e60,,\r\n"
      "BME-003,Baxter,Sigma Spectrum,Infusion Pump,001B2C3D4E61,N/A,unknown\r\n");
  ASSERT_EQ(list.assets.size(), 3u);
  EXPECT_EQ(list.headers[static_cast<size_t>(AssetField::Mac)], "MAC Address");
  EXPECT_EQ(list.headers[static_cast<size_t>(AssetField::DeviceClass)], "Device Type");
  EXPECT_EQ(list.headers[static_cast<size_t>(AssetField::Tag)], "Asset Tag");
  const Asset& a = list.assets[0];
  EXPECT_EQ(a.line, 2u);
  EXPECT_EQ(a.tag, "BME-001");
  EXPECT_EQ(a.mac->toString(), "00:1b:2c:3d:4e:5f");
  EXPECT_EQ(a.ip->toString(), "10.1.2.3");
  EXPECT_EQ(a.hostname, "icu-1");
  EXPECT_EQ(a.vendor, "GE Healthcare");
  EXPECT_EQ(list.assets[1].mac->toString(), "00:1b:2c:3d:4e:60");  // Cisco dotted
  EXPECT_FALSE(list.assets[1].ip);
  EXPECT_EQ(list.assets[2].mac->toString(), "00:1b:2c:3d:4e:61");  // bare hex
  EXPECT_FALSE(list.assets[2].ip);                                 // "N/A" is absent
  EXPECT_EQ(list.assets[2].hostname, "");                          // so is "unknown"
}

TEST(AssetList, QuotedFieldsByteOrderMarkAndBlankRows) {
  const auto list = read(
      "\xEF\xBB\xBFmac_address,\"Manufacturer\",Name\n"
      "\n"
      "00:1b:2c:3d:4e:5f,\"Dr\xC3\xA4ger, Inc.\",\"Vent \"\"A\"\"\nbay 2\"\n"
      ",,\n"
      "00:1b:2c:3d:4e:60,Mindray,B\n");
  ASSERT_EQ(list.assets.size(), 2u);
  EXPECT_EQ(list.assets[0].vendor, "Dr\xC3\xA4ger, Inc.");
  EXPECT_EQ(list.assets[0].tag, "Vent \"A\"\nbay 2");
  EXPECT_EQ(list.assets[0].line, 3u);
  EXPECT_EQ(list.assets[1].line, 6u);  // the quoted newline counted
}

TEST(AssetList, ColumnOverridesWinOverGuesses) {
  auto mac = parseColumnOverride("mac=NIC 1");
  ASSERT_TRUE(mac) << mac.error();
  auto tag = parseColumnOverride("serial=Type");
  ASSERT_TRUE(tag) << tag.error();
  const auto list = read("Type,NIC 1,MAC Address\nSN42,00:00:00:00:00:01,00:00:00:00:00:02\n",
                         {mac.value(), tag.value()});
  ASSERT_EQ(list.assets.size(), 1u);
  EXPECT_EQ(list.assets[0].mac->toString(), "00:00:00:00:00:01");
  EXPECT_EQ(list.assets[0].tag, "SN42");
  EXPECT_EQ(list.assets[0].device_class, "");  // "Type" is the tag's column now, not the class's
  EXPECT_FALSE(parseColumnOverride("colour=Paint"));
  EXPECT_FALSE(parseColumnOverride("mac"));
  EXPECT_FALSE(parseColumnOverride("mac="));
}

TEST(AssetList, ErrorsNameTheLine) {
  EXPECT_EQ(readError("MAC,Model\n00:00:00:00:00:01,A\nzz:00:00:00:00:01,B\n"),
            "line 3: not a MAC address: \"zz:00:00:00:00:01\"");
  EXPECT_EQ(readError("IP,Model\n10.0.0.300,A\n"), "line 2: not an IP address: \"10.0.0.300\"");
  EXPECT_EQ(readError("MAC,Model\n00:00:00:00:00:01,A,extra\n"),
            "line 2: 3 fields, the header has 2");
  EXPECT_EQ(readError("Serial,Model\nA,B\n"),
            "line 1: no MAC, IP or hostname column to match devices on (map one with --column "
            "mac=HEADER)");
  EXPECT_EQ(readError("MAC,Model\n", {ColumnOverride{AssetField::Ip, "Address"}}),
            "line 1: no column \"Address\" for --column ip=");
  EXPECT_EQ(readError(""), "line 1: no header row");
  EXPECT_EQ(readError("Asset Tag,MAC\nA1,\"00:00:00:00:00:01\nA2,00:00:00:00:00:02\n"),
            "line 2: a quoted field is never closed");
  // libcsv in strict mode: a quote inside an unquoted field.
  EXPECT_EQ(readError("MAC,Model\n00:00:00:00:00:01,A\"B\n").substr(0, 7), "line 2:");
}

TEST(Vendor, AliasesAndCorporateWordsAreTolerated) {
  EXPECT_TRUE(sameVendor("GE", "GE Healthcare"));
  EXPECT_TRUE(sameVendor("General Electric", "GE Healthcare Finland Oy"));
  EXPECT_TRUE(sameVendor("Philips Medical Systems", "Philips"));
  EXPECT_TRUE(sameVendor("PHILIPS", "Philips Medical Systems Nederland B.V."));
  EXPECT_TRUE(sameVendor("Mindray", "Shenzhen Mindray Bio-Medical Electronics Co., Ltd."));
  EXPECT_TRUE(sameVendor("Draeger", "Dr\xC3\xA4gerwerk AG & Co. KGaA"));
  EXPECT_TRUE(sameVendor("Becton Dickinson", "BD"));
  EXPECT_TRUE(sameVendor("B. Braun", "B.Braun Melsungen AG"));
  // As the IEEE registry names the owners of simulated devices' MAC blocks.
  EXPECT_TRUE(sameVendor("Siemens Healthineers", "Siemens AG, Healthcare Sector"));
  EXPECT_TRUE(sameVendor("HP", "Hewlett Packard"));
  EXPECT_TRUE(sameVendor("Cisco", "Cisco Systems, Inc"));
  EXPECT_TRUE(
      sameVendor("Philips", "Philips Medical Systems - Cardiac and Monitoring Systems (CM"));
  EXPECT_FALSE(sameVendor("GE Healthcare", "Philips"));
  EXPECT_FALSE(sameVendor("Contec", "Mindray"));
  EXPECT_FALSE(sameVendor("Siemens Healthineers", "Philips Healthcare"));
  // Nothing but generic words: compared as written.
  EXPECT_TRUE(sameVendor("Medical Systems", "medical systems"));
  EXPECT_FALSE(sameVendor("Medical Systems", "Philips"));
  EXPECT_EQ(vendorWords("Nihon Kohden Corporation"), (std::vector<std::string>{"nihon", "kohden"}));
}

TEST(ModelAndClass, Spelling) {
  EXPECT_TRUE(sameModel("CMS 8000", "cms8000"));
  EXPECT_TRUE(sameModel("IntelliVue MX-450", "IntelliVue MX450"));
  EXPECT_TRUE(sameModel("MX800", "IntelliVue MX800"));
  EXPECT_TRUE(sameModel("Catalyst 9300 (L3)", "catalyst 9300"));
  EXPECT_FALSE(sameModel("MX450", "MX550"));
  EXPECT_FALSE(sameModel("CARESCAPE B450", "CARESCAPE B650"));
  EXPECT_FALSE(sameModel("---", "MX800"));
  EXPECT_EQ(listedDeviceClass("Patient Monitor"), "patient-monitor");
  EXPECT_EQ(listedDeviceClass(" Infusion_Pump "), "infusion-pump");
  EXPECT_EQ(listedDeviceClass("PACS"), "pacs");
  EXPECT_EQ(listedDeviceClass("Bedside Monitor"), "patient-monitor");
  EXPECT_EQ(listedDeviceClass("CT Scanner"), "imaging-modality");
  EXPECT_EQ(listedDeviceClass("Syringe Pump"), "infusion-pump");
  EXPECT_EQ(listedDeviceClass("Defibrillator"), std::nullopt);  // outside the vocabulary
}

TEST(Reconcile, MatchesByMacThenIpThenHostname) {
  std::vector<StoredDevice> devices = {
      device("mac:00:00:00:00:00:01", {"00:00:00:00:00:01"}, {"10.0.0.1"}),
      device("ip:192.0.2.7", {}, {"192.0.2.7"}),
      device("mac:00:00:00:00:00:03", {"00:00:00:00:00:03"}, {"10.0.0.3"}),
      device("mac:00:00:00:00:00:04", {"00:00:00:00:00:04"}, {}),
      device("ip:198.51.100.17", {}, {"198.51.100.17"}),  // on the internet: not an asset
  };
  devices[4].json =
      R"({"id":"ip:198.51.100.17","addresses":[{"ip":"198.51.100.17","site":false}]})";
  devices[1].json = R"({"id":"ip:192.0.2.7","addresses":[{"ip":"192.0.2.7","site":true}]})";
  devices[2].hostnames = {"pacs01.radiology.example.org"};
  const auto list = read(
      "MAC,IP,Hostname,Asset Tag\n"
      "00-00-00-00-00-01,10.9.9.9,,A1\n"  // by MAC, though the IP differs
      ",192.0.2.7,,A2\n"                  // by IP
      ",,PACS01,A3\n"                     // by short hostname
      "00:00:00:00:00:99,,,A4\n");        // never seen
  const auto r = reconcile(devices, list);
  EXPECT_EQ(r.matched, 3u);
  ASSERT_EQ(r.unseen.size(), 1u);
  EXPECT_EQ(r.unseen[0]->tag, "A4");
  ASSERT_EQ(r.unlisted.size(), 1u);
  EXPECT_EQ(r.unlisted[0]->id, "mac:00:00:00:00:00:04");
  EXPECT_TRUE(r.disagreements.empty());
  EXPECT_TRUE(r.hasDifferences());
}

TEST(Reconcile, DisagreementsOnlyWhereBothSidesKnow) {
  std::vector<StoredDevice> devices = {
      device("mac:00:00:00:00:00:01", {"00:00:00:00:00:01"}, {"10.0.0.1"},
             "GE Healthcare Finland Oy", "CARESCAPE B450", "patient-monitor"),
      device("mac:00:00:00:00:00:02", {"00:00:00:00:00:02"}, {"10.0.0.2"}, "Philips", "",
             "unknown"),
      device("mac:00:00:00:00:00:03", {"00:00:00:00:00:03"}, {"10.0.0.3"}, "Contec Medical Systems",
             "CMS8000", "patient-monitor"),
      device("mac:00:00:00:00:00:04", {"00:00:00:00:00:04"}, {}, "GE Healthcare", "CARESCAPE B650",
             "patient-monitor"),
      device("mac:00:00:00:00:00:05", {"00:00:00:00:00:05"}, {}, "Philips", "IntelliVue MX800",
             "patient-monitor"),
  };
  const auto list = read(
      "Asset Tag,MAC Address,IP Address,Manufacturer,Model,Device Type\n"
      "A1,00:00:00:00:00:01,,GE,Carescape B-450,Patient Monitor\n"   // agrees, loosely
      "A2,00:00:00:00:00:02,,Philips Healthcare,MX450,Ventilator\n"  // nothing seen to disagree
      "A3,00:00:00:00:00:33,10.0.0.3,Epsimed,MN-120,Patient Monitor\n"
      "A4,00:00:00:00:00:04,,GE,B650,Infusion Pump\n"      // a class that differs
      "A5,00:00:00:00:00:05,,Philips,MX800,Telemetry\n");  // a type outside the vocabulary
  const auto r = reconcile(devices, list);
  ASSERT_EQ(r.disagreements.size(), 4u);
  EXPECT_EQ(r.disagreements[0].attribute, "vendor");
  EXPECT_EQ(r.disagreements[0].listed, "Epsimed");
  EXPECT_EQ(r.disagreements[0].seen, "Contec Medical Systems");
  EXPECT_EQ(r.disagreements[0].matched_by, MatchedBy::Ip);
  EXPECT_EQ(r.disagreements[1].attribute, "model");
  EXPECT_EQ(r.disagreements[1].listed, "MN-120");
  EXPECT_EQ(r.disagreements[2].attribute, "mac");  // found by IP with another MAC
  EXPECT_EQ(r.disagreements[2].listed, "00:00:00:00:00:33");
  EXPECT_EQ(r.disagreements[2].seen, "00:00:00:00:00:03");
  EXPECT_EQ(r.disagreements[2].asset->tag, "A3");
  EXPECT_EQ(r.disagreements[3].asset->tag, "A4");
  EXPECT_EQ(r.disagreements[3].attribute, "class");
  EXPECT_EQ(r.disagreements[3].listed, "Infusion Pump");
  EXPECT_EQ(r.disagreements[3].seen, "patient-monitor");
  EXPECT_EQ(r.matched, 5u);
  EXPECT_TRUE(r.unlisted.empty());
  EXPECT_TRUE(r.unseen.empty());
}

TEST(Reconcile, NothingToReport) {
  std::vector<StoredDevice> devices = {device("ip:10.0.0.1", {}, {"10.0.0.1"}, "", "", "pacs")};
  const auto r = reconcile(devices, read("IP Address,Device Type\n10.0.0.1,PACS\n"));
  EXPECT_FALSE(r.hasDifferences());
  EXPECT_EQ(r.matched, 1u);
}

}  // namespace
}  // namespace medtap::inventory
