#include "capture/pcap_reader.h"

#include <fmt/format.h>

#include "capture/link_type.h"

namespace medtap::capture {
namespace {

constexpr int64_t kNsPerMicro = 1000;

class PcapReader final : public CaptureReader {
 public:
  PcapReader(ReaderContext context, const PcapFileHeader& header)
      : CaptureReader(std::move(context)),
        order_(header.order),
        frac_to_ns_(header.unit == TimeUnit::Micro ? kNsPerMicro : 1),
        link_(header.link) {}

  // Record header (section 5): ts seconds, ts micro/nanoseconds, captured length, original
  // length; then the captured bytes. There is no way to find the next record after a bad
  // length, so an oversized or cut-short record ends the file.
  ReadStatus next(RawPacket& out) override {
    ReadStatus status;
    if (finished(status)) return status;
    uint64_t offset = stream_->position();
    if (!stream_->ensure(kPcapRecordHeaderBytes)) {
      return endOrCutShort("record header", offset, kPcapRecordHeaderBytes);
    }
    Bytes w = stream_->window();
    uint32_t caplen = read32(w, 8, order_);
    if (caplen > max_record_bytes_) {
      anomalies_.add(Anomaly::CaptureOversizedRecord);
      return damaged(fmt::format("record at {} claims {} bytes (limit {})", offsetText(offset),
                                 caplen, max_record_bytes_));
    }
    size_t total = kPcapRecordHeaderBytes + caplen;
    if (!stream_->ensure(total)) return cutShort("record", offset, total);
    w = stream_->window();
    int64_t sec = read32(w, 0, order_);
    int64_t frac = read32(w, 4, order_);
    uint32_t wire_len = read32(w, 12, order_);
    Timestamp ts{sec * Timestamp::kNsPerSec + frac * frac_to_ns_};
    deliver(out, ts, w.subspan(kPcapRecordHeaderBytes, caplen), wire_len, link_, 0);
    stream_->advance(total);
    return ReadStatus::Packet;
  }

 private:
  ByteOrder order_;
  int64_t frac_to_ns_;
  LinkType link_;
};

}  // namespace

bool isPcapMagic(Bytes first4) {
  if (first4.size() < 4) return false;
  uint32_t be = readBe32(first4, 0);
  uint32_t le = readLe32(first4, 0);
  return be == kPcapMagicMicro || be == kPcapMagicNano || le == kPcapMagicMicro ||
         le == kPcapMagicNano;
}

std::optional<PcapFileHeader> parsePcapFileHeader(Bytes header) {
  if (header.size() < kPcapFileHeaderBytes || !isPcapMagic(header)) return std::nullopt;
  PcapFileHeader h;
  uint32_t be = readBe32(header, 0);
  h.order = (be == kPcapMagicMicro || be == kPcapMagicNano) ? ByteOrder::Big : ByteOrder::Little;
  uint32_t magic = read32(header, 0, h.order);
  h.unit = magic == kPcapMagicNano ? TimeUnit::Nano : TimeUnit::Micro;
  // Section 4: magic, major, minor, reserved1, reserved2, SnapLen, LinkType.
  h.snaplen = read32(header, 16, h.order);
  h.link = linkTypeFromField(read32(header, 20, h.order));
  return h;
}

Result<std::unique_ptr<PacketSource>> openPcap(const std::string& name, ReaderContext context) {
  ByteStream& stream = *context.stream;
  if (!stream.ensure(kPcapFileHeaderBytes)) {
    if (stream.state() == StreamState::Failed) return Error{name + ": " + stream.error()};
    return Error{fmt::format("{}: pcap file header cut short ({} of {} bytes)", name,
                             stream.available(), kPcapFileHeaderBytes)};
  }
  std::optional<PcapFileHeader> header = parsePcapFileHeader(stream.window());
  if (!header) return Error{name + ": not a pcap file"};  // the caller checked the magic
  stream.advance(kPcapFileHeaderBytes);
  return std::unique_ptr<PacketSource>(std::make_unique<PcapReader>(std::move(context), *header));
}

}  // namespace medtap::capture
