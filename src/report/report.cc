#include "report/report.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "report/trend_chart.h"

namespace medtap::report {

namespace {

constexpr std::string_view kAdvisory =
    "https://www.cisa.gov/news-events/ics-medical-advisories/icsma-25-030-01";
constexpr std::string_view kFamilyTag = "cms8000-family";
// The Contec detections (docs/DETECTIONS.md): 90001xx.
bool isContecSignature(uint32_t sid) {
  return sid / 100 == 90001;
}

// ---- A small document both renderers walk, so that the two files cannot drift apart. ----

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct Block {
  enum class Kind { H2, H3, Paragraph, Strong, Bullets, Table, Svg, Link } kind;
  std::string text;                // heading, paragraph, link text; the SVG (already escaped)
  std::string url;                 // Link
  std::vector<std::string> items;  // Bullets
  Table table;
  Table svg_text;  // what an SVG shows, as a table for report.md
};

class Document {
 public:
  void h2(std::string t) { blocks_.push_back({Block::Kind::H2, std::move(t)}); }
  void h3(std::string t) { blocks_.push_back({Block::Kind::H3, std::move(t)}); }
  void p(std::string t) { blocks_.push_back({Block::Kind::Paragraph, std::move(t)}); }
  void strong(std::string t) { blocks_.push_back({Block::Kind::Strong, std::move(t)}); }
  void link(std::string text, std::string_view url) {
    Block b{Block::Kind::Link, std::move(text)};
    b.url = std::string(url);
    blocks_.push_back(std::move(b));
  }
  void bullets(std::vector<std::string> items) {
    Block b{Block::Kind::Bullets};
    b.items = std::move(items);
    blocks_.push_back(std::move(b));
  }
  void table(Table t) {
    Block b{Block::Kind::Table};
    b.table = std::move(t);
    blocks_.push_back(std::move(b));
  }
  void svg(std::string svg, Table as_text) {
    Block b{Block::Kind::Svg, std::move(svg)};
    b.svg_text = std::move(as_text);
    blocks_.push_back(std::move(b));
  }
  const std::vector<Block>& blocks() const { return blocks_; }

