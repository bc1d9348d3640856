// Test helpers: read back a pcap the simulator wrote and pick frames apart with the core byte
// readers. Only for the simulator's own output (little-endian, microsecond, Ethernet).
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace medtap::simulate::testing {

struct Record {
  int64_t ts_us = 0;
  std::vector<uint8_t> bytes;
};

inline std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline std::vector<Record> readPcap(const std::string& path) {
  const std::vector<uint8_t> f = readFile(path);
  std::vector<Record> out;
  Bytes b(f);
  if (b.size() < 24 || readLe32(b, 0) != 0xA1B2C3D4) return out;
  for (size_t off = 24; off + 16 <= b.size();) {
    const uint32_t cap = readLe32(b, off + 8);
    if (off + 16 + cap > b.size()) break;
    Record r;
    r.ts_us = int64_t{readLe32(b, off)} * 1'000'000 + readLe32(b, off + 4);
    r.bytes.assign(b.begin() + static_cast<long>(off + 16),
                   b.begin() + static_cast<long>(off + 16 + cap));
    out.push_back(std::move(r));
    off += 16 + cap;
  }
  return out;
}

// A TCP/IPv4 frame's fields (no options parsing beyond the header length).
struct TcpView {
  bool ok = false;
  uint32_t src_ip = 0, dst_ip = 0;
  uint16_t src_port = 0, dst_port = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  size_t options_len = 0;
  std::vector<uint8_t> options;
  std::vector<uint8_t> payload;
};

inline TcpView tcpView(const std::vector<uint8_t>& f) {
  TcpView v;
  Bytes b(f);
  if (b.size() < 54 || readBe16(b, 12) != 0x0800 || b[23] != 6) return v;
  const size_t ip_len = readBe16(b, 16);
  v.src_ip = readBe32(b, 26);
  v.dst_ip = readBe32(b, 30);
  const size_t t = 34;
  v.src_port = readBe16(b, t);
  v.dst_port = readBe16(b, t + 2);
  v.seq = readBe32(b, t + 4);
  v.ack = readBe32(b, t + 8);
  const size_t hl = (b[t + 12] >> 4) * 4;
  v.flags = b[t + 13];
  v.window = readBe16(b, t + 14);
  v.options_len = hl - 20;
  v.options.assign(b.begin() + t + 20, b.begin() + static_cast<long>(t + hl));
  v.payload.assign(b.begin() + static_cast<long>(t + hl),
                   b.begin() + static_cast<long>(14 + ip_len));
  v.ok = true;
  return v;
}

// UDP/IPv4 payload, or empty.
inline std::vector<uint8_t> udpPayload(const std::vector<uint8_t>& f, uint16_t* sport = nullptr,
                                       uint16_t* dport = nullptr) {
  Bytes b(f);
  if (b.size() < 42 || readBe16(b, 12) != 0x0800 || b[23] != 17) return {};
  if (sport != nullptr) *sport = readBe16(b, 34);
  if (dport != nullptr) *dport = readBe16(b, 36);
  const size_t len = readBe16(b, 38);
  return std::vector<uint8_t>(b.begin() + 42, b.begin() + static_cast<long>(34 + len));
}

}  // namespace medtap::simulate::testing
