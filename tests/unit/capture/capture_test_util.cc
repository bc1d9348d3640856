#include "capture_test_util.h"

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace medtap::capture::testing {

std::string sharedTestdata(const std::string& relative) {
  return std::string(MEDTAP_SHARED_DIR) + "/testdata/" + relative;
}

ByteVec readFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return ByteVec(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeFileBytes(const std::string& path, const ByteVec& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

ReadAll readAll(PacketSource& source) {
  ReadAll r;
  RawPacket p;
  for (;;) {
    ReadStatus s = source.next(p);
    if (s != ReadStatus::Packet) {
      r.status = s;
      r.error = source.error();
      break;
    }
    r.packets.push_back(Pkt{p.ts.ns, p.wire_len, static_cast<uint16_t>(p.link), p.interface_id,
                            ByteVec(p.data.begin(), p.data.end())});
  }
  r.stats = source.stats();
  r.input_size = source.inputSize();
  return r;
}

namespace {
ReadAll finish(Result<std::unique_ptr<PacketSource>> opened, AnomalyCounters& anomalies) {
  if (!opened.ok()) {
    ReadAll r;
    r.open_error = opened.error();
    r.anomalies = anomalies;
    return r;
  }
  ReadAll r = readAll(**opened);
  r.anomalies = anomalies;
  return r;
}
}  // namespace

ReadAll readAllFile(const std::string& path, const FileSourceLimits& limits) {
  AnomalyCounters anomalies;
  return finish(openCaptureFile(path, anomalies, limits), anomalies);
}

ReadAll readAllBuffer(const ByteVec& bytes, const FileSourceLimits& limits) {
  AnomalyCounters anomalies;
  return finish(openCaptureBuffer(Bytes(bytes.data(), bytes.size()), anomalies, limits), anomalies);
}

ByteVec gzipBytes(const ByteVec& bytes, int level) {
  z_stream z{};
  constexpr int kGzipWindowBits = 15 + 16;
  if (deflateInit2(&z, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  ByteVec out(deflateBound(&z, bytes.size()) + 64);
  z.next_in = const_cast<Bytef*>(bytes.data());
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void put16(ByteVec& out, uint16_t v, Order o) {
  if (o == Order::Little) {
    out.push_back(static_cast<uint8_t>(v));
    out.push_back(static_cast<uint8_t>(v >> 8));
  } else {
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
  }
}

void put32(ByteVec& out, uint32_t v, Order o) {
  if (o == Order::Little) {
    put16(out, static_cast<uint16_t>(v), o);
    put16(out, static_cast<uint16_t>(v >> 16), o);
  } else {
    put16(out, static_cast<uint16_t>(v >> 16), o);
    put16(out, static_cast<uint16_t>(v), o);
  }
}

void put64(ByteVec& out, uint64_t v, Order o) {
  if (o == Order::Little) {
    put32(out, static_cast<uint32_t>(v), o);
    put32(out, static_cast<uint32_t>(v >> 32), o);
  } else {
    put32(out, static_cast<uint32_t>(v >> 32), o);
    put32(out, static_cast<uint32_t>(v), o);
  }
}

PcapBuilder::PcapBuilder(Order order, TimeUnit unit, uint32_t link_field, uint32_t snaplen)
    : order_(order) {
  put32(bytes_, unit == TimeUnit::Nano ? kPcapMagicNano : kPcapMagicMicro, order);
  put16(bytes_, 2, order);
  put16(bytes_, 4, order);
  put32(bytes_, 0, order);
  put32(bytes_, 0, order);
  put32(bytes_, snaplen, order);
  put32(bytes_, link_field, order);
  boundaries_.push_back(bytes_.size());
}

PcapBuilder& PcapBuilder::record(uint32_t sec, uint32_t frac, const ByteVec& data,
                                 uint32_t wire_len) {
  put32(bytes_, sec, order_);
  put32(bytes_, frac, order_);
  put32(bytes_, static_cast<uint32_t>(data.size()), order_);
  put32(bytes_, wire_len, order_);
  bytes_.insert(bytes_.end(), data.begin(), data.end());
  boundaries_.push_back(bytes_.size());
  return *this;
}

namespace {
void pad4(ByteVec& v) {
  while (v.size() % 4 != 0) v.push_back(0);
}
}  // namespace

PcapngBuilder& PcapngBuilder::block(uint32_t type, const ByteVec& body, int32_t trailer_delta) {
  ByteVec padded = body;
  pad4(padded);
  uint32_t length = static_cast<uint32_t>(12 + padded.size());
  put32(bytes_, type, order_);
  put32(bytes_, length, order_);
  bytes_.insert(bytes_.end(), padded.begin(), padded.end());
  put32(bytes_, static_cast<uint32_t>(static_cast<int64_t>(length) + trailer_delta), order_);
  boundaries_.push_back(bytes_.size());
  return *this;
}

PcapngBuilder& PcapngBuilder::raw(const ByteVec& bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}

PcapngBuilder& PcapngBuilder::shb(Order order, uint16_t major, uint16_t minor) {
  order_ = order;
  ByteVec body;
  put32(body, 0x1A2B3C4D, order_);
  put16(body, major, order_);
  put16(body, minor, order_);
  put64(body, ~uint64_t{0}, order_);  // section length unknown
  return block(0x0A0D0D0A, body);
}

PcapngBuilder& PcapngBuilder::idb(uint16_t link, uint32_t snaplen, const ByteVec& options) {
  ByteVec body;
  put16(body, link, order_);
  put16(body, 0, order_);
  put32(body, snaplen, order_);
  body.insert(body.end(), options.begin(), options.end());
  return block(1, body);
}

PcapngBuilder& PcapngBuilder::epb(uint32_t interface_id, uint64_t units, const ByteVec& data,
                                  uint32_t wire_len) {
  ByteVec body;
  put32(body, interface_id, order_);
  put32(body, static_cast<uint32_t>(units >> 32), order_);
  put32(body, static_cast<uint32_t>(units), order_);
  put32(body, static_cast<uint32_t>(data.size()), order_);
  put32(body, wire_len, order_);
  body.insert(body.end(), data.begin(), data.end());
  return block(6, body);
}

PcapngBuilder& PcapngBuilder::spb(uint32_t wire_len, const ByteVec& data) {
  ByteVec body;
  put32(body, wire_len, order_);
  body.insert(body.end(), data.begin(), data.end());
  return block(3, body);
}

PcapngBuilder& PcapngBuilder::obsoletePacket(uint16_t interface_id, uint64_t units,
                                             const ByteVec& data) {
  ByteVec body;
  put16(body, interface_id, order_);
  put16(body, 0, order_);  // drops
  put32(body, static_cast<uint32_t>(units >> 32), order_);
  put32(body, static_cast<uint32_t>(units), order_);
  put32(body, static_cast<uint32_t>(data.size()), order_);
  put32(body, static_cast<uint32_t>(data.size()), order_);
  body.insert(body.end(), data.begin(), data.end());
  return block(2, body);
}

ByteVec PcapngBuilder::option(uint16_t code, const ByteVec& value) const {
  ByteVec out;
  put16(out, code, order_);
  put16(out, static_cast<uint16_t>(value.size()), order_);
  out.insert(out.end(), value.begin(), value.end());
  pad4(out);
  return out;
}

ByteVec makePayload(size_t size, uint8_t seed) {
  ByteVec v(size);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& b : v) {
    x = x * 1664525u + 1013904223u;  // fixed LCG: deterministic bytes
    b = static_cast<uint8_t>(x >> 24);
  }
  return v;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "medtap-capture-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace medtap::capture::testing