 private:
  std::vector<Block> blocks_;
};

std::string iso(Timestamp t) {
  std::string s;
  appendIso8601(s, t);
  return s.substr(0, 19) + "Z";  // to the second: a report is read by people
}

std::string joined(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

std::string protoName(uint8_t p) {
  return p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 ? "icmp" : std::to_string(p);
}

std::string bytesText(uint64_t b) {
  if (b < 10'000) return fmt::format("{} B", b);
  if (b < 10'000'000) return fmt::format("{:.1f} KB", static_cast<double>(b) / 1e3);
  if (b < 10'000'000'000) return fmt::format("{:.1f} MB", static_cast<double>(b) / 1e6);
  return fmt::format("{:.1f} GB", static_cast<double>(b) / 1e9);
}

// ---- What the sections are built from ----

struct HostInfo {
  const events::DeviceRecord* device = nullptr;
  std::string_view locality = "unknown";
};

struct Model {
  const Collector& c;
  const std::vector<events::DeviceRecord>& devices;
  std::map<IpAddress, HostInfo> by_ip;
  std::map<std::string, const events::DeviceRecord*> by_id;
  std::map<std::string, std::vector<const CollectedAlert*>> alerts_by_device;
  std::vector<const CollectedAlert*> alerts;  // severity, then time
};

Model buildModel(const Collector& c, const std::vector<events::DeviceRecord>& devices) {
  Model m{c, devices, {}, {}, {}, {}};
  for (const auto& d : devices) {
    m.by_id[d.id] = &d;
    for (const auto& a : d.addresses) m.by_ip[a.ip] = HostInfo{&d, a.locality};
  }
  for (const auto& [key, a] : c.alerts()) {
    m.alerts.push_back(&a);
    m.alerts_by_device[a.alert.device_id].push_back(&a);
  }
  std::stable_sort(m.alerts.begin(), m.alerts.end(), [](const auto* x, const auto* y) {
    return std::tie(x->alert.severity, x->alert.first_seen.ns, x->alert.signature_id) <
           std::tie(y->alert.severity, y->alert.first_seen.ns, y->alert.signature_id);
  });
  return m;
}

std::string deviceLabel(const events::DeviceRecord& d) {
  std::string what = d.vendor.empty() ? d.device_class : d.vendor + " " + d.model;
  return what.empty() || what == " " ? d.id : what;
}

std::string ipsOf(const events::DeviceRecord& d) {
  std::vector<std::string> v;
  for (const auto& ip : d.ips) v.push_back(ip.toString());
  return joined(v);
}

std::string macsOf(const events::DeviceRecord& d) {
  std::vector<std::string> v;
  for (const auto& mac : d.macs) v.push_back(mac.toString());
  return v.empty() ? "-" : joined(v);
}

std::string localitiesOf(const events::DeviceRecord& d) {
  std::set<std::string> v;
  for (const auto& a : d.addresses) {
    v.insert(std::string(a.locality) + (a.site ? " (site network)" : " (outside the site)"));
  }
  return joined(std::vector<std::string>(v.begin(), v.end()));
}

std::string destinationOf(const CollectedAlert& a) {
  return a.destination.empty() ? "-" : a.destination;
}

std::string cves(const events::AlertRecord& a) {
  std::vector<std::string> v(a.cve.begin(), a.cve.end());
  return v.empty() ? "-" : joined(v);
}

// ---- Sections ----

void contecSection(Document& doc, const Model& m) {
  doc.h2("Contec CMS8000 patient monitors (ICSMA-25-030-01)");
  std::vector<const events::DeviceRecord*> family;
  for (const auto& d : m.devices) {
    if (std::find(d.tags.begin(), d.tags.end(), kFamilyTag) != d.tags.end()) family.push_back(&d);
  }
  std::set<std::string> with_contec_alerts;
  for (const auto* a : m.alerts) {
    if (isContecSignature(a->alert.signature_id)) with_contec_alerts.insert(a->alert.device_id);
  }
  const bool affected = !family.empty() || !with_contec_alerts.empty();
  doc.strong(std::string("Are we affected? ") + (affected ? "Yes." : "No."));
  if (!affected) {
    doc.p(
        "No device of the CMS8000 family (or its relabels) was identified, and no traffic to the "
        "Contec network 202.114.4.0/24 or backdoor NFS mount was seen in this capture.");
  } else {
    doc.p(fmt::format(
        "{} device(s) of the CMS8000 family identified; {} device(s) with Contec findings.",
        family.size(), with_contec_alerts.size()));
  }
  Table t{{"device", "IP", "MAC", "vendor / model", "why tagged cms8000-family", "where",
           "what was seen"}};
  std::set<std::string> listed;
  auto row = [&](const std::string& id, const events::DeviceRecord* d) {
    if (!listed.insert(id).second) return;
    std::vector<std::string> why;
    std::vector<std::string> seen;
    if (d != nullptr) {
      for (const auto& e : d->evidence) {
        if (e.claims.find(kFamilyTag) != std::string::npos) {
          why.push_back(e.source + " = " + e.value);
        }
      }
    }
    auto it = m.alerts_by_device.find(id);
    if (it != m.alerts_by_device.end()) {
      for (const auto* a : it->second) {
        if (!isContecSignature(a->alert.signature_id)) continue;
        seen.push_back(fmt::format("{} ({}, {}x, severity {})", a->alert.signature,
                                   destinationOf(*a), a->alert.count, a->alert.severity));
      }
    }
    t.rows.push_back(
        {id, d != nullptr ? ipsOf(*d) : "-", d != nullptr ? macsOf(*d) : "-",
         d != nullptr ? d->vendor + " " + d->model : "-", why.empty() ? "-" : joined(why, "; "),
         d != nullptr ? localitiesOf(*d) : "-",
         seen.empty() ? "nothing: tagged by identification only" : joined(seen, "; ")});
  };
  for (const auto* d : family) row(d->id, d);
  for (const auto& id : with_contec_alerts) {
    auto it = m.by_id.find(id);
    row(id, it == m.by_id.end() ? nullptr : it->second);
  }
  if (!t.rows.empty()) doc.table(std::move(t));
  doc.h3("What to do");
  doc.bullets({
      "Disconnect: CISA and the FDA advise unplugging CMS8000 monitors (and relabels such as "
      "Epsimed MN-120) from the network and using local monitoring only; there is no patch "
      "that removes the backdoor.",
      "Where a monitor must stay connected, segregate it: no route from the monitors' segment "
      "to the internet, and block 202.114.4.0/24 at the firewall, in both directions.",
      "Watch for the mount of /pm over NFS and for traffic to 202.114.4.0/24 (these alerts); a "
      "device on the ward LAN at 202.114.4.119 or .120 is the manuals' default configuration and "
      "should be readdressed.",
      "CVE-2025-0626 and CVE-2025-1204: backdoor (a hard-coded address mounts and runs code); "
      "CVE-2025-0683: patient data sent in clear text to a hard-coded address.",
  });
  doc.link("CISA ICSMA-25-030-01: Contec Health CMS8000 Patient Monitor", kAdvisory);
}

// ---- Advisories affecting this site (issue #8): the vulnerable-device alerts, by advisory ----

constexpr uint32_t kVulnerableDevice = 9000701;

std::string evidenceOf(const events::AlertRecord& a, std::string_view key) {
  for (const auto& [k, v] : a.evidence) {
    if (k == key) return v;
  }
  return "";
}

// The alerts' own account of an advisory, when the run gave no CSAF summary of it.
AdvisorySummary summaryFromAlert(const CollectedAlert& c, const std::string& id) {
  const events::AlertRecord& a = c.alert;
  AdvisorySummary s;
  s.id = id;
  s.title = std::string(a.signature);
  for (const auto& cve : a.cve) s.cves.emplace_back(cve);
  const std::string cvss = evidenceOf(a, "max_cvss");
  s.max_cvss = cvss.empty() ? 0 : std::atof(cvss.c_str());
  std::string rest = evidenceOf(a, "remediation");
  while (!rest.empty() && rest != "none given") {
    const size_t bar = rest.find(" | ");
    std::string one = rest.substr(0, bar);
    const size_t colon = one.find(": ");
    if (colon == std::string::npos) {
      s.remediations.emplace_back("", one);
    } else {
      s.remediations.emplace_back(one.substr(0, colon), one.substr(colon + 2));
    }
    rest = bar == std::string::npos ? "" : rest.substr(bar + 3);
  }
  return s;
}

// A link from an imported file is drawn only when it is a plain web address: no javascript: or
// data: scheme, nothing that would end the Markdown link early.
bool plainWebUrl(std::string_view url) {
  const bool web = url.substr(0, 8) == "https://" || url.substr(0, 7) == "http://";
  return web && url.size() <= 2048 && std::none_of(url.begin(), url.end(), [](char c) {
           return c <= ' ' || c == '(' || c == ')' || c == '<' || c == '>' || c == '"';
         });
}

// One line of a bullet list, whatever the advisory's text holds.
std::string oneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

void advisoriesSection(Document& doc, const Model& m, const std::vector<AdvisorySummary>& known) {
  doc.h2("Advisories affecting this site");
  std::map<std::string, std::vector<const CollectedAlert*>> by_advisory;
  for (const auto* a : m.alerts) {  // severity first: the worst advisory leads
    if (a->alert.signature_id != kVulnerableDevice) continue;
    const std::string id = evidenceOf(a->alert, "advisory");
    if (!id.empty()) by_advisory[id].push_back(a);
  }
  if (by_advisory.empty()) {
    doc.p(
        "No device of this site matched a known advisory (the built-in ones and those imported "
        "with medtap advisories import).");
    return;
  }
  std::vector<std::string> order;
  for (const auto& [id, alerts] : by_advisory) order.push_back(id);
  std::stable_sort(order.begin(), order.end(), [&](const std::string& x, const std::string& y) {
    return by_advisory[x].front()->alert.severity < by_advisory[y].front()->alert.severity;
  });
  doc.p(
      fmt::format("{} advisory(ies) concern devices identified in this capture; each lists the "
                  "devices it matched and what its publisher says to do.",
                  order.size()));
  for (const std::string& id : order) {
    const auto& alerts = by_advisory[id];
    auto it = std::find_if(known.begin(), known.end(),
                           [&](const AdvisorySummary& a) { return a.id == id; });
    const AdvisorySummary s = it != known.end() ? *it : summaryFromAlert(*alerts.front(), id);
    doc.h3(s.title.find(id) == std::string::npos ? id + ": " + s.title : s.title);
    doc.p(fmt::format("CVEs: {}. Highest CVSS base score: {:.1f}.",
                      s.cves.empty() ? "none listed" : joined(s.cves), s.max_cvss));
    Table t{{"device", "IP", "vendor / model (as labelled)", "matched as", "status", "why"}};
    for (const auto* a : alerts) {
      const auto d = m.by_id.find(a->alert.device_id);
      const events::DeviceRecord* dev = d == m.by_id.end() ? nullptr : d->second;
      const std::string label =
          dev != nullptr && !(dev->vendor.empty() && dev->model.empty())
              ? dev->vendor + " " + dev->model
              : evidenceOf(a->alert, "vendor") + " " + evidenceOf(a->alert, "model");
      t.rows.push_back({a->alert.device_id,
                        dev != nullptr ? ipsOf(*dev) : a->alert.device_ip.toString(), label,
                        evidenceOf(a->alert, "matched_as"), evidenceOf(a->alert, "status"),
                        evidenceOf(a->alert, "reason")});
    }
    doc.table(std::move(t));
    doc.strong("Remediations (from the advisory)");
    std::vector<std::string> items;
    for (const auto& [category, details] : s.remediations) {
      items.push_back(oneLine(category.empty() ? details : category + ": " + details));
    }
    if (items.empty()) items.push_back("The advisory gives none.");
    doc.bullets(std::move(items));
    if (plainWebUrl(s.url)) doc.link(id + " (advisory)", s.url);
  }
}

struct RiskRow {
  const events::DeviceRecord* device;
  std::string id;
  int score;
  int by_severity[4];
};

std::vector<RiskRow> riskRows(const Model& m) {
  std::vector<RiskRow> rows;
  std::set<std::string> seen;
  auto add = [&](const std::string& id, const events::DeviceRecord* d) {
    if (!seen.insert(id).second) return;
    static const std::vector<const CollectedAlert*> kNone;
    auto it = m.alerts_by_device.find(id);
    const auto& alerts = it == m.alerts_by_device.end() ? kNone : it->second;
    events::DeviceRecord empty;
    RiskRow r{d, id, riskScore(d != nullptr ? *d : empty, alerts), {0, 0, 0, 0}};
    for (const auto* a : alerts) ++r.by_severity[std::min<int>(a->alert.severity, 3)];
    if (r.score > 0) rows.push_back(r);
  };
  for (const auto& d : m.devices) add(d.id, &d);
  for (const auto& [id, alerts] : m.alerts_by_device) {
    auto it = m.by_id.find(id);
    add(id, it == m.by_id.end() ? nullptr : it->second);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const RiskRow& a, const RiskRow& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  return rows;
}

void riskSection(Document& doc, const Model& m, const std::vector<RiskRow>& rows) {
  doc.h2("Devices by risk");
  doc.p(
      "Score: 10 for each distinct severity-1 alert about the device, 4 for each severity 2, 1 "
      "for each severity 3, and 5 when it is tagged cms8000-family. Devices scoring 0 are not "
      "listed.");
  Table t{{"score", "device", "class", "vendor / model", "IP", "alerts (sev 1 / 2 / 3)"}};
  for (size_t i = 0; i < rows.size() && i < m.c.limits().max_risk_rows; ++i) {
    const auto& r = rows[i];
    t.rows.push_back(
        {std::to_string(r.score), r.id, r.device ? r.device->device_class : "-",
         r.device ? deviceLabel(*r.device) : "-", r.device ? ipsOf(*r.device) : "-",
         fmt::format("{} / {} / {}", r.by_severity[1], r.by_severity[2], r.by_severity[3])});
  }
  if (t.rows.empty()) {
    doc.p(fmt::format("None of the {} devices has an alert or a risky tag.", m.devices.size()));
    return;
  }
  doc.table(std::move(t));
  doc.p(fmt::format("{} of {} devices listed.", std::min(rows.size(), m.c.limits().max_risk_rows),
                    std::max(m.devices.size(), rows.size())));
}

void alertsSection(Document& doc, const Model& m) {
  doc.h2("Alerts by severity");
  if (m.alerts.empty()) {
    doc.p("No alert was raised.");
    return;
  }
  for (int sev = 1; sev <= 3; ++sev) {
    Table t{
        {"sid", "signature", "device", "destination", "count", "first seen", "last seen", "CVE"}};
    size_t total = 0;
    for (const auto* a : m.alerts) {
      if (std::min<int>(a->alert.severity, 3) != sev) continue;
      if (++total > m.c.limits().max_alert_rows) continue;
      const auto& r = a->alert;
      t.rows.push_back({std::to_string(r.signature_id), std::string(r.signature), r.device_id,
                        destinationOf(*a), std::to_string(r.count), iso(r.first_seen),
                        iso(r.last_seen), cves(r)});
    }
    if (total == 0) continue;
    static constexpr std::string_view kNames[] = {"", "high", "medium", "low"};
    doc.h3(fmt::format("Severity {} ({}): {} alert(s)", sev, kNames[sev], total));
    doc.table(std::move(t));
    if (total > t.rows.size() && total > m.c.limits().max_alert_rows) {
      doc.p(fmt::format("{} more not listed (eve.json and medtap.db hold them all).",
                        total - m.c.limits().max_alert_rows));
    }
  }
  if (m.c.alertsDropped() > 0) {
    doc.p(fmt::format("{} distinct alerts beyond the report's cap of {} are not shown.",
                      m.c.alertsDropped(), m.c.limits().max_alerts));
  }
}

constexpr std::string_view kSeverityColour[] = {"#888", "#c0392b", "#e67e22", "#2980b9"};

void timelineSection(Document& doc, const Model& m) {
  doc.h2("Timeline");
  if (m.alerts.empty()) {
    doc.p("No alert to place in time.");
    return;
  }
  Timestamp lo = m.c.firstPacket(), hi = m.c.lastPacket();
  for (const auto* a : m.alerts) {
    if (lo.ns == 0 || a->alert.first_seen < lo) lo = a->alert.first_seen;
    if (hi < a->alert.first_seen) hi = a->alert.first_seen;
  }
  const size_t bins = m.c.limits().timeline_bins;
  const int64_t span = std::max<int64_t>(hi.ns - lo.ns, 1);
  std::vector<std::array<uint64_t, 4>> count(bins, {0, 0, 0, 0});
  auto binOf = [&](Timestamp t) {
    return std::min(bins - 1, static_cast<size_t>(static_cast<double>(t.ns - lo.ns) /
                                                  static_cast<double>(span) * bins));
  };
  for (const auto* a : m.alerts) {
    count[binOf(a->alert.first_seen)][std::min<int>(a->alert.severity, 3)]++;
  }
  uint64_t peak = 1;
  for (const auto& c : count) peak = std::max(peak, c[1] + c[2] + c[3]);
  doc.p(fmt::format("Alerts by their first occurrence, {} to {} (packet time), {} bins.", iso(lo),
                    iso(hi), bins));
  constexpr int kW = 720, kH = 160, kPad = 30;
  const double bw = static_cast<double>(kW - 2 * kPad) / static_cast<double>(bins);
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"alerts over time\"><rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>",
      kW, kH, kW, kH);
  Table text{{"from", "severity 1", "severity 2", "severity 3"}};
  for (size_t i = 0; i < bins; ++i) {
    double y = kH - kPad;
    for (int sev = 1; sev <= 3; ++sev) {
      if (count[i][sev] == 0) continue;
      const double h =
          static_cast<double>(count[i][sev]) / static_cast<double>(peak) * (kH - 2 * kPad);
      y -= h;
      svg += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>",
          kPad + i * bw, y, std::max(bw - 1, 1.0), h, kSeverityColour[sev]);
    }
    if (count[i][1] + count[i][2] + count[i][3] > 0) {
      const Timestamp from{lo.ns + static_cast<int64_t>(static_cast<double>(span) / bins * i)};
      text.rows.push_back({iso(from), std::to_string(count[i][1]), std::to_string(count[i][2]),
                           std::to_string(count[i][3])});
    }
  }
  svg += fmt::format(
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/>"
      "<text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>"
      "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>"
      "<text x=\"{}\" y=\"{}\" font-size=\"11\">peak {} per bin; red severity 1, orange 2, blue "
      "3</text></svg>",
      kPad, kH - kPad, kW - kPad, kH - kPad, kPad, kH - kPad + 15, htmlEscape(iso(lo)), kW - kPad,
      kH - kPad + 15, htmlEscape(iso(hi)), kPad, 15, peak);
  doc.svg(std::move(svg), std::move(text));
}

void mapSection(Document& doc, const Model& m, const std::vector<RiskRow>& rows) {
  doc.h2("Communication maps");
  doc.p(
      "For each device with an alert: the hosts it exchanged flows with (the busiest by bytes), "
      "with port, protocol and where they are. A red line is a peer an alert is about.");
  if (m.c.edgesDropped() > 0) {
    doc.p(fmt::format("{} flows beyond the report's cap of {} host pairs are not drawn.",
                      m.c.edgesDropped(), m.c.limits().max_edges));
  }
  bool any = false;
  for (const auto& r : rows) {
    auto alerts_it = m.alerts_by_device.find(r.id);
    if (alerts_it == m.alerts_by_device.end()) continue;
    std::set<IpAddress> mine;
    if (r.device != nullptr) mine.insert(r.device->ips.begin(), r.device->ips.end());
    std::set<IpAddress> alerted;
    for (const auto* a : alerts_it->second) {
      if (a->alert.device_ip.family() != IpFamily::None) mine.insert(a->alert.device_ip);
      if (a->flow) {
        alerted.insert(a->flow->dest_ip);
        alerted.insert(a->flow->src_ip);
      }
    }
    struct Peer {
      IpAddress ip;
      uint16_t port;
      uint8_t proto;
      const Edge* edge;
      bool outbound;
    };
    std::vector<Peer> peers;
    for (const auto& [key, edge] : m.c.edges()) {
      const auto& [a, b, port, proto] = key;
      if (mine.count(a) != 0 && mine.count(b) == 0) peers.push_back({b, port, proto, &edge, true});
      if (mine.count(b) != 0 && mine.count(a) == 0) peers.push_back({a, port, proto, &edge, false});
    }
    std::stable_sort(peers.begin(), peers.end(), [&](const Peer& x, const Peer& y) {
      const bool ax = alerted.count(x.ip) != 0, ay = alerted.count(y.ip) != 0;
      if (ax != ay) return ax;
      return x.edge->bytes > y.edge->bytes;
    });
    const size_t total = peers.size();
    if (peers.size() > m.c.limits().max_map_peers) peers.resize(m.c.limits().max_map_peers);
    any = true;
    doc.h3(fmt::format("{} ({})", r.id, r.device ? deviceLabel(*r.device) : "not in inventory"));
    if (peers.empty()) {
      doc.p("No flow of this device was kept.");
      continue;
    }
    constexpr int kW = 720, kH = 520;
    constexpr double kCx = kW / 2.0, kCy = kH / 2.0, kR = 200;
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
        "aria-label=\"communication map\"><rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>",
        kW, kH, kW, kH);
    std::string nodes;
    Table text{
        {"peer", "direction", "port/proto", "where", "flows", "bytes", "first", "last", "alert"}};
    for (size_t i = 0; i < peers.size(); ++i) {
      const Peer& p = peers[i];
      const double angle = 2 * M_PI * static_cast<double>(i) / static_cast<double>(peers.size());
      const double x = kCx + kR * std::cos(angle), y = kCy + kR * std::sin(angle);
      const bool red = alerted.count(p.ip) != 0;
      auto host = m.by_ip.find(p.ip);
      const std::string where =
          host == m.by_ip.end() ? "unknown" : std::string(host->second.locality);
      const std::string label = host == m.by_ip.end() || host->second.device == nullptr
                                    ? p.ip.toString()
                                    : p.ip.toString() + " " + host->second.device->device_class;
      const std::string port =
          fmt::format("{}{}/{}", p.outbound ? "" : "from ", p.port, protoName(p.proto));
      svg += fmt::format(
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
          "stroke-width=\"{}\"/>",
          kCx, kCy, x, y, red ? "#c0392b" : "#999", red ? 3 : 1);
      nodes += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"6\" fill=\"{}\"/>"
          "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"middle\">{}</text>"
          "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"9\" text-anchor=\"middle\" "
          "fill=\"#555\">{} {}</text>",
          x, y, red ? "#c0392b" : "#4a6fa5", x, y - 10, htmlEscape(label), x, y + 16,
          htmlEscape(port), htmlEscape(where));
      text.rows.push_back({p.ip.toString() + (host != m.by_ip.end() && host->second.device
                                                  ? " (" + host->second.device->id + ")"
                                                  : ""),
                           p.outbound ? "to" : "from",
                           fmt::format("{}/{}", p.port, protoName(p.proto)), where,
                           std::to_string(p.edge->flows), bytesText(p.edge->bytes),
                           iso(p.edge->first), iso(p.edge->last), red ? "yes" : ""});
    }
    svg += nodes;
    svg += fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"12\" fill=\"#222\"/>"
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\" "
        "text-anchor=\"middle\">{}</text></svg>",
        kCx, kCy, kCx, kCy - 18, htmlEscape(r.device ? ipsOf(*r.device) : r.id));
    doc.svg(std::move(svg), std::move(text));
    if (total > peers.size()) {
      doc.p(fmt::format("{} more peer(s) not drawn.", total - peers.size()));
    }
  }
  if (!any) doc.p("No device has an alert.");
}

// The trend of each bed with a vital-sign alert (report/trend_chart.h draws them).
void vitalsSection(Document& doc, const VitalsTrends& v) {
  if (v.beds.empty()) return;
  doc.h2("Vital-sign integrity");
  doc.p(
      "For each bed with a vital-sign integrity alert (9000601-9000607): the per-minute trend of "
      "every parameter its devices sent (band from minimum to maximum, line at the mean; one "
      "colour per device), with the windows the checks flagged shaded and labelled. Bed, device "
      "and numbers only; `medtap vitals export --bed BED` gives the minutes as CSV.");
  if (v.beds_left_out > 0) {
    doc.p(fmt::format("{} more beds with alerts are not drawn (the {} with the most alerts are).",
                      v.beds_left_out, TrendLimits::kMaxBeds));
  }
  for (auto& fig : trendFigures(v)) {
    doc.h3(fig.title);
    Table t{trendTableHeader(), std::move(fig.rows)};
    if (fig.svg.empty()) {
      doc.p("No trend stored for this bed in the run's time.");
      doc.table(std::move(t));
    } else {
      doc.svg(std::move(fig.svg), std::move(t));
    }
  }
}

// ---- Renderers ----

std::string mdCell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

void mdTable(std::string& out, const Table& t) {
  out += "|";
  for (const auto& h : t.header) out += " " + mdCell(h) + " |";
  out += "\n|";
  for (size_t i = 0; i < t.header.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const auto& c : row) out += " " + mdCell(c) + " |";
    out += "\n";
  }
  out += "\n";
}

