#include "capture/pcapng_reader.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "capture/link_type.h"

namespace medtap::capture {

std::optional<TsResolution> parseTsResolution(uint8_t value) {
  constexpr uint8_t kBinaryFlag = 0x80;
  constexpr uint8_t kMaxDecimalExponent = 19;
  constexpr uint8_t kMaxBinaryExponent = 63;
  constexpr uint8_t kNsDecimalExponent = 9;
  TsResolution res;
  if ((value & kBinaryFlag) != 0) {
    uint8_t exp = value & ~kBinaryFlag;
    if (exp > kMaxBinaryExponent) return std::nullopt;
    if (exp == 0) {
      res.kind = TsResolution::Kind::Multiply;
      res.factor = Timestamp::kNsPerSec;
    } else {
      res.kind = TsResolution::Kind::Shift;
      res.shift = exp;
    }
    return res;
  }
  if (value > kMaxDecimalExponent) return std::nullopt;
  uint64_t power = 1;
  uint8_t distance =
      value <= kNsDecimalExponent ? kNsDecimalExponent - value : value - kNsDecimalExponent;
  for (uint8_t i = 0; i < distance; ++i) power *= 10;
  res.kind =
      value <= kNsDecimalExponent ? TsResolution::Kind::Multiply : TsResolution::Kind::Divide;
  res.factor = power;
  return res;
}

Timestamp pcapngTimestamp(uint64_t units, const TsResolution& res, int64_t offset_seconds) {
  uint64_t ns = 0;
  switch (res.kind) {
    case TsResolution::Kind::Multiply:
      ns = units * res.factor;
      break;
    case TsResolution::Kind::Divide:
      ns = units / res.factor;
      break;
    case TsResolution::Kind::Shift: {
      using U128 = unsigned __int128;
      ns = static_cast<uint64_t>((U128{units} * Timestamp::kNsPerSec) >> res.shift);
      break;
    }
  }
  ns += static_cast<uint64_t>(offset_seconds) * Timestamp::kNsPerSec;
  return Timestamp{static_cast<int64_t>(ns)};
}

namespace {

// Options (section 3.5): code (16), length (16), value padded to 32 bits; code 0 ends them.
constexpr uint16_t kOptEndOfOptions = 0;
constexpr uint16_t kOptIfTsresol = 9;
constexpr uint16_t kOptIfTsoffset = 14;
constexpr size_t kOptionHeaderBytes = 4;
// Fixed fields before the packet data: EPB interface, ts high, ts low, caplen, len (4.3); the
// obsolete PB has the same layout with a 16-bit interface and a 16-bit drop count (Appendix A).
constexpr size_t kEpbFixedBytes = 20;
constexpr size_t kSpbFixedBytes = 4;  // original length (4.4)
constexpr size_t kIdbFixedBytes = 8;  // link type, reserved, snaplen (4.2)

constexpr size_t pad4(size_t n) {
  return (n + 3) & ~size_t{3};
}

struct Interface {
  enum class State { Usable, Malformed };
  State state = State::Usable;
  LinkType link = LinkType::Ethernet;
  uint32_t snaplen = 0;  // 0: no limit
  TsResolution resolution;
  int64_t offset_seconds = 0;
};

class PcapngReader final : public CaptureReader {
 public:
  explicit PcapngReader(ReaderContext context)
      : CaptureReader(std::move(context)),
        max_interfaces_(limits_.max_interfaces),
        parsed_block_limit_(largestReadBytes(limits_)),
        skipped_block_limit_(
            std::max<uint64_t>(kPcapngMaxSkippedBlockBytes, largestReadBytes(limits_))) {}

  // Reads the Section Header Block at the current position. nullopt: read, carry on.
  std::optional<ReadStatus> readSectionHeader();

  ReadStatus next(RawPacket& out) override {
    ReadStatus status;
    if (finished(status)) return status;
    for (;;) {
      uint64_t offset = stream_->position();
      if (!stream_->ensure(8)) return endOrCutShort("block header", offset, 8);
      Bytes w = stream_->window();
      uint32_t type = read32(w, 0, order_);
      if (type == kPcapngSectionHeader) {
        if (auto stop = readSectionHeader()) return *stop;
        continue;
      }
      uint32_t length = read32(w, 4, order_);
      if (auto stop = checkBlockLength(offset, length)) return *stop;
      bool is_packet = type == kPcapngEnhancedPacket || type == kPcapngSimplePacket ||
                       type == kPcapngObsoletePacket;
      if (!is_packet && type != kPcapngInterfaceDescription) {
        if (auto stop = skipBlock(offset, length)) return *stop;
        continue;
      }
      if (length > parsed_block_limit_) {
        if (!is_packet) return tooLong(offset, length, parsed_block_limit_);
        // A packet block is self-delimiting: count it, step over it, keep reading.
        anomalies_.add(Anomaly::CaptureOversizedRecord);
        if (auto stop = skipBlock(offset, length)) return *stop;
        continue;
      }
      if (!stream_->ensure(length)) return cutShort("block", offset, length);
      Bytes block = stream_->window().first(length);
      if (read32(block, length - 4, order_) != length) {
        anomalies_.add(Anomaly::CaptureBadBlock);
        stream_->advance(length);
        continue;
      }
      Bytes body = block.subspan(8, length - kPcapngMinBlockBytes);
      bool delivered = false;
      switch (type) {
        case kPcapngInterfaceDescription:
          addInterface(body);
          break;
        case kPcapngEnhancedPacket:
          delivered = readEnhancedPacket(body, out);
          break;
        case kPcapngSimplePacket:
          delivered = readSimplePacket(body, out);
          break;
        case kPcapngObsoletePacket:
          delivered = readObsoletePacket(body, out);
          break;
        default:
          break;
      }
      stream_->advance(length);
      if (delivered) return ReadStatus::Packet;
    }
  }

