// A tiny, test-only reader for classic pcap and pcapng files, so that the decoder tests can run
// real captures without depending on src/capture. It trusts the file (these are fixed test
// inputs) but never reads out of bounds; on anything unexpected it stops and says so.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "capture/packet_source.h"
#include "core/bytes.h"

namespace medtap::decode::test {

struct TestPacket {
  std::vector<uint8_t> data;
  uint32_t wire_len = 0;
  capture::LinkType link = capture::LinkType::Ethernet;
  Timestamp ts;
};

struct TestCapture {
  std::vector<TestPacket> packets;
  std::string error;  // empty when the whole file was read
};

namespace detail {

inline uint32_t read32(Bytes b, size_t off, bool big_endian) {
  return big_endian ? readBe32(b, off) : readLe32(b, off);
}
inline uint16_t read16(Bytes b, size_t off, bool big_endian) {
  return big_endian ? readBe16(b, off) : readLe16(b, off);
}

inline void readPcap(Bytes f, TestCapture& out) {
  const uint32_t magic = readLe32(f, 0);
  bool big = false;
  int64_t frac_ns = 1000;
  if (magic == 0xa1b2c3d4 || magic == 0xd4c3b2a1) {
    big = magic == 0xd4c3b2a1;
  } else {
    big = magic == 0x4d3cb2a1;
    frac_ns = 1;
  }
  const auto link = static_cast<capture::LinkType>(read32(f, 20, big) & 0xffff);
  size_t pos = 24;
  while (pos + 16 <= f.size()) {
    const uint32_t sec = read32(f, pos, big);
    const uint32_t frac = read32(f, pos + 4, big);
    const uint32_t incl = read32(f, pos + 8, big);
    const uint32_t orig = read32(f, pos + 12, big);
    pos += 16;
    if (incl > f.size() - pos) {
      out.error = "truncated record";
      return;
    }
    TestPacket p;
    p.data.assign(f.begin() + static_cast<ptrdiff_t>(pos),
                  f.begin() + static_cast<ptrdiff_t>(pos + incl));
    p.wire_len = orig;
    p.link = link;
    p.ts = Timestamp::fromSecNs(sec, int64_t{frac} * frac_ns);
    out.packets.push_back(std::move(p));
    pos += incl;
  }
}

// pcapng (draft-ietf-opsawg-pcapng): section header, interface descriptions, enhanced and
// simple packet blocks. Timestamps assume the default microsecond resolution.
inline void readPcapng(Bytes f, TestCapture& out) {
  bool big = false;
  std::vector<capture::LinkType> links;
  size_t pos = 0;
  while (pos + 12 <= f.size()) {
    uint32_t type = readLe32(f, pos);
    if (type == 0x0a0d0d0a) {
      big = readLe32(f, pos + 8) != 0x1a2b3c4d;
      links.clear();
    }
    const uint32_t len = read32(f, pos + 4, big);
    if (len < 12 || len > f.size() - pos) {
      out.error = "bad block length";
      return;
    }
    type = read32(f, pos, big);
    const Bytes body = f.subspan(pos + 8, len - 12);
    if (type == 1 && body.size() >= 8) {
      links.push_back(static_cast<capture::LinkType>(read16(body, 0, big)));
    } else if (type == 6 && body.size() >= 20) {
      const uint32_t iface = read32(body, 0, big);
      const uint64_t ts = (uint64_t{read32(body, 4, big)} << 32) | read32(body, 8, big);
      const uint32_t cap = read32(body, 12, big);
      if (iface >= links.size() || cap > body.size() - 20) {
        out.error = "bad enhanced packet block";
        return;
      }
      TestPacket p;
      p.data.assign(body.begin() + 20, body.begin() + 20 + cap);
      p.wire_len = read32(body, 16, big);
      p.link = links[iface];
      p.ts = Timestamp{static_cast<int64_t>(ts) * 1000};
      out.packets.push_back(std::move(p));
    }
    pos += len;
  }
}

}  // namespace detail

inline TestCapture readTestCapture(const std::string& path) {
  TestCapture out;
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (file.size() < 24) {
    out.error = "cannot read " + path;
    return out;
  }
  const Bytes f(file);
  if (readLe32(f, 0) == 0x0a0d0d0a) {
    detail::readPcapng(f, out);
  } else {
    detail::readPcap(f, out);
  }
  return out;
}

inline std::string sharedTestdata(const std::string& relative) {
  return std::string(MEDTAP_SHARED_DIR) + "/testdata/" + relative;
}

}  // namespace medtap::decode::test
