// What the inventory has seen, before it decides what the devices are: facts about endpoints. An
// endpoint is an address as seen with one MAC, or with none (a capture without a link layer, or a
// fact that names only an address). Keeping the MAC with the address lets the resolver tell a
// router's MAC, in front of many addresses, from a host's own (resolve.h). These are also what the
// store keeps: merging two runs is merging their facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/address.h"
#include "core/timestamp.h"
#include "events/event.h"
#include "inventory/limits.h"

namespace medtap::inventory {

struct EndpointKey {
  IpAddress ip;  // family None: known by its MAC only (a DHCP client before its lease)
  std::optional<MacAddress> mac;
  friend bool operator==(const EndpointKey&, const EndpointKey&) = default;
};

struct EndpointKeyHash {
  size_t operator()(const EndpointKey& k) const;
};

struct FactStats {
  Timestamp first, last;
  uint64_t count = 0;
  uint64_t flow_id = 0;  // the first flow it was seen in, 0 when none
  void merge(const FactStats& o);
};

// A fact's key within its endpoint: source, a unit separator, value. Looked up by string_view so
// that a fact seen again costs no allocation.
struct FactKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using FactMap = std::unordered_map<std::string, FactStats, FactKeyHash, std::equal_to<>>;

inline constexpr char kFactSeparator = '\x1f';
std::string_view factSource(std::string_view key);
std::string_view factValue(std::string_view key);

struct ObservationStats {
  uint64_t facts_dropped = 0;      // an endpoint held max_facts_per_endpoint already
  uint64_t endpoints_dropped = 0;  // max_endpoints reached
};

class Observations {
 public:
  explicit Observations(const InventoryLimits& limits = {}) : limits_(limits) {}

  void add(const EndpointKey& key, std::string_view source, std::string_view value, Timestamp ts,
           uint64_t flow_id = 0);
  // Adds a fact with its statistics (from the store, or another worker).
  void addStats(const EndpointKey& key, std::string_view source, std::string_view value,
                const FactStats& stats);
  void merge(const Observations& other);

  const std::unordered_map<EndpointKey, FactMap, EndpointKeyHash>& endpoints() const {
    return endpoints_;
  }
  const ObservationStats& stats() const { return stats_; }

 private:
  FactStats* slot(const EndpointKey& key, std::string_view source, std::string_view value);

  InventoryLimits limits_;
  std::unordered_map<EndpointKey, FactMap, EndpointKeyHash> endpoints_;
  std::string scratch_;  // the fact key being looked up
  ObservationStats stats_;
};

// The event consumer: turns each event into facts about the endpoints it names. Cheap per event:
// a fact seen before is a lookup and a counter.
class Observer final : public events::EventSink {
 public:
  explicit Observer(const InventoryLimits& limits = {}) : observations_(limits) {}
  void emit(const events::Event& event) override;

  Observations& observations() { return observations_; }
  const Observations& observations() const { return observations_; }

 private:
  Observations observations_;
  std::string scratch_;
};

}  // namespace medtap::inventory
