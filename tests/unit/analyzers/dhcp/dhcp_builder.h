// Builds synthetic DHCPv4 messages for the tests (RFC 2131 layout; fake addresses only).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace medtap::analyzers::dhcp::testing {

class DhcpBuilder {
 public:
  explicit DhcpBuilder(uint8_t op = 1) : bytes_(240, 0) {
    bytes_[0] = op;
    bytes_[1] = 1;  // Ethernet
    bytes_[2] = 6;
    put32(4, 0x12345678);
    const uint8_t mac[6] = {0x00, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f};
    for (int i = 0; i < 6; ++i) bytes_[28 + i] = mac[i];
    bytes_[236] = 0x63;
    bytes_[237] = 0x82;
    bytes_[238] = 0x53;
    bytes_[239] = 0x63;
  }
  DhcpBuilder& yiaddr(uint32_t a) { return put32(16, a); }
  DhcpBuilder& option(uint8_t code, std::initializer_list<uint8_t> value) {
    bytes_.push_back(code);
    bytes_.push_back(static_cast<uint8_t>(value.size()));
    bytes_.insert(bytes_.end(), value.begin(), value.end());
    return *this;
  }
  DhcpBuilder& option(uint8_t code, std::string_view text) {
    bytes_.push_back(code);
    bytes_.push_back(static_cast<uint8_t>(text.size()));
    bytes_.insert(bytes_.end(), text.begin(), text.end());
    return *this;
  }
  DhcpBuilder& raw(std::initializer_list<uint8_t> b) {
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return *this;
  }
  // Writes options into the file (offset 108) or sname (offset 44) field.
  DhcpBuilder& at(size_t offset, std::initializer_list<uint8_t> b) {
    size_t i = offset;
    for (uint8_t v : b) bytes_[i++] = v;
    return *this;
  }
  DhcpBuilder& end() {
    bytes_.push_back(255);
    return *this;
  }
  std::vector<uint8_t> build() const { return bytes_; }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  DhcpBuilder& put32(size_t off, uint32_t v) {
    bytes_[off] = static_cast<uint8_t>(v >> 24);
    bytes_[off + 1] = static_cast<uint8_t>(v >> 16);
    bytes_[off + 2] = static_cast<uint8_t>(v >> 8);
    bytes_[off + 3] = static_cast<uint8_t>(v);
    return *this;
  }
  std::vector<uint8_t> bytes_;
};

}  // namespace medtap::analyzers::dhcp::testing
