// The store's alerts table: one row per (signature, device, destination or advisory), merged
// across runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "inventory/store.h"

namespace medtap::inventory {
namespace {

class AlertStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/medtap-alert-store-XXXXXX";
    const int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
    std::remove(path_.c_str());
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string path_;
};

StoredAlert alert(std::string dest, int64_t first_s, int64_t last_s, uint64_t count) {
  events::AlertRecord a;
  a.signature_id = 9000111;
  a.signature = "MEDTAP test";
  a.category = "phi-exposure";
  a.severity = 1;
  a.device_id = "mac:00:60:6e:12:34:56";
  a.device_ip = *IpAddress::parse("10.12.1.18");
  a.evidence = {{"destination", dest}, {"app_proto", "hl7"}};
  a.first_seen = Timestamp::fromSeconds(first_s);
  a.last_seen = Timestamp::fromSeconds(last_s);
  a.count = count;
  return storedAlert(a, "{\"count\":" + std::to_string(count) + "}");
}

TEST_F(AlertStoreTest, OneRowPerSignatureDeviceAndDestination) {
  auto store = Store::open(path_);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store.value()->saveAlerts(
      {alert("202.114.4.119:515", 100, 200, 5), alert("202.114.4.120:511", 100, 150, 2)}));
  auto rows = store.value()->alerts();
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->at(0).key, "202.114.4.119:515");
  EXPECT_EQ(rows->at(0).device_ip, "10.12.1.18");
  EXPECT_EQ(rows->at(0).count, 5u);
}

// An alert about the device itself (9000701) has no destination: its advisory tells two apart.
TEST_F(AlertStoreTest, OneRowPerAdvisoryOfADevice) {
  auto store = Store::open(path_);
  ASSERT_TRUE(store);
  std::vector<StoredAlert> rows;
  for (const char* id : {"ICSMA-22-244-01", "ICSMA-25-030-01"}) {
    events::AlertRecord a;
    a.signature_id = 9000701;
    a.device_id = "mac:00:60:6e:12:34:56";
    a.evidence = {{"advisory", id}, {"status", "affected"}};
    rows.push_back(storedAlert(a, "{}"));
  }
  ASSERT_TRUE(store.value()->saveAlerts(rows));
  auto saved = store.value()->alerts();
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->size(), 2u);
  EXPECT_EQ(saved->at(0).key, "ICSMA-22-244-01");
  EXPECT_EQ(saved->at(1).key, "ICSMA-25-030-01");
}

TEST_F(AlertStoreTest, TheSameTrafficAgainIsNotCountedTwice) {
  {
    auto store = Store::open(path_);
    ASSERT_TRUE(store.value()->saveAlerts({alert("202.114.4.119:515", 100, 200, 5)}));
  }
  auto store = Store::open(path_);  // a second run over the same capture
  ASSERT_TRUE(store.value()->saveAlerts({alert("202.114.4.119:515", 100, 200, 5)}));
  // ... and a detector that reports its running count at a later update of the same run.
  ASSERT_TRUE(store.value()->saveAlerts({alert("202.114.4.119:515", 100, 260, 7)}));
  auto rows = store.value()->alerts();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).count, 7u);
  EXPECT_EQ(rows->at(0).first_ns, Timestamp::fromSeconds(100).ns);
  EXPECT_EQ(rows->at(0).last_ns, Timestamp::fromSeconds(260).ns);
  EXPECT_EQ(rows->at(0).json, "{\"count\":7}");
}

TEST_F(AlertStoreTest, LaterOccurrencesAddUp) {
  auto store = Store::open(path_);
  ASSERT_TRUE(store.value()->saveAlerts({alert("202.114.4.119:515", 100, 200, 5)}));
  ASSERT_TRUE(store.value()->saveAlerts({alert("202.114.4.119:515", 50, 60, 1)}));     // earlier
  ASSERT_TRUE(store.value()->saveAlerts({alert("202.114.4.119:515", 900, 1000, 3)}));  // next day
  auto rows = store.value()->alerts();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).count, 8u);
  EXPECT_EQ(rows->at(0).first_ns, Timestamp::fromSeconds(50).ns);
  EXPECT_EQ(rows->at(0).last_ns, Timestamp::fromSeconds(1000).ns);
}

}  // namespace
}  // namespace medtap::inventory
