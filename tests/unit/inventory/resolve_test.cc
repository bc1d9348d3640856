// Identity, locality and identification from facts (inventory/resolve.h), the event observer,
// and the store's merge across runs.
#include "inventory/resolve.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "inventory/facts.h"
#include "inventory/inventory.h"
#include "inventory/store.h"

namespace medtap::inventory {
namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}
MacAddress mac(const char* s) {
  return *MacAddress::parse(s);
}
Timestamp at(int64_t sec) {
  return Timestamp::fromSeconds(1764000000 + sec);
}

const events::DeviceRecord* find(const std::vector<events::DeviceRecord>& devices,
                                 const std::string& id) {
  for (const auto& d : devices) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

bool hasTag(const events::DeviceRecord& d, const std::string& tag) {
  return std::find(d.tags.begin(), d.tags.end(), tag) != d.tags.end();
}

class ResolveTest : public ::testing::Test {
 protected:
  ResolveTest() {
    auto db = FingerprintDb::builtin();
    EXPECT_TRUE(db) << db.error();
    rules_ = std::move(db.value());
    options_.site_networks = {*IpNetwork::parse("10.0.0.0/8")};
  }
  std::vector<events::DeviceRecord> resolve() {
    return resolveDevices(obs_, rules_, oui_, options_);
  }

  Observations obs_;
  FingerprintDb rules_;
  OuiRegistry oui_;
  ResolveOptions options_;
};

TEST_F(ResolveTest, RouterMacNeverMergesTheAddressesBehindIt) {
  const MacAddress router = mac("00:27:90:7a:da:85");
  for (const char* remote : {"202.114.4.119", "202.114.4.120", "198.51.100.17"}) {
    obs_.add({ip(remote), router}, fact::kSeen, "", at(1));
  }
  obs_.add({ip("10.0.0.1"), router}, fact::kArp, "", at(0));  // the router's own address
  obs_.add({ip("10.12.1.18"), mac("00:60:6e:b1:7d:29")}, fact::kSeen, "", at(1));
  const auto devices = resolve();
  ASSERT_EQ(devices.size(), 5u);
  for (const char* remote : {"202.114.4.119", "202.114.4.120", "198.51.100.17"}) {
    const auto* d = find(devices, std::string("ip:") + remote);
    ASSERT_NE(d, nullptr) << remote;
    EXPECT_TRUE(d->macs.empty());
    ASSERT_EQ(d->addresses.size(), 1u);
    EXPECT_EQ(d->addresses[0].locality, "routed");
    EXPECT_FALSE(d->addresses[0].site);
  }
  const auto* r = find(devices, "mac:00:27:90:7a:da:85");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->device_class, "network-infrastructure");
  ASSERT_EQ(r->ips.size(), 1u);
  EXPECT_EQ(r->ips[0].toString(), "10.0.0.1");
  const auto* host = find(devices, "mac:00:60:6e:b1:7d:29");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->addresses[0].locality, "local");
  EXPECT_TRUE(host->addresses[0].site);
}

TEST_F(ResolveTest, OneHostWithOneAddressIsNotARouter) {
  obs_.add({ip("10.0.0.5"), mac("00:09:fb:0e:92:78")}, fact::kSeen, "", at(1));
  obs_.add({ip("fe80::1"), mac("00:09:fb:0e:92:78")}, fact::kSeen, "", at(1));
  const auto devices = resolve();
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].ips.size(), 2u);
  EXPECT_EQ(devices[0].device_class, "unknown");
}

TEST_F(ResolveTest, AnAddressMovesWithItsLease) {
  obs_.add({ip("10.0.0.7"), mac("00:00:00:00:00:0a")}, fact::kDhcpAck, "", at(10));
  obs_.add({ip("10.0.0.7"), mac("00:00:00:00:00:0b")}, fact::kDhcpAck, "", at(5000));
  const auto devices = resolve();
  ASSERT_EQ(devices.size(), 2u);
  for (const auto& d : devices) {
    ASSERT_EQ(d.ips.size(), 1u);
    EXPECT_EQ(d.ips[0].toString(), "10.0.0.7");
  }
  EXPECT_EQ(devices[0].first_seen, at(10));
  EXPECT_EQ(devices[1].first_seen, at(5000));
}

TEST_F(ResolveTest, FactsKnownByAddressJoinTheOnlyMacOfThatAddress) {
  obs_.add({ip("10.0.0.9"), mac("00:00:00:00:00:0c")}, fact::kSeen, "", at(1));
  obs_.add({ip("10.0.0.9"), std::nullopt}, fact::kHl7SendingApplication, "CMS8000", at(2));
  const auto devices = resolve();
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].id, "mac:00:00:00:00:00:0c");
}

