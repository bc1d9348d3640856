#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sinks/syslog_format.h"
#include "sinks/syslog_sink.h"

namespace medtap::sinks {
namespace {

events::Event alertEvent(uint8_t severity) {
  events::AlertRecord a;
  a.signature_id = 9000111;
  a.signature = "MEDTAP a|b \"quoted\" = x";
  a.category = "phi-exposure";
  a.severity = severity;
  a.cve = {"CVE-2025-0683"};
  a.device_id = "mac:00:60:6e:12:34:56";
  a.device_ip = *IpAddress::parse("10.12.1.18");
  a.evidence = {{"destination", "202.114.4.119:515"}, {"detail", "a]b\\c\"d"}};
  a.count = 3;
  a.first_seen = Timestamp::fromSecNs(1764064800, 0);
  a.last_seen = Timestamp::fromSecNs(1764064802, 22903000);
  events::FlowRef f;
  f.src_ip = a.device_ip;
  f.dest_ip = *IpAddress::parse("202.114.4.119");
  f.src_port = 40001;
  f.dest_port = 515;
  f.proto = 6;
  return events::Event{Timestamp::fromSecNs(1764064802, 22903000), f, a};
}

TEST(Syslog, EscapesParamValues) {
  std::string out;
  appendSdParamValue(out, R"(a"b\c]d)");
  EXPECT_EQ(out, R"(a\"b\\c\]d)");
}

TEST(Syslog, EscapesCef) {
  std::string h, e;
  appendCefHeaderField(h, "a|b\\c=d\ne");
  EXPECT_EQ(h, "a\\|b\\\\c=d e");
  appendCefExtensionValue(e, "a|b\\c=d\ne\rf");
  EXPECT_EQ(e, "a|b\\\\c\\=d\\ne\\rf");
}

TEST(Syslog, PriorityFromFacilityAndSeverity) {
  EXPECT_EQ(syslogFacility("local0"), 16);
  EXPECT_EQ(syslogFacility("kern"), 0);
  EXPECT_EQ(syslogFacility("local7"), 23);
  EXPECT_FALSE(syslogFacility("local8"));
  EXPECT_EQ(syslogSeverity(alertEvent(1)), 2);
  EXPECT_EQ(syslogSeverity(alertEvent(2)), 4);
  EXPECT_EQ(syslogSeverity(alertEvent(3)), 5);
  EXPECT_EQ(cefSeverity(1), 10);
  EXPECT_EQ(cefSeverity(2), 7);
  EXPECT_EQ(cefSeverity(3), 4);
  SyslogMessageOptions o;
  o.hostname = "sensor 1";  // a space would end the field
  const std::string m = formatSyslog(alertEvent(1), "{}", o);
  EXPECT_EQ(m.substr(0, 60), "<130>1 2025-11-25T10:00:02.022903Z sensor_1 medtap - alert [");
  o.facility = 23;
  EXPECT_EQ(formatSyslog(alertEvent(3), "{}", o).substr(0, 6), "<189>1");
}

TEST(Syslog, Rfc5424StructuredData) {
  SyslogMessageOptions o;
  o.hostname = "h";
  const std::string m = formatSyslog(alertEvent(1), "{\"x\":1}", o);
  EXPECT_NE(m.find(R"([medtap@32473 sid="9000111" signature="MEDTAP a|b \"quoted\" = x" )"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(R"(severity="1")"), std::string::npos);
  EXPECT_NE(m.find(R"(cve="CVE-2025-0683")"), std::string::npos);
  EXPECT_NE(m.find(R"(detail="a\]b\\c\"d"])"), std::string::npos) << m;
  EXPECT_EQ(m.substr(m.size() - 9), "] {\"x\":1}");
}

TEST(Syslog, LongMessagesAreCutAtACharacterAndSaySo) {
  SyslogMessageOptions o;
  std::string eve(20000, 'a');
  eve[kMaxSyslogMessageBytes - 600] = '\xc3';  // a two-byte sequence around the cut
  for (size_t i = kMaxSyslogMessageBytes - 700; i < kMaxSyslogMessageBytes; i += 2) {
    eve[i] = '\xc3';
    eve[i + 1] = '\xa9';
  }
  const std::string m = formatSyslog(alertEvent(2), eve, o);
  EXPECT_LE(m.size(), kMaxSyslogMessageBytes);
  EXPECT_GT(m.size(), kMaxSyslogMessageBytes - 32);
  EXPECT_NE(m.find(R"(truncated="1"])"), std::string::npos);
  EXPECT_NE(static_cast<unsigned char>(m.back()), 0xc3);
  const std::string short_one = formatSyslog(alertEvent(2), "{}", o);
  EXPECT_EQ(short_one.find("truncated"), std::string::npos);
}

TEST(Syslog, Cef) {
  SyslogMessageOptions o;
  o.format = SyslogFormat::Cef;
  o.hostname = "h";
  const std::string m = formatSyslog(alertEvent(1), "{}", o);
  const std::string cef = m.substr(m.find("CEF:"));
  EXPECT_EQ(m.substr(0, m.find("CEF:")), "<130>1 2025-11-25T10:00:02.022903Z h medtap - alert - ");
  EXPECT_EQ(cef.substr(0, 78),
            "CEF:0|medtap|medtap|0.1.0|9000111|MEDTAP a\\|b \"quoted\" = x|10|rt=1764064802022");
  EXPECT_NE(cef.find(" src=10.12.1.18 dst=202.114.4.119 spt=40001 dpt=515 proto=TCP"),
            std::string::npos)
      << cef;
  EXPECT_NE(cef.find(" cat=phi-exposure deviceExternalId=mac:00:60:6e:12:34:56 cnt=3"),
            std::string::npos);
  EXPECT_NE(cef.find(" cs1Label=cve cs1=CVE-2025-0683"), std::string::npos);
  EXPECT_NE(cef.find("cs3=destination: 202.114.4.119:515; detail: a]b\\\\c\"d"), std::string::npos)
      << cef;
}

TEST(Syslog, ParsesServers) {
  auto udp = parseSyslogTarget("udp://10.0.0.1:5514");
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->transport, SyslogTarget::Transport::Udp);
  EXPECT_EQ(udp->host, "10.0.0.1");
  EXPECT_EQ(udp->port, 5514);
  auto tcp = parseSyslogTarget("tcp://[::1]:601");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->host, "::1");
  EXPECT_EQ(tcp->port, 601);
  auto dflt = parseSyslogTarget("udp://siem.example");
  ASSERT_TRUE(dflt);
  EXPECT_EQ(dflt->port, 514);
  auto unix_socket = parseSyslogTarget("unix:///dev/log");
  ASSERT_TRUE(unix_socket);
  EXPECT_EQ(unix_socket->host, "/dev/log");
  for (const char* bad : {"udp://h:0", "udp://h:70000", "udp://h:x", "http://h", "tcp://:601",
                          "unix://dev/log", "tcp://[::1", "udp://h:"}) {
    EXPECT_FALSE(parseSyslogTarget(bad)) << bad;
  }
}