std::string renderMarkdown(const Document& doc, const std::string& title,
                           const std::string& subtitle) {
  std::string out = "# " + title + "\n\n" + subtitle + "\n\n";
  for (const auto& b : doc.blocks()) {
    switch (b.kind) {
      case Block::Kind::H2:
        out += "## " + b.text + "\n\n";
        break;
      case Block::Kind::H3:
        out += "### " + b.text + "\n\n";
        break;
      case Block::Kind::Paragraph:
        out += b.text + "\n\n";
        break;
      case Block::Kind::Strong:
        out += "**" + b.text + "**\n\n";
        break;
      case Block::Kind::Link:
        out += "[" + b.text + "](" + b.url + ")\n\n";
        break;
      case Block::Kind::Bullets:
        for (const auto& i : b.items) out += "- " + i + "\n";
        out += "\n";
        break;
      case Block::Kind::Table:
        mdTable(out, b.table);
        break;
      case Block::Kind::Svg:
        mdTable(out, b.svg_text);
        break;
    }
  }
  return out;
}

void htmlTable(std::string& out, const Table& t) {
  out += "<table><thead><tr>";
  for (const auto& h : t.header) out += "<th>" + htmlEscape(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& c : row) out += "<td>" + htmlEscape(c) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

constexpr std::string_view kCss =
    "body{font-family:sans-serif;margin:2em;color:#222;max-width:1200px}"
    "table{border-collapse:collapse;margin:0.5em 0 1em}"
    "th,td{border:1px solid #ccc;padding:3px 6px;font-size:13px;text-align:left;"
    "vertical-align:top}"
    "th{background:#eee}h2{border-bottom:2px solid #444;margin-top:1.5em}"
    ".verdict{font-size:1.3em}details{margin:0.3em 0 1em}";

std::string renderHtml(const Document& doc, const std::string& title, const std::string& subtitle) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                    htmlEscape(title) + "</title><style>" + std::string(kCss) +
                    "</style></head><body>\n<h1>" + htmlEscape(title) + "</h1>\n<p>" +
                    htmlEscape(subtitle) + "</p>\n";
  for (const auto& b : doc.blocks()) {
    switch (b.kind) {
      case Block::Kind::H2:
        out += "<h2>" + htmlEscape(b.text) + "</h2>\n";
        break;
      case Block::Kind::H3:
        out += "<h3>" + htmlEscape(b.text) + "</h3>\n";
        break;
      case Block::Kind::Paragraph:
        out += "<p>" + htmlEscape(b.text) + "</p>\n";
        break;
      case Block::Kind::Strong:
        out += "<p class=\"verdict\"><strong>" + htmlEscape(b.text) + "</strong></p>\n";
        break;
      case Block::Kind::Link:
        out += "<p><a href=\"" + htmlEscape(b.url) + "\">" + htmlEscape(b.text) + "</a></p>\n";
        break;
      case Block::Kind::Bullets:
        out += "<ul>";
        for (const auto& i : b.items) out += "<li>" + htmlEscape(i) + "</li>";
        out += "</ul>\n";
        break;
      case Block::Kind::Table:
        htmlTable(out, b.table);
        break;
      case Block::Kind::Svg:
        out += "<div>" + b.text + "</div>\n<details><summary>as a table</summary>";
        htmlTable(out, b.svg_text);
        out += "</details>\n";
        break;
    }
  }
  out += "</body></html>\n";
  return out;
}