// The issue's proof: a relabelled unit that never says "Contec" is found by what it does.
TEST_F(ResolveTest, RelabelledCms8000WithNoVendorStringIsTaggedByBehaviour) {
  const EndpointKey monitor{ip("10.12.1.18"), mac("00:60:6e:b1:7d:29")};
  obs_.add(monitor, fact::kContecStreamTo, "202.114.4.119", at(1), 42);
  obs_.add(monitor, fact::kNfsMount, "/pm", at(0), 41);
  obs_.add(monitor, fact::kHl7SendingApplication, "MONITOR", at(2));
  const auto devices = resolve();
  const auto* d = find(devices, "mac:00:60:6e:b1:7d:29");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(hasTag(*d, "cms8000-family"));
  EXPECT_EQ(d->device_class, "patient-monitor");
  EXPECT_GT(d->confidence, 0.5);
  bool stream = false, mount = false;
  for (const auto& e : d->evidence) {
    stream |= e.rule == "cms8000-family-contec-stream" && e.flow_id == 42;
    mount |= e.rule == "cms8000-family-nfs-mount-pm" && e.flow_id == 41;
  }
  EXPECT_TRUE(stream);
  EXPECT_TRUE(mount);
}

TEST_F(ResolveTest, UnrelatedContecMacPrefixesNeverCount) {
  oui_.add("00804C", "CONTEC CO.,LTD.");
  oui_.add("746F3D", "Contec GmbH");
  obs_.add({ip("10.0.0.20"), mac("00:80:4c:00:00:01")}, fact::kSeen, "", at(1));
  obs_.add({ip("10.0.0.21"), mac("74:6f:3d:00:00:01")}, fact::kSeen, "", at(1));
  const auto devices = resolve();
  ASSERT_EQ(devices.size(), 2u);
  for (const auto& d : devices) {
    EXPECT_FALSE(hasTag(d, "cms8000-family")) << d.id;
    EXPECT_NE(d.device_class, "patient-monitor") << d.id;
  }
}

TEST_F(ResolveTest, ContecDefaultAddressOnTheLanIsACentralStationNotAMonitor) {
  const EndpointKey central{ip("202.114.4.119"), mac("98:40:bb:2b:15:5b")};
  obs_.add(central, fact::kArp, "", at(0));
  obs_.add(central, fact::kContecStreamFrom, "10.12.1.18", at(1));
  const auto devices = resolve();
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].device_class, "central-station");
  EXPECT_FALSE(hasTag(devices[0], "cms8000-family"));
  EXPECT_EQ(devices[0].addresses[0].locality, "local");
}