 private:
  std::optional<ReadStatus> checkBlockLength(uint64_t offset, uint32_t length) {
    if (length < kPcapngMinBlockBytes || length % 4 != 0) {
      anomalies_.add(Anomaly::CaptureBadBlock);
      return damaged(fmt::format(
          "block at {} has length {} ({})", offsetText(offset), length,
          length < kPcapngMinBlockBytes ? "below the 12-byte minimum" : "not a multiple of 4"));
    }
    if (length > skipped_block_limit_) return tooLong(offset, length, skipped_block_limit_);
    return std::nullopt;
  }

  ReadStatus tooLong(uint64_t offset, uint32_t length, uint64_t limit) {
    anomalies_.add(Anomaly::CaptureOversizedRecord);
    return damaged(
        fmt::format("block at {} claims {} bytes (limit {})", offsetText(offset), length, limit));
  }

  // Steps over a whole block without holding it in memory, then checks its trailing length.
  std::optional<ReadStatus> skipBlock(uint64_t offset, uint32_t length) {
    if (!stream_->skip(length - 4) || !stream_->ensure(4)) {
      return cutShort("block", offset, length);
    }
    if (read32(stream_->window(), 0, order_) != length) anomalies_.add(Anomaly::CaptureBadBlock);
    stream_->advance(4);
    return std::nullopt;
  }

  // IDB (4.2). Every IDB takes the next interface number, kept or not, so that packets keep
  // naming the right one.
  void addInterface(Bytes body) {
    ++interfaces_seen_;
    if (interfaces_.size() >= max_interfaces_) return;  // its packets count as too many
    Interface itf;
    if (body.size() < kIdbFixedBytes) {
      anomalies_.add(Anomaly::CaptureBadBlock);
      itf.state = Interface::State::Malformed;
      interfaces_.push_back(itf);
      return;
    }
    itf.link = linkTypeFromField(read16(body, 0, order_));
    itf.snaplen = read32(body, 4, order_);
    size_t pos = kIdbFixedBytes;
    while (pos + kOptionHeaderBytes <= body.size()) {
      uint16_t code = read16(body, pos, order_);
      uint16_t len = read16(body, pos + 2, order_);
      if (code == kOptEndOfOptions) break;
      if (pos + kOptionHeaderBytes + len > body.size()) {
        anomalies_.add(Anomaly::CaptureBadBlock);
        break;
      }
      Bytes value = body.subspan(pos + kOptionHeaderBytes, len);
      if (code == kOptIfTsresol && !value.empty()) {
        if (auto res = parseTsResolution(value[0])) {
          itf.resolution = *res;
        } else {
          anomalies_.add(Anomaly::CaptureBadBlock);
        }
      } else if (code == kOptIfTsoffset && value.size() >= 8) {
        itf.offset_seconds = static_cast<int64_t>(read64(value, 0, order_));
      }
      pos += kOptionHeaderBytes + pad4(len);
    }
    interfaces_.push_back(itf);
  }

  const Interface* findInterface(uint32_t id) {
    if (id >= interfaces_seen_) {
      anomalies_.add(Anomaly::CaptureUnknownInterface);
      return nullptr;
    }
    if (id >= interfaces_.size()) {
      anomalies_.add(Anomaly::CaptureTooManyInterfaces);
      return nullptr;
    }
    const Interface& itf = interfaces_[id];
    if (itf.state == Interface::State::Malformed) {
      anomalies_.add(Anomaly::CaptureBadBlock);
      return nullptr;
    }
    return &itf;
  }

  // EPB (4.3) and the obsolete PB (Appendix A) after their interface field.
  bool readTimedPacket(Bytes body, uint32_t interface_id, RawPacket& out) {
    const Interface* itf = findInterface(interface_id);
    if (itf == nullptr) return false;
    uint64_t units = (uint64_t{read32(body, 4, order_)} << 32) | read32(body, 8, order_);
    uint32_t caplen = read32(body, 12, order_);
    uint32_t wire_len = read32(body, 16, order_);
    if (caplen > body.size() - kEpbFixedBytes) {
      anomalies_.add(Anomaly::CaptureBadBlock);
      return false;
    }
    if (caplen > max_record_bytes_) {
      anomalies_.add(Anomaly::CaptureOversizedRecord);
      return false;
    }
    Timestamp ts = pcapngTimestamp(units, itf->resolution, itf->offset_seconds);
    deliver(out, ts, body.subspan(kEpbFixedBytes, caplen), wire_len, itf->link, interface_id);
    return true;
  }