Status writeFile(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  bool ok = f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int saved = errno;
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;
  if (!ok)
    return Error{path + ": cannot write the report: " + std::strerror(saved ? saved : errno)};
  return Ok{};
}

}  // namespace

void Collector::emit(const events::Event& event) {
  if (event.ts.ns != 0) {
    if (first_.ns == 0 || event.ts < first_) first_ = event.ts;
    if (last_ < event.ts) last_ = event.ts;
  }
  if (const auto* f = std::get_if<events::FlowRecord>(&event.body)) {
    if (!event.flow) return;
    const EdgeKey key{event.flow->src_ip, event.flow->dest_ip, event.flow->dest_port,
                      event.flow->proto};
    auto it = edges_.find(key);
    if (it == edges_.end()) {
      if (edges_.size() >= limits_.max_edges) {
        ++edges_dropped_;
        return;
      }
      it = edges_.emplace(key, Edge{0, 0, f->start, f->end, event.flow->app_proto}).first;
    }
    Edge& e = it->second;
    e.flows++;
    e.bytes += f->bytes_toserver + f->bytes_toclient;
    if (f->start < e.first) e.first = f->start;
    if (e.last < f->end) e.last = f->end;
    return;
  }
  if (const auto* a = std::get_if<events::AlertRecord>(&event.body)) {
    std::string destination;
    for (const auto& [k, v] : a->evidence) {
      if (k == "destination") destination = v;
    }
    auto key = std::make_tuple(a->signature_id, a->device_id, std::string(a->distinctKey()));
    auto it = alerts_.find(key);
    if (it == alerts_.end() && alerts_.size() >= limits_.max_alerts) {
      ++alerts_dropped_;
      return;
    }
    alerts_[key] = CollectedAlert{*a, event.flow, std::move(destination)};
  }
}

