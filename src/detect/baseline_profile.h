// The learned baseline (docs/DETECTIONS.md "Anomalies"): for each device and each device class,
// what it did while learning: the external peers it talked to, the ports it answered on, the
// protocols it spoke, the DNS names it asked for, its bytes per hour and its hours of the day.
// Plain values; kept in the store by detect/baseline_store.h and merged across runs.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace medtap::detect {

// What a profile learns, one set of values each.
enum class ProfileKind : uint8_t { Peer, Port, Protocol, DnsName };
constexpr size_t kProfileKinds = 4;
// The store's name for each kind ("peer", "port", "protocol", "dns").
std::string_view profileKindName(ProfileKind kind);
bool parseProfileKind(std::string_view name, ProfileKind& kind);

// Values kept per device and kind. Past the cap the set stops growing and is marked overflowed:
// a device with that many peers is not one whose next peer means anything, so its new-peer
// alerts are off (said in the alerts' docs). A class holds many devices: its caps are larger.
constexpr size_t kMaxPeersPerDevice = 256;
constexpr size_t kMaxPortsPerDevice = 64;
constexpr size_t kMaxProtocolsPerDevice = 32;
constexpr size_t kMaxDnsNamesPerDevice = 256;
constexpr size_t kClassCapFactor = 16;
size_t profileCap(ProfileKind kind, bool device_class);

// Bytes per hour: the count, mean and sum of squared deviations of the hourly totals learned
// (Welford), so that two baselines merge exactly (Chan et al.).
struct VolumeStats {
  uint64_t hours = 0;
  double mean = 0, m2 = 0;
  void add(double bytes);
  void merge(const VolumeStats& other);
  double stddev() const;
};

struct ProfileSet {
  std::set<std::string> values;
  bool overflowed = false;
};

struct Profile {
  std::array<ProfileSet, kProfileKinds> sets;
  VolumeStats volume;
  uint32_t hours_of_day = 0;  // bit h: active in UTC hour h
  int64_t learned_ns = 0;     // packet time spent learning it

  ProfileSet& set(ProfileKind k) { return sets[static_cast<size_t>(k)]; }
  const ProfileSet& set(ProfileKind k) const { return sets[static_cast<size_t>(k)]; }
  // Adds a value unless the set is full (then marks it overflowed). True when it was new.
  bool learn(ProfileKind kind, const std::string& value, size_t cap);
  bool knows(ProfileKind kind, const std::string& value) const;
  // Folds another profile of the same owner in (a stored one, another run's).
  void merge(const Profile& other, bool device_class);
};

// Every profile, by owner: devices by inventory id ("mac:..."), classes by name.
struct Baseline {
  std::map<std::string, Profile> devices, classes;
  bool empty() const { return devices.empty() && classes.empty(); }
  void merge(const Baseline& other);
};

}  // namespace medtap::detect
