#include "detect/intel.h"

#include <algorithm>
#include <variant>

#include "detect/alert_builder.h"

namespace medtap::detect {

namespace {

constexpr uint32_t kSignatureId = 9000301;
constexpr std::string_view kCategory = "threat-intel";
// A description from a pack is shown up to this long in the alert; the pack has the rest.
constexpr size_t kMaxDescription = 512;

// The alert's name by indicator type: static, as AlertRecord::signature is.
std::string_view signatureName(intel::IndicatorType type) {
  switch (type) {
    case intel::IndicatorType::Addr:
      return "MEDTAP Threat intelligence match: addr";
    case intel::IndicatorType::Subnet:
      return "MEDTAP Threat intelligence match: subnet";
    case intel::IndicatorType::Domain:
      return "MEDTAP Threat intelligence match: domain";
    case intel::IndicatorType::Url:
      return "MEDTAP Threat intelligence match: url";
  }
  return "MEDTAP Threat intelligence match";
}

std::string joined(const std::set<std::string_view>& values) {
  std::string out;
  for (auto v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// DNS RR types whose rdata is a name (RFC 1035 3.3): CNAME, and a DNAME's target.
bool rdataIsName(uint16_t rrtype) {
  return rrtype == 5 || rrtype == 39;
}

}  // namespace

void IntelDetector::note(const events::Event& e, const IpAddress& local, const IpAddress& peer,
                         const intel::Indicator* indicator, std::string_view seen_in,
                         Timestamp at) {
  if (indicator == nullptr) return;
  Key key{local, indicator};
  if (done_.count(key) != 0) return;  // already alerted
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    if (pending_.size() + done_.size() >= kMaxMatches) {
      ++dropped_;
      return;
    }
    Match m;
    m.indicator = indicator;
    m.flow = *e.flow;
    m.local = local;
    m.peer = peer;
    m.first = at;
    m.last = at;
    it = pending_.emplace(key, std::move(m)).first;
  }
  Match& m = it->second;
  m.first = std::min(m.first, at);
  m.last = std::max(m.last, at);
  ++m.count;
  m.seen_in.insert(seen_in);
}

void IntelDetector::matchHttp(const events::Event& e, const events::HttpTransaction& http) {
  const auto& f = *e.flow;
  const intel::IndicatorSet& set = *indicators_;
  std::string_view host = http.hostname;
  std::string_view path = http.url;
  // A request to a proxy names the whole URL (RFC 9112 3.2.2, absolute-form).
  if (size_t scheme = path.find("://"); scheme != std::string_view::npos && scheme < 8) {
    std::string_view rest = path.substr(scheme + 3);
    size_t slash = rest.find('/');
    if (host.empty()) host = rest.substr(0, std::min(slash, rest.find(':')));
    path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
  if (host.empty()) return;
  if (auto ip = IpAddress::parse(host)) {
    note(e, f.src_ip, f.dest_ip, set.matchAddress(*ip), "http.host", e.ts);
  } else {
    note(e, f.src_ip, f.dest_ip, set.matchDomain(host), "http.host", e.ts);
  }
  if (!path.empty()) note(e, f.src_ip, f.dest_ip, set.matchUrl(host, path), "http.url", e.ts);
}

void IntelDetector::emit(const events::Event& e) {
  if (!e.flow) return;
  const auto& f = *e.flow;
  const intel::IndicatorSet& set = *indicators_;
  // DNS, TLS and HTTP are about the flow's originator: the client that asked, connected or
  // requested. A flow is about whichever end is not the indicator.
  auto flowEnds = [&](Timestamp at) {
    note(e, f.src_ip, f.dest_ip, set.matchAddress(f.dest_ip), "flow", at);
    note(e, f.dest_ip, f.src_ip, set.matchAddress(f.src_ip), "flow", at);
  };
  // The flow's addresses are looked at on its DNS, TLS and HTTP events too, not only on its flow
  // event: that one is written when the flow ends, which on a live sensor can be hours later.
  const bool application = std::holds_alternative<events::DnsMessage>(e.body) ||
                           std::holds_alternative<events::TlsHandshake>(e.body) ||
                           std::holds_alternative<events::HttpTransaction>(e.body);
  if (application) flowEnds(e.ts);
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, events::FlowRecord>) {
          flowEnds(body.start);
        } else if constexpr (std::is_same_v<T, events::DnsMessage>) {
          if (!body.qr()) {
            for (const auto& q : body.questions) {
              note(e, f.src_ip, f.dest_ip, set.matchDomain(q.rrname), "dns.query", e.ts);
            }
            return;
          }
          for (const auto& a : body.answers) {
            note(e, f.src_ip, f.dest_ip, set.matchDomain(a.rrname), "dns.answer", e.ts);
            if (a.rrtype == 1 || a.rrtype == 28) {  // A, AAAA
              if (auto ip = IpAddress::parse(a.rdata)) {
                note(e, f.src_ip, f.dest_ip, set.matchAddress(*ip), "dns.answer", e.ts);
              }
            } else if (rdataIsName(a.rrtype)) {
              note(e, f.src_ip, f.dest_ip, set.matchDomain(a.rdata), "dns.answer", e.ts);
            }
          }
        } else if constexpr (std::is_same_v<T, events::TlsHandshake>) {
          if (!body.sni.empty()) {
            note(e, f.src_ip, f.dest_ip, set.matchDomain(body.sni), "tls.sni", e.ts);
          }
        } else if constexpr (std::is_same_v<T, events::HttpTransaction>) {
          matchHttp(e, body);
        }
      },
      e.body);
}

void IntelDetector::decide(const DeviceIndex& devices, bool final, events::EventSink& out) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    const Match& m = it->second;
    const AddressInfo* local = devices.find(m.local);
    if (local == nullptr && !final) {  // wait for the device to be known
      ++it;
      continue;
    }
    const intel::Indicator& ind = *m.indicator;
    events::AlertRecord a;
    a.signature_id = kSignatureId;
    a.signature = signatureName(ind.type);
    a.category = kCategory;
    a.severity = ind.severity;
    a.attack = {"T0869 Standard Application Layer Protocol"};
    a.device_id = local != nullptr ? local->device_id : "ip:" + m.local.toString();
    a.device_ip = m.local;
    a.evidence.emplace_back("indicator", ind.value);
    a.evidence.emplace_back("indicator_type", std::string(intel::typeName(ind.type)));
    a.evidence.emplace_back("pack", ind.pack);
    if (!ind.source.empty()) a.evidence.emplace_back("source", ind.source);
    if (!ind.name.empty()) a.evidence.emplace_back("name", ind.name);
    if (!ind.description.empty()) {
      a.evidence.emplace_back("description", ind.description.substr(0, kMaxDescription));
    }
    a.evidence.emplace_back("seen_in", joined(m.seen_in));
    a.evidence.emplace_back("peer", m.peer.toString());
    a.evidence.emplace_back("peer_locality", std::string(localityOf(devices, m.peer)));
    a.count = m.count;
    a.first_seen = m.first;
    a.last_seen = m.last;
    out.emit(events::Event{m.first, m.flow, std::move(a)});
    done_.insert(it->first);
    it = pending_.erase(it);
  }
}

}  // namespace medtap::detect