int riskScore(const events::DeviceRecord& device,
              const std::vector<const CollectedAlert*>& alerts) {
  int score = 0;
  for (const auto* a : alerts)
    score += a->alert.severity == 1 ? 10 : a->alert.severity == 2 ? 4 : 1;
  if (std::find(device.tags.begin(), device.tags.end(), kFamilyTag) != device.tags.end()) {
    score += 5;
  }
  return score;
}

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Reports buildReports(const Collector& collected, const std::vector<events::DeviceRecord>& devices,
                     const VitalsTrends* vitals, const std::vector<AdvisorySummary>& advisories) {
  const Model m = buildModel(collected, devices);
  const auto rows = riskRows(m);
  Document doc;
  contecSection(doc, m);
  advisoriesSection(doc, m, advisories);
  riskSection(doc, m, rows);
  alertsSection(doc, m);
  timelineSection(doc, m);
  if (vitals != nullptr) vitalsSection(doc, *vitals);
  mapSection(doc, m, rows);
  const std::string title = "medtap report";
  size_t high = 0;
  for (const auto* a : m.alerts) high += a->alert.severity == 1 ? 1 : 0;
  const std::string subtitle =
      collected.firstPacket().ns == 0
          ? fmt::format("{} devices, {} alerts.", devices.size(), m.alerts.size())
          : fmt::format(
                "Traffic from {} to {} (packet time): {} devices, {} alerts ({} of "
                "severity 1).",
                iso(collected.firstPacket()), iso(collected.lastPacket()), devices.size(),
                m.alerts.size(), high);
  return Reports{renderHtml(doc, title, subtitle), renderMarkdown(doc, title, subtitle)};
}

Status writeReports(const std::string& dir, const Reports& reports) {
  if (auto s = writeFile(dir + "/report.html", reports.html); !s) return s;
  return writeFile(dir + "/report.md", reports.markdown);
}

}  // namespace medtap::report
