// Helpers for the capture tests: reading every packet out of a source, building pcap and pcapng
// files byte by byte, gzip in memory, and a temporary directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "capture/file_source.h"
#include "capture/packet_source.h"
#include "capture/pcap_reader.h"

namespace medtap::capture::testing {

using ByteVec = std::vector<uint8_t>;

std::string sharedTestdata(const std::string& relative);
ByteVec readFileBytes(const std::string& path);
void writeFileBytes(const std::string& path, const ByteVec& bytes);

// A packet copied out of the source (the source's view is only valid until the next call).
struct Pkt {
  int64_t ts_ns = 0;
  uint32_t wire_len = 0;
  uint16_t link = 0;
  uint32_t interface_id = 0;
  ByteVec data;
  friend bool operator==(const Pkt&, const Pkt&) = default;
};

struct ReadAll {
  std::string open_error;  // set when opening failed; nothing else is then
  std::vector<Pkt> packets;
  ReadStatus status = ReadStatus::End;
  std::string error;
  SourceStats stats;
  uint64_t input_size = 0;
  AnomalyCounters anomalies;
};

ReadAll readAll(PacketSource& source);
ReadAll readAllFile(const std::string& path, const FileSourceLimits& limits = {});
ReadAll readAllBuffer(const ByteVec& bytes, const FileSourceLimits& limits = {});

// gzip (RFC 1952) of `bytes`, one member.
ByteVec gzipBytes(const ByteVec& bytes, int level = 6);

enum class Order { Little, Big };

void put16(ByteVec& out, uint16_t v, Order o);
void put32(ByteVec& out, uint32_t v, Order o);
void put64(ByteVec& out, uint64_t v, Order o);

// A classic pcap file.
class PcapBuilder {
 public:
  PcapBuilder(Order order, TimeUnit unit, uint32_t link_field, uint32_t snaplen = 262144);
  PcapBuilder& record(uint32_t sec, uint32_t frac, const ByteVec& data, uint32_t wire_len);
  PcapBuilder& record(uint32_t sec, uint32_t frac, const ByteVec& data) {
    return record(sec, frac, data, static_cast<uint32_t>(data.size()));
  }
  const ByteVec& bytes() const { return bytes_; }
  // Offsets at which a record starts or the file ends (the clean cut points).
  const std::vector<size_t>& boundaries() const { return boundaries_; }

 private:
  Order order_;
  ByteVec bytes_;
  std::vector<size_t> boundaries_;
};

// A pcapng file, block by block.
class PcapngBuilder {
 public:
  explicit PcapngBuilder(Order order = Order::Little) : order_(order) {}

  // A new section; its byte order may differ from the last one's.
  PcapngBuilder& shb(Order order, uint16_t major = 1, uint16_t minor = 0);
  PcapngBuilder& shb() { return shb(order_); }
  // IDB; options already encoded with option().
  PcapngBuilder& idb(uint16_t link, uint32_t snaplen = 0, const ByteVec& options = {});
  PcapngBuilder& epb(uint32_t interface_id, uint64_t units, const ByteVec& data, uint32_t wire_len);
  PcapngBuilder& epb(uint32_t interface_id, uint64_t units, const ByteVec& data) {
    return epb(interface_id, units, data, static_cast<uint32_t>(data.size()));
  }
  PcapngBuilder& spb(uint32_t wire_len, const ByteVec& data);
  PcapngBuilder& obsoletePacket(uint16_t interface_id, uint64_t units, const ByteVec& data);
  // Any block: type, body (padded to 4), lengths computed. `trailer_delta` corrupts the
  // trailing length.
  PcapngBuilder& block(uint32_t type, const ByteVec& body, int32_t trailer_delta = 0);
  // Raw bytes, for broken block headers.
  PcapngBuilder& raw(const ByteVec& bytes);

  // One option (code, value), padded, in this builder's byte order; end with endOfOptions().
  ByteVec option(uint16_t code, const ByteVec& value) const;
  ByteVec endOfOptions() const { return option(0, {}); }

  Order order() const { return order_; }
  const ByteVec& bytes() const { return bytes_; }
  const std::vector<size_t>& boundaries() const { return boundaries_; }

 private:
  Order order_;
  ByteVec bytes_;
  std::vector<size_t> boundaries_;
};

ByteVec makePayload(size_t size, uint8_t seed);

// A directory under the system temp dir, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace medtap::capture::testing