TEST(Syslog, ADeadServerIsCountedNotFatal) {
  SyslogOptions o;
  o.server = "unix:///nonexistent/medtap-test.sock";
  auto sink = SyslogSink::open(o);
  ASSERT_TRUE(sink);
  for (int i = 0; i < 3; ++i) sink.value()->emit(alertEvent(1));
  EXPECT_EQ(sink.value()->sent(), 0u);
  EXPECT_EQ(sink.value()->failed(), 1u);  // the same packet time: one attempt, then the backoff
  EXPECT_EQ(sink.value()->queuedMessages(), 3u);
  sink.value()->flush(0);
  EXPECT_EQ(sink.value()->failed(), 2u);  // one more attempt at the end
  EXPECT_EQ(sink.value()->dropped(), 3u);
  EXPECT_FALSE(sink.value()->lastError().empty());
}

// A TCP listener on loopback: `accept` false leaves it never accepting nor reading.
struct Listener {
  int fd = -1;
  uint16_t port = 0;
  explicit Listener(bool listening) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port = ntohs(a.sin_port);
    if (listening) {
      EXPECT_EQ(::listen(fd, 1), 0);
    } else {
      ::close(fd);  // a port nothing listens on
      fd = -1;
    }
  }
  ~Listener() {
    if (fd >= 0) ::close(fd);
  }
};

events::Event alertAt(int64_t ms) {
  events::Event e = alertEvent(1);
  e.ts = Timestamp::fromSecNs(1764064800 + ms / 1000, (ms % 1000) * 1000000);
  return e;
}

