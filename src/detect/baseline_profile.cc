#include "detect/baseline_profile.h"

#include <cmath>

namespace medtap::detect {

namespace {

constexpr std::array<std::string_view, kProfileKinds> kKindNames = {"peer", "port", "protocol",
                                                                    "dns"};

}  // namespace

std::string_view profileKindName(ProfileKind kind) {
  return kKindNames[static_cast<size_t>(kind)];
}

bool parseProfileKind(std::string_view name, ProfileKind& kind) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) {
      kind = static_cast<ProfileKind>(i);
      return true;
    }
  }
  return false;
}

size_t profileCap(ProfileKind kind, bool device_class) {
  size_t cap = 0;
  switch (kind) {
    case ProfileKind::Peer:
      cap = kMaxPeersPerDevice;
      break;
    case ProfileKind::Port:
      cap = kMaxPortsPerDevice;
      break;
    case ProfileKind::Protocol:
      cap = kMaxProtocolsPerDevice;
      break;
    case ProfileKind::DnsName:
      cap = kMaxDnsNamesPerDevice;
      break;
  }
  return device_class ? cap * kClassCapFactor : cap;
}

void VolumeStats::add(double bytes) {
  ++hours;
  const double delta = bytes - mean;
  mean += delta / static_cast<double>(hours);
  m2 += delta * (bytes - mean);
}

void VolumeStats::merge(const VolumeStats& o) {
  if (o.hours == 0) return;
  if (hours == 0) {
    *this = o;
    return;
  }
  const double n = static_cast<double>(hours + o.hours);
  const double delta = o.mean - mean;
  mean += delta * static_cast<double>(o.hours) / n;
  m2 += o.m2 + delta * delta * static_cast<double>(hours) * static_cast<double>(o.hours) / n;
  hours += o.hours;
}

double VolumeStats::stddev() const {
  return hours < 2 ? 0.0 : std::sqrt(m2 / static_cast<double>(hours - 1));
}

bool Profile::learn(ProfileKind kind, const std::string& value, size_t cap) {
  ProfileSet& s = set(kind);
  if (s.values.count(value) != 0) return false;
  if (s.values.size() >= cap) {
    s.overflowed = true;
    return false;
  }
  s.values.insert(value);
  return true;
}

bool Profile::knows(ProfileKind kind, const std::string& value) const {
  return set(kind).values.count(value) != 0;
}

void Profile::merge(const Profile& other, bool device_class) {
  for (size_t i = 0; i < kProfileKinds; ++i) {
    const auto kind = static_cast<ProfileKind>(i);
    for (const auto& v : other.sets[i].values) learn(kind, v, profileCap(kind, device_class));
    sets[i].overflowed = sets[i].overflowed || other.sets[i].overflowed;
  }
  volume.merge(other.volume);
  hours_of_day |= other.hours_of_day;
  learned_ns += other.learned_ns;
}

void Baseline::merge(const Baseline& other) {
  for (const auto& [id, p] : other.devices) devices[id].merge(p, false);
  for (const auto& [id, p] : other.classes) classes[id].merge(p, true);
}

}  // namespace medtap::detect
