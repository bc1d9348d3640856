// Live capture. Opening a missing interface fails for anyone; the loopback tests need capture
// rights (root or CAP_NET_RAW) and are skipped without them.
#include "capture/live_source.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace medtap::capture {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(LiveSource, MissingInterfaceIsAOneLineError) {
  AnomalyCounters anomalies;
  LiveOptions options;
  options.interface = "mtapnone0";
  auto src = openLiveInterface(options, anomalies);
  ASSERT_FALSE(src.ok());
  EXPECT_THAT(src.error(), StartsWith("mtapnone0: "));
  EXPECT_EQ(src.error().find('\n'), std::string::npos) << src.error();
}

LiveOptions loopback(const std::string& filter) {
  LiveOptions options;
  options.interface = "lo";
  options.promiscuous = false;
  options.buffer_bytes = 1 << 20;
  options.bpf_filter = filter;
  return options;
}

TEST(LiveSource, BadFilterIsAOneLineError) {
  AnomalyCounters anomalies;
  LiveOptions options = loopback("udp and port");
  auto src = openLiveInterface(options, anomalies);
  if (!src.ok() && src.error().find("filter") == std::string::npos) {
    GTEST_SKIP() << "cannot capture on lo here: " << src.error();
  }
  ASSERT_FALSE(src.ok());
  EXPECT_THAT(src.error(), StartsWith("lo: bad capture filter 'udp and port': "));
  EXPECT_EQ(src.error().find('\n'), std::string::npos) << src.error();
}

TEST(LiveSource, BreakLoopBeforeNextEnds) {
  AnomalyCounters anomalies;
  auto src = openLiveInterface(loopback("udp and host 192.0.2.77"), anomalies);
  if (!src.ok()) GTEST_SKIP() << "cannot capture on lo here: " << src.error();
  (*src)->breakLoop();
  RawPacket p;
  EXPECT_EQ((*src)->next(p), ReadStatus::End);
}

TEST(LiveSource, BreakLoopWakesABlockedNext) {
  AnomalyCounters anomalies;
  // A filter nothing on loopback matches: next() would wait forever.
  auto src = openLiveInterface(loopback("udp and host 192.0.2.77"), anomalies);
  if (!src.ok()) GTEST_SKIP() << "cannot capture on lo here: " << src.error();
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stopped = true;
    (*src)->breakLoop();
  });
  RawPacket p;
  EXPECT_EQ((*src)->next(p), ReadStatus::End);
  // next() waited through its poll timeouts for the stop, rather than ending on the first.
  EXPECT_TRUE(stopped);
  stopper.join();
}

TEST(LiveSource, CapturesADatagramOnLoopback) {
  int rx = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(rx, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // any free port
  ASSERT_EQ(::bind(rx, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(rx, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  uint16_t port = ntohs(addr.sin_port);

  AnomalyCounters anomalies;
  auto src = openLiveInterface(loopback("udp and dst port " + std::to_string(port)), anomalies);
  if (!src.ok()) GTEST_SKIP() << "cannot capture on lo here: " << src.error();
  const std::string payload = "medtap-capture-test";
  ASSERT_EQ(::sendto(rx, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&addr),
                     sizeof addr),
            static_cast<ssize_t>(payload.size()));
  // A watchdog so that a lost packet fails the test instead of hanging it.
  std::thread watchdog([&] {
    for (int i = 0; i < 50 && (*src)->stats().packets == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    (*src)->breakLoop();
  });
  RawPacket p;
  ReadStatus status = (*src)->next(p);
  std::string seen = status == ReadStatus::Packet ? std::string(asChars(p.data)) : "";
  uint32_t wire_len = p.wire_len;
  LinkType link = p.link;
  watchdog.join();
  ::close(rx);
  ASSERT_EQ(status, ReadStatus::Packet);
  EXPECT_EQ(link, LinkType::Ethernet);  // Linux loopback is DLT_EN10MB
  EXPECT_THAT(seen, HasSubstr(payload));
  EXPECT_EQ(wire_len, 14u + 20u + 8u + payload.size());
  EXPECT_GT(p.ts.ns, 0);
  EXPECT_EQ((*src)->stats().packets, 1u);
}

}  // namespace
}  // namespace medtap::capture
