#include "report/report.h"

#include <gtest/gtest.h>

namespace medtap::report {
namespace {

events::Event alert(uint32_t sid, uint8_t severity, std::string device, std::string dest) {
  events::AlertRecord a;
  a.signature_id = sid;
  a.signature = "MEDTAP <b>test</b> & \"more\"";
  a.category = "phi-exposure";
  a.severity = severity;
  a.device_id = std::move(device);
  a.device_ip = *IpAddress::parse("10.0.0.5");
  a.evidence = {{"destination", std::move(dest)}};
  a.first_seen = a.last_seen = Timestamp::fromSeconds(1764064800);
  return events::Event{a.first_seen, std::nullopt, a};
}

events::Event flow(const char* src, const char* dst, uint16_t port) {
  events::FlowRef f;
  f.src_ip = *IpAddress::parse(src);
  f.dest_ip = *IpAddress::parse(dst);
  f.dest_port = port;
  f.proto = 6;
  events::FlowRecord r;
  r.bytes_toserver = 100;
  r.start = r.end = Timestamp::fromSeconds(1764064800);
  return events::Event{r.end, f, r};
}

TEST(Report, EscapesHtml) {
  EXPECT_EQ(htmlEscape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

TEST(Report, RiskScoreRule) {
  Collector c;
  c.emit(alert(9000101, 1, "dev", "1.2.3.4:892"));
  c.emit(alert(9000121, 2, "dev", "1.2.3.4"));
  c.emit(alert(9000122, 3, "dev", "1.2.3.5"));
  std::vector<const CollectedAlert*> alerts;
  for (const auto& [k, a] : c.alerts()) alerts.push_back(&a);
  events::DeviceRecord d;
  EXPECT_EQ(riskScore(d, alerts), 15);
  d.tags = {"cms8000-family"};
  EXPECT_EQ(riskScore(d, alerts), 20);
  EXPECT_EQ(riskScore(d, {}), 5);
}

TEST(Report, CollectorIsBoundedAndMergesRepeats) {
  ReportLimits limits;
  limits.max_edges = 2;
  limits.max_alerts = 2;
  Collector c(limits);
  c.emit(flow("10.0.0.5", "1.2.3.4", 515));
  c.emit(flow("10.0.0.5", "1.2.3.4", 515));
  c.emit(flow("10.0.0.5", "1.2.3.5", 515));
  c.emit(flow("10.0.0.5", "1.2.3.6", 515));
  EXPECT_EQ(c.edges().size(), 2u);
  EXPECT_EQ(c.edges().begin()->second.flows, 2u);
  EXPECT_EQ(c.edgesDropped(), 1u);
  c.emit(alert(1, 1, "a", "x"));
  c.emit(alert(1, 1, "a", "x"));  // the same alert reported again: one entry
  c.emit(alert(1, 1, "a", "y"));
  c.emit(alert(1, 1, "a", "z"));
  EXPECT_EQ(c.alerts().size(), 2u);
  EXPECT_EQ(c.alertsDropped(), 1u);
}

TEST(Report, EverythingFromTheWireIsEscaped) {
  Collector c;
  c.emit(flow("10.0.0.5", "1.2.3.4", 515));
  c.emit(alert(9000111, 1, "dev<script>", "1.2.3.4:515"));
  events::DeviceRecord d;
  d.id = "dev<script>";
  d.vendor = "<img src=x>";
  d.ips = {*IpAddress::parse("10.0.0.5")};
  d.tags = {"cms8000-family"};
  const Reports r = buildReports(c, {d});
  EXPECT_EQ(r.html.find("<script"), std::string::npos);
  EXPECT_EQ(r.html.find("<img"), std::string::npos);
  EXPECT_NE(r.html.find("dev&lt;script&gt;"), std::string::npos);
  EXPECT_NE(r.html.find("MEDTAP &lt;b&gt;test&lt;/b&gt; &amp; &quot;more&quot;"),
            std::string::npos);
  EXPECT_NE(r.html.find("Are we affected? Yes."), std::string::npos);
  EXPECT_NE(r.markdown.find("**Are we affected? Yes.**"), std::string::npos);
  EXPECT_LT(r.markdown.find("## Contec"), r.markdown.find("## Devices by risk"));
}

TEST(Report, NotAffectedWithoutContecDevicesOrAlerts) {
  Collector c;
  events::DeviceRecord d;
  d.id = "mac:00:11:22:33:44:55";
  const Reports r = buildReports(c, {d});
  EXPECT_NE(r.markdown.find("**Are we affected? No.**"), std::string::npos);
  EXPECT_NE(r.markdown.find("No alert was raised."), std::string::npos);
}

}  // namespace
}  // namespace medtap::report
