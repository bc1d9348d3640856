// Builds synthetic DNS messages for the tests (RFC 1035 layout; names under .test only).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace medtap::analyzers::dns::testing {

class DnsBuilder {
 public:
  DnsBuilder(uint16_t id, uint16_t flags) {
    put16(id);
    put16(flags);
    for (int i = 0; i < 4; ++i) put16(0);
  }
  DnsBuilder& question(std::string_view name, uint16_t type) {
    nameBytes(name);
    put16(type);
    put16(1);
    bump(4);
    return *this;
  }
  // An answer whose owner is a pointer to the first question (offset 12).
  DnsBuilder& answer(uint16_t type, uint32_t ttl, const std::vector<uint8_t>& rdata) {
    bytes.push_back(0xC0);
    bytes.push_back(12);
    put16(type);
    put16(1);
    put16(static_cast<uint16_t>(ttl >> 16));
    put16(static_cast<uint16_t>(ttl));
    put16(static_cast<uint16_t>(rdata.size()));
    bytes.insert(bytes.end(), rdata.begin(), rdata.end());
    bump(6);
    return *this;
  }
  void nameBytes(std::string_view name) {
    size_t start = 0;
    while (start < name.size()) {
      size_t dot = name.find('.', start);
      if (dot == std::string_view::npos) dot = name.size();
      bytes.push_back(static_cast<uint8_t>(dot - start));
      bytes.insert(bytes.end(), name.begin() + start, name.begin() + dot);
      start = dot + 1;
    }
    bytes.push_back(0);
  }
  std::vector<uint8_t> tcp() const {
    std::vector<uint8_t> out = {static_cast<uint8_t>(bytes.size() >> 8),
                                static_cast<uint8_t>(bytes.size())};
    out.insert(out.end(), bytes.begin(), bytes.end());
    return out;
  }
  std::vector<uint8_t> bytes;

 private:
  void put16(uint16_t v) {
    bytes.push_back(static_cast<uint8_t>(v >> 8));
    bytes.push_back(static_cast<uint8_t>(v));
  }
  void bump(size_t count_offset) {
    uint16_t v = static_cast<uint16_t>((bytes[count_offset] << 8) | bytes[count_offset + 1]);
    ++v;
    bytes[count_offset] = static_cast<uint8_t>(v >> 8);
    bytes[count_offset + 1] = static_cast<uint8_t>(v);
  }
};

}  // namespace medtap::analyzers::dns::testing
