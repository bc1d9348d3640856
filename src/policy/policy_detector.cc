#include "policy/policy_detector.h"

#include <fmt/format.h>

#include "detect/alert_builder.h"

namespace medtap::policy {

namespace {

constexpr int kFlowKind = 0;

// A device being identified may still change zone: wait for its class while the run goes on.
bool identified(const detect::AddressInfo* info) {
  return info != nullptr && info->device_class != "unknown";
}

}  // namespace

void PolicyDetector::emit(const events::Event& e) {
  // One candidate per flow, at its end: the flow event carries both ends and the protocol.
  if (!e.flow || !std::holds_alternative<events::FlowRecord>(e.body)) return;
  const events::FlowRef& f = *e.flow;
  if (isLinkScoped(f.src_ip) || isLinkScoped(f.dest_ip)) return;
  // The key's detail keeps protocols and apps apart: udp/53 and tcp/53 are two services.
  candidates_.add(kFlowKind, e, f.src_ip, f.dest_ip, f.dest_port,
                  serviceName(f.proto, f.dest_port, f.app_proto));
}

std::string_view PolicyDetector::signatureFor(std::string_view from, std::string_view to) {
  std::string name = fmt::format("MEDTAP Segmentation policy violation: {} to {}", from, to);
  return *signatures_.insert(std::move(name)).first;
}

void PolicyDetector::decide(const detect::DeviceIndex& devices, bool final,
                            events::EventSink& out) {
  candidates_.decideEach([&](const detect::Candidate& c) {
    const detect::AddressInfo* src = devices.find(c.src);
    const detect::AddressInfo* dst = devices.find(c.dst);
    if (!final && (!identified(src) || !identified(dst))) return false;
    const std::string_view from = zoneName(zoneOf(*policy_, {c.src, src}, site_networks_));
    const std::string_view to = zoneName(zoneOf(*policy_, {c.dst, dst}, site_networks_));
    const Decision d = evaluate(*policy_, {from, to, c.flow.proto, c.dst_port, c.flow.app_proto});
    if (d.verdict == Verdict::Allow) return true;
    const std::string rule = d.rule != nullptr ? d.rule->label : "default: deny";

    events::AlertRecord a = detect::alertFor(c, devices);
    std::erase_if(a.evidence, [](const auto& kv) { return kv.first == "detail"; });
    a.signature_id = kSignatureId;
    a.signature = signatureFor(from, to);
    a.category = "policy-violation";
    a.severity = d.severity;
    a.attack = {"T0886 Remote Services"};
    a.evidence.emplace_back("from_zone", std::string(from));
    a.evidence.emplace_back("to_zone", std::string(to));
    a.evidence.emplace_back("service", c.detail);
    a.evidence.emplace_back("rule", rule);
    a.evidence.emplace_back("policy", policy_->source);

    if (violations_.size() < kMaxKeptViolations) {
      violations_.push_back(Violation{std::string(from), std::string(to), a.device_id,
                                      dst != nullptr ? dst->device_id : "", c.src, c.dst, c.detail,
                                      rule, d.severity, c.count});
    } else {
      ++not_kept_;
    }
    detect::emitAlert(c, std::move(a), out);
    return true;
  });
}

}  // namespace medtap::policy
