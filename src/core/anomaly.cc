#include "core/anomaly.h"

namespace medtap {

namespace {

struct AnomalyInfo {
  std::string_view id;
  std::string_view text;
};

constexpr std::array<AnomalyInfo, kAnomalyCount> kAnomalyInfo{{
#define MEDTAP_ANOMALY_INFO(name, id, text) {id, text},
    MEDTAP_ANOMALIES(MEDTAP_ANOMALY_INFO)
#undef MEDTAP_ANOMALY_INFO
}};

}  // namespace

std::string_view anomalyName(Anomaly a) {
  return kAnomalyInfo[static_cast<size_t>(a)].id;
}
std::string_view anomalyDescription(Anomaly a) {
  return kAnomalyInfo[static_cast<size_t>(a)].text;
}

uint64_t AnomalyCounters::total() const {
  uint64_t t = 0;
  for (uint64_t c : counts_) t += c;
  return t;
}

void AnomalyCounters::merge(const AnomalyCounters& other) {
  for (size_t i = 0; i < kAnomalyCount; ++i) counts_[i] += other.counts_[i];
}

}  // namespace medtap
