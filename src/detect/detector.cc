#include "detect/detector.h"

#include <algorithm>

namespace medtap::detect {

namespace {

// Patient tokens kept per candidate: enough to correlate, not a list of every patient.
constexpr size_t kMaxTokens = 3;

}  // namespace

void Candidates::add(int kind, const events::Event& e, const IpAddress& src, const IpAddress& dst,
                     uint16_t dst_port, std::string detail, std::optional<Timestamp> at) {
  const Timestamp ts = at.value_or(e.ts);
  Key key{kind, src, dst, dst_port, detail};
  if (done_.count(key) != 0) {
    last_ = &ignored_;  // already alerted: counted in nothing further
    ignored_ = {};
    return;
  }
  if (max_ != 0 && pending_.size() + done_.size() >= max_ && pending_.count(key) == 0) {
    if (done_.size() >= max_ / 2) {
      done_.clear();  // the decided ones make room; the pending ones still wait for their ends
    } else {
      ++refused_;
      last_ = &ignored_;
      ignored_ = {};
      return;
    }
  }
  auto [it, added] = pending_.try_emplace(key);
  Candidate& c = it->second;
  if (added) {
    c.kind = kind;
    c.flow = *e.flow;
    c.src = src;
    c.dst = dst;
    c.dst_port = dst_port;
    c.first = ts;
    c.last = ts;
    c.detail = std::move(detail);
  }
  c.first = std::min(c.first, ts);
  c.last = std::max(c.last, ts);
  ++c.count;
  last_ = &c;
}

void Candidate::noteToken(const std::string& token) {
  if (!token.empty() && patients.size() < kMaxTokens) patients.insert(token);
}

void Candidate::notePatient(const events::Hl7Patient& patient) {
  for (size_t i = 0; i < events::kHl7PhiFieldNames.size(); ++i) {
    if (patient.has(static_cast<events::Hl7PhiField>(i))) {
      fields.insert(std::string(events::kHl7PhiFieldNames[i]));
    }
  }
  noteToken(patient.id);
}

bool inAny(const std::vector<IpNetwork>& nets, const IpAddress& ip) {
  return std::any_of(nets.begin(), nets.end(), [&](const IpNetwork& n) { return n.contains(ip); });
}

}  // namespace medtap::detect