  bool readEnhancedPacket(Bytes body, RawPacket& out) {
    if (body.size() < kEpbFixedBytes) {
      anomalies_.add(Anomaly::CaptureBadBlock);
      return false;
    }
    return readTimedPacket(body, read32(body, 0, order_), out);
  }

  bool readObsoletePacket(Bytes body, RawPacket& out) {
    if (body.size() < kEpbFixedBytes) {
      anomalies_.add(Anomaly::CaptureBadBlock);
      return false;
    }
    return readTimedPacket(body, read16(body, 0, order_), out);
  }

  // SPB (4.4): interface 0, no timestamp, captured length implied by the block (and by the
  // interface's snaplen). It gets the time of the packet before it, so that time never jumps
  // back to 1970 in the middle of a capture.
  bool readSimplePacket(Bytes body, RawPacket& out) {
    if (body.size() < kSpbFixedBytes) {
      anomalies_.add(Anomaly::CaptureBadBlock);
      return false;
    }
    const Interface* itf = findInterface(0);
    if (itf == nullptr) return false;
    uint32_t wire_len = read32(body, 0, order_);
    size_t caplen = std::min<size_t>(wire_len, body.size() - kSpbFixedBytes);
    if (itf->snaplen != 0) caplen = std::min<size_t>(caplen, itf->snaplen);
    if (caplen > max_record_bytes_) {
      anomalies_.add(Anomaly::CaptureOversizedRecord);
      return false;
    }
    deliver(out, last_ts_, body.subspan(kSpbFixedBytes, caplen), wire_len, itf->link, 0);
    return true;
  }

  ByteOrder order_ = ByteOrder::Little;
  std::vector<Interface> interfaces_;  // at most max_interfaces_, this section's
  uint64_t interfaces_seen_ = 0;       // IDBs in this section, kept or not
  const uint32_t max_interfaces_;
  const uint64_t parsed_block_limit_;
  const uint64_t skipped_block_limit_;
};

std::optional<ReadStatus> PcapngReader::readSectionHeader() {
  uint64_t offset = stream_->position();
  constexpr size_t kBomEnd = 12;
  if (!stream_->ensure(kBomEnd)) return cutShort("section header", offset, kBomEnd);
  Bytes w = stream_->window();
  ByteOrder order;
  if (readLe32(w, 8) == kPcapngByteOrderMagic) {
    order = ByteOrder::Little;
  } else if (readBe32(w, 8) == kPcapngByteOrderMagic) {
    order = ByteOrder::Big;
  } else {
    anomalies_.add(Anomaly::CaptureBadBlock);
    return damaged(
        fmt::format("section header at {} has a bad byte-order magic {:02x} {:02x} "
                    "{:02x} {:02x}",
                    offsetText(offset), w[8], w[9], w[10], w[11]));
  }
  uint32_t length = read32(w, 4, order);
  if (auto stop = checkBlockLength(offset, length)) return stop;
  if (length < kPcapngMinSectionHeaderBytes) {
    anomalies_.add(Anomaly::CaptureBadBlock);
    return damaged(fmt::format("section header at {} has length {} (below the {}-byte minimum)",
                               offsetText(offset), length, kPcapngMinSectionHeaderBytes));
  }
  if (length > parsed_block_limit_) return tooLong(offset, length, parsed_block_limit_);
  if (!stream_->ensure(length)) return cutShort("section header", offset, length);
  w = stream_->window();
  uint16_t major = read16(w, 12, order);
  uint16_t minor = read16(w, 14, order);
  // Section 4.1: readers must not try to read a major version they do not know.
  constexpr uint16_t kMajorVersion = 1;
  if (major != kMajorVersion) {
    anomalies_.add(Anomaly::CaptureBadBlock);
    return damaged(fmt::format("section header at {} has pcapng version {}.{} (only 1.x is read)",
                               offsetText(offset), major, minor));
  }
  if (read32(w, length - 4, order) != length) {
    anomalies_.add(Anomaly::CaptureBadBlock);
    return damaged(fmt::format("section header at {} has a trailing length that differs from {}",
                               offsetText(offset), length));
  }
  order_ = order;
  interfaces_.clear();
  interfaces_seen_ = 0;
  stream_->advance(length);
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<PacketSource>> openPcapng(const std::string& name, ReaderContext context) {
  auto reader = std::make_unique<PcapngReader>(std::move(context));
  if (reader->readSectionHeader()) return Error{name + ": " + reader->error()};
  return std::unique_ptr<PacketSource>(std::move(reader));
}

}  // namespace medtap::capture
