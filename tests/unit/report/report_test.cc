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

// report.max_alert_rows and report.max_risk_rows: the rows beyond are counted, not listed.
TEST(Report, RowCapsComeFromTheLimits) {
  ReportLimits limits;
  limits.max_alert_rows = 2;
  limits.max_risk_rows = 1;
  Collector c(limits);
  for (const char* dest : {"1.2.3.4", "1.2.3.5", "1.2.3.6", "1.2.3.7"}) {
    c.emit(alert(9000201, 1, "a", dest));
  }
  c.emit(alert(9000201, 2, "b", "1.2.3.4"));
  const Reports r = buildReports(c, {});
  EXPECT_NE(r.markdown.find("2 more not listed"), std::string::npos) << r.markdown;
  EXPECT_NE(r.markdown.find("1 of 2 devices listed."), std::string::npos) << r.markdown;
}

// Advisories come right after the Contec section: the matched devices and the advisory's
// remediations from its CSAF summary; a javascript: link from an imported file is not drawn.
TEST(Report, AdvisoriesAffectingThisSiteComeBeforeDevicesByRisk) {
  Collector c;
  events::Event e = alert(9000701, 1, "mac:00:60:6e:00:00:01", "");
  auto& a = std::get<events::AlertRecord>(e.body);
  a.signature = "MEDTAP Device affected by advisory ICSMA-25-030-01: Contec CMS8000";
  a.evidence = {{"advisory", "ICSMA-25-030-01"},
                {"status", "potentially affected"},
                {"reason", "firmware unknown"},
                {"matched_as", "model MN-120 (relabel of CMS8000)"},
                {"remediation", "mitigation: from the alert"}};
  c.emit(e);
  events::DeviceRecord d;
  d.id = "mac:00:60:6e:00:00:01";
  d.vendor = "Epsimed";
  d.model = "MN-120";
  AdvisorySummary s{"ICSMA-25-030-01",
                    "Contec Health CMS8000 Patient Monitor",
                    "javascript:alert(1)",
                    {"CVE-2025-0626"},
                    9.8,
                    {{"mitigation", "Remove the devices\nfrom the network."}}};
  const Reports r = buildReports(c, {d}, nullptr, {s});
  const size_t at = r.markdown.find("## Advisories affecting this site");
  ASSERT_NE(at, std::string::npos);
  EXPECT_LT(r.markdown.find("## Contec"), at);
  EXPECT_LT(at, r.markdown.find("## Devices by risk"));
  EXPECT_NE(r.markdown.find("### ICSMA-25-030-01: Contec Health CMS8000 Patient Monitor"),
            std::string::npos);
  EXPECT_NE(r.markdown.find("CVEs: CVE-2025-0626. Highest CVSS base score: 9.8."),
            std::string::npos);
  EXPECT_NE(r.markdown.find("| Epsimed MN-120 | model MN-120 (relabel of CMS8000) | potentially "
                            "affected | firmware unknown |"),
            std::string::npos)
      << r.markdown;
  EXPECT_NE(r.markdown.find("- mitigation: Remove the devices from the network."),
            std::string::npos);
  EXPECT_EQ(r.markdown.find("from the alert"), std::string::npos);  // the CSAF summary wins
  EXPECT_EQ(r.html.find("javascript:"), std::string::npos);
  // Without a summary, the alert's evidence speaks.
  const Reports fallback = buildReports(c, {d});
  EXPECT_NE(fallback.markdown.find("- mitigation: from the alert"), std::string::npos);
}

// A monitor matched by two advisories is two findings, not one that the second overwrites.
TEST(Report, TwoAdvisoriesOnOneDeviceAreBothListed) {
  Collector c;
  for (const char* id : {"ICSMA-22-244-01", "ICSMA-25-030-01"}) {
    events::Event e = alert(9000701, 2, "mac:00:60:6e:00:00:01", "");
    std::get<events::AlertRecord>(e.body).evidence = {{"advisory", id}, {"status", "affected"}};
    c.emit(e);
  }
  EXPECT_EQ(c.alerts().size(), 2u);
  const Reports r = buildReports(c, {});
  EXPECT_NE(r.markdown.find("### ICSMA-22-244-01"), std::string::npos);
  EXPECT_NE(r.markdown.find("### ICSMA-25-030-01"), std::string::npos);
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
