#include "policy/policy_detector.h"

#include <fmt/format.h>

#include "detect/alert_builder.h"

namespace medtap::policy {

namespace {

constexpr int kFlowKind = 0;

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
    const auto j =
        judge_->judge(devices, c.src, c.dst, c.flow.proto, c.dst_port, c.flow.app_proto, final);
    if (!j) return false;
    if (j->allowed) return true;
    const std::string& from = j->from_zone;
    const std::string& to = j->to_zone;
    const std::string& rule = j->rule;
    const detect::AddressInfo* dst = devices.find(c.dst);

    events::AlertRecord a = detect::alertFor(c, devices);
    std::erase_if(a.evidence, [](const auto& kv) { return kv.first == "detail"; });
    a.signature_id = kSignatureId;
    a.signature = signatureFor(from, to);
    a.category = "policy-violation";
    a.severity = j->severity;
    a.attack = {"T0886 Remote Services"};
    a.evidence.emplace_back("from_zone", from);
    a.evidence.emplace_back("to_zone", to);
    a.evidence.emplace_back("service", c.detail);
    a.evidence.emplace_back("rule", rule);
    a.evidence.emplace_back("policy", judge_->source());

    if (violations_.size() < kMaxKeptViolations) {
      violations_.push_back(Violation{from, to, a.device_id, dst != nullptr ? dst->device_id : "",
                                      c.src, c.dst, c.detail, rule, j->severity, c.count});
    } else {
      ++not_kept_;
    }
    detect::emitAlert(c, std::move(a), out);
    return true;
  });
}

}  // namespace medtap::policy
