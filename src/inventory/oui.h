// The IEEE registry of MAC address blocks (Debian's ieee-data: oui.csv for 24-bit MA-L blocks,
// mam.csv for 28-bit MA-M, oui36.csv and iab.csv for 36-bit MA-S and IAB), looked up by longest
// prefix. The registry names who bought the block: often the network chip's maker, not the
// device's (a Contec CMS8000 carries Davicom's prefix), so it is evidence of low weight.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/address.h"
#include "core/result.h"

namespace medtap::inventory {

class OuiRegistry {
 public:
  static constexpr std::string_view kDefaultDirectory = "/usr/share/ieee-data";

  // Reads every registry file present in `directory`; at least oui.csv must be there.
  static Result<OuiRegistry> load(const std::string& directory = std::string(kDefaultDirectory));

  // The organization that holds the MAC's block, or nullopt (unregistered, or locally
  // administered: a randomised or hand-set address says nothing about its maker).
  std::optional<std::string_view> lookup(const MacAddress& mac) const;

  size_t size() const { return blocks_[0].size() + blocks_[1].size() + blocks_[2].size(); }
  // For tests: one block of `bits` (24, 28 or 36) by its hex prefix ("00606E").
  void add(std::string_view hex_prefix, std::string organization);

 private:
  // By prefix length: 24, 28, 36 bits; the key is the prefix's bits as a number.
  std::unordered_map<uint64_t, std::string> blocks_[3];
};

}  // namespace medtap::inventory