TEST(ResolveConflicts, DisagreeingRulesLowerTheConfidenceAndAreListed) {
  auto db = FingerprintDb::load({{"test.yaml", R"(
rules:
  - {id: a, when: {hl7.sending_application: '^X'}, vendor: Alpha, weight: 0.9}
  - {id: b, when: {dhcp.vendor_class: '^Y'}, vendor: Beta, weight: 0.5}
)"}});
  ASSERT_TRUE(db) << db.error();
  Observations obs;
  const EndpointKey k{*IpAddress::parse("10.0.0.1"), std::nullopt};
  obs.add(k, fact::kHl7SendingApplication, "X1", at(0));
  auto alone = resolveDevices(obs, db.value(), OuiRegistry{}, {});
  obs.add(k, fact::kDhcpVendorClass, "Y1", at(0));
  auto both = resolveDevices(obs, db.value(), OuiRegistry{}, {});
  ASSERT_EQ(both.size(), 1u);
  EXPECT_EQ(both[0].vendor, "Alpha");
  EXPECT_LT(both[0].confidence, alone[0].confidence);
  ASSERT_EQ(both[0].conflicts.size(), 1u);
  EXPECT_EQ(both[0].conflicts[0].other, "Beta");
}

TEST(FingerprintLoad, EveryMistakeIsReportedWithItsLine) {
  auto db = FingerprintDb::load({{"bad.yaml", R"(
rules:
  - {id: a, when: {no.such.source: 'x'}, vendor: A}
  - {id: a, when: {oui: '('}, class: toaster, weight: 2}
)"}});
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().find("bad.yaml:3: a: unknown fact source no.such.source"), std::string::npos)
      << db.error();
  EXPECT_NE(db.error().find("rule id a repeated"), std::string::npos);
  EXPECT_NE(db.error().find("unknown class toaster"), std::string::npos);
  EXPECT_NE(db.error().find("weight must be in (0, 1]"), std::string::npos);
  EXPECT_NE(db.error().find("bad pattern"), std::string::npos);
}

// A pattern that makes a backtracking matcher take exponential time on a value written for it
// (std::regex needs about 2^40 steps here) is matched by RE2 at once; a capture group still
// gives the firmware, and matching ignores case.
TEST(FingerprintMatch, NestedRepetitionIsLinearAndGroupsCapture) {
  auto db = FingerprintDb::load({{"site.yaml", R"(
rules:
  - {id: slow, when: {dhcp.vendor_class: '^(a+)+$'}, vendor: Slow, weight: 0.5}
  - {id: fw, when: {hl7.sending_application: '^cms8000 v([0-9.]+)'}, firmware: '$1',
     vendor: Contec, weight: 0.9}
)"}});
  ASSERT_TRUE(db) << db.error();
  const Condition& slow = db->rules()[0].when[0];
  EXPECT_FALSE(slow.search(std::string(40, 'a') + "!"));
  EXPECT_TRUE(slow.search(std::string(40, 'A')));
  std::vector<std::string> groups;
  ASSERT_TRUE(db->rules()[1].when[0].search("CMS8000 V2.0.6^x", &groups));
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1], "2.0.6");
  EXPECT_FALSE(db->rules()[1].when[0].search(std::string("\xff\x00CMS8000 v1", 12)));
}

events::Event flowEvent(const char* src, const char* src_mac, const char* dst, const char* dst_mac,
                        uint16_t port) {
  events::FlowRef ref;
  ref.id = 7;
  ref.src_ip = ip(src);
  ref.dest_ip = ip(dst);
  ref.src_port = 40000;
  ref.dest_port = port;
  ref.proto = 6;
  ref.src_mac = mac(src_mac);
  ref.dest_mac = mac(dst_mac);
  events::FlowRecord rec;
  rec.pkts_toserver = rec.pkts_toclient = 3;
  rec.start = at(0);
  rec.end = at(5);
  return events::Event{at(5), ref, rec};
}

TEST(Observer, Hl7ObservationsMakeSenderAndReceiverRolesAndKeepNoPatientData) {
  Observer observer;
  auto flow = flowEvent("10.0.0.5", "00:00:00:00:00:05", "10.0.0.9", "00:00:00:00:00:09", 511);
  observer.emit(flow);
  events::Hl7Message m;
  m.message_type = "ORU^R01";
  m.sending_application = "CMS8000";
  m.patient.name = "pt_0123456789abcdef";
  m.patient.id = "pt_fedcba9876543210";
  m.observations.resize(1);
  observer.emit(events::Event{at(1), flow.flow, m, events::Direction::ToServer});
  const auto devices =
      resolveDevices(observer.observations(), FingerprintDb::builtin().value(), OuiRegistry{}, {});
  ASSERT_EQ(devices.size(), 2u);
  const auto* sender = find(devices, "mac:00:00:00:00:00:05");
  const auto* receiver = find(devices, "mac:00:00:00:00:00:09");
  ASSERT_TRUE(sender && receiver);
  auto has = [](const std::vector<std::string>& v, const char* s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  EXPECT_TRUE(has(sender->roles, "hl7-observation-sender"));
  EXPECT_TRUE(has(sender->roles, "hl7-to-port-511"));
  EXPECT_TRUE(has(receiver->roles, "hl7-observation-receiver"));
  for (const auto& [key, facts] : observer.observations().endpoints()) {
    for (const auto& [fact, stats] : facts) {
      EXPECT_EQ(fact.find("pt_"), std::string::npos) << fact;
    }
  }
}

TEST(StoreMerge, ASecondRunMergesIntoTheSameDevicesWithoutDuplicates) {
  char path[] = "/tmp/medtap-store-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::remove(path);
  auto rules = FingerprintDb::builtin().value();
  auto run = [&](int64_t offset) {
    auto store = Store::open(path);
    EXPECT_TRUE(store) << store.error();
    Observations all;
    EXPECT_TRUE((*store)->loadFacts(all));
    Observations mine;
    mine.add({ip("10.0.0.5"), mac("00:00:00:00:00:05")}, fact::kContecStreamTo, "10.0.0.9",
             at(offset));
    all.merge(mine);
    auto devices = resolveDevices(all, rules, OuiRegistry{}, {});
    EXPECT_TRUE((*store)->saveFacts(all));
    std::vector<StoredDevice> stored;
    for (const auto& d : devices) stored.push_back(storedDevice(d, "{}"));
    EXPECT_TRUE((*store)->saveDevices(stored));
    return devices;
  };
  auto first = run(0);
  auto second = run(86400);
  std::remove(path);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].first_seen, at(0));
  EXPECT_EQ(second[0].last_seen, at(86400));
  ASSERT_FALSE(second[0].evidence.empty());
  EXPECT_EQ(second[0].evidence[0].count, 2u);
}

}  // namespace
}  // namespace medtap::inventory