// A server that accepts the connection but never reads: the kernel's buffers fill, then the
// queue, then new alerts are dropped. Every emit returns at once (the socket never blocks): one
// connection, no failure, and every alert accounted for as sent, queued or dropped.
TEST(Syslog, AServerThatNeverReadsFillsTheQueueNotThePacketPath) {
  Listener server(true);
  SyslogOptions o;
  o.server = "tcp://127.0.0.1:" + std::to_string(server.port);
  o.queue_bytes = 64 * 1024;
  auto sink = SyslogSink::open(o);
  ASSERT_TRUE(sink);
  SyslogSink& s = *sink.value();
  constexpr uint64_t kAlerts = 40000;  // about 30 MB: beyond any loopback socket buffers
  for (uint64_t i = 0; i < kAlerts; ++i) {
    s.emit(alertAt(static_cast<int64_t>(i) * 10));
    ASSERT_LE(s.queuedBytes(), o.queue_bytes);
  }
  EXPECT_EQ(s.connectAttempts(), 1u);
  EXPECT_EQ(s.failed(), 0u);
  EXPECT_GT(s.sent(), 0u);  // what the kernel took
  EXPECT_GT(s.dropped(), 0u);
  EXPECT_GT(s.queuedMessages(), 0u);
  EXPECT_EQ(s.sent() + s.dropped() + s.queuedMessages(), kAlerts);
  s.flush(0);  // no waiting: what is queued is dropped
  EXPECT_EQ(s.queuedMessages(), 0u);
  EXPECT_EQ(s.sent() + s.dropped(), kAlerts);
}

// A closed port refuses at once; the attempts follow the backoff in packet time, the same on
// every run: 0 s, then 1, 3, 7, 15, 31 and 63 s (waits of 1, 2, 4, 8, 16, 32 s), then every 60 s.
TEST(Syslog, ARefusingServerIsTriedOnABackoffInPacketTime) {
  Listener closed(false);
  SyslogOptions o;
  o.server = "tcp://127.0.0.1:" + std::to_string(closed.port);
  o.queue_bytes = 16 * 1024;
  auto sink = SyslogSink::open(o);
  ASSERT_TRUE(sink);
  SyslogSink& s = *sink.value();
  for (int64_t ms = 0; ms <= 200000; ms += 100) s.emit(alertAt(ms));  // 200 s, 2001 alerts
  EXPECT_EQ(s.connectAttempts(), 9u);  // 0, 1, 3, 7, 15, 31, 63, 123, 183 s
  EXPECT_EQ(s.failed(), 9u);
  EXPECT_EQ(s.sent(), 0u);
  EXPECT_LE(s.queuedBytes(), o.queue_bytes);
  EXPECT_EQ(s.dropped() + s.queuedMessages(), 2001u);
  EXPECT_FALSE(s.lastError().empty());
  s.flush(0);
  EXPECT_EQ(s.connectAttempts(), 10u);
  EXPECT_EQ(s.dropped(), 2001u);
}

// A server that reads gets every alert, in order, framed.
TEST(Syslog, AReadingServerGetsEveryAlertFramed) {
  Listener server(true);
  SyslogOptions o;
  o.server = "tcp://127.0.0.1:" + std::to_string(server.port);
  auto sink = SyslogSink::open(o);
  ASSERT_TRUE(sink);
  for (int i = 0; i < 5; ++i) sink.value()->emit(alertAt(i));
  const int conn = ::accept(server.fd, nullptr, nullptr);
  ASSERT_GE(conn, 0);
  sink.value()->flush();
  EXPECT_EQ(sink.value()->sent(), 5u);
  EXPECT_EQ(sink.value()->dropped(), 0u);
  std::string got;
  char buf[65536];
  for (ssize_t n; (n = ::recv(conn, buf, sizeof buf, MSG_DONTWAIT)) > 0;) got.append(buf, n);
  ::close(conn);
  size_t frames = 0;
  for (size_t at = 0; at < got.size(); ++frames) {
    const size_t space = got.find(' ', at);
    ASSERT_NE(space, std::string::npos);
    at = space + 1 + std::stoul(got.substr(at, space - at));
    ASSERT_LE(at, got.size());
  }
  EXPECT_EQ(frames, 5u);
}

}  // namespace
}  // namespace medtap::sinks
