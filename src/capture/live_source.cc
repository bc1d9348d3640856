#include "capture/live_source.h"

#include <pcap/pcap.h>

#include <atomic>
#include <cstring>

#include <fmt/format.h>

#include "capture/link_type.h"

namespace medtap::capture {
namespace {

// libpcap's read timeout: how long packets may wait to be handed over in a batch (and, where
// pcap_breakloop cannot wake a blocked read, how often next() looks at the stop flag). Short
// enough that Ctrl-C feels immediate, long enough that the kernel hands over packets in batches.
constexpr int kPollTimeoutMs = 100;
constexpr int kNsPerMicro = 1000;

// libpcap messages may end with a newline; errors here are one line.
std::string oneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

class LiveSource final : public PacketSource {
 public:
  LiveSource(pcap_t* handle, std::string interface, int frac_to_ns)
      : handle_(handle),
        interface_(std::move(interface)),
        link_(linkTypeFromField(static_cast<uint32_t>(pcap_datalink(handle)))),
        frac_to_ns_(frac_to_ns) {}
  ~LiveSource() override { pcap_close(handle_); }
  LiveSource(const LiveSource&) = delete;
  LiveSource& operator=(const LiveSource&) = delete;

  // Waits for the next packet until breakLoop(). On Linux (TPACKET_V3) libpcap sleeps in poll()
  // until the kernel hands over a block (at most kPollTimeoutMs after its first packet) or
  // pcap_breakloop wakes it through an eventfd; elsewhere pcap_next_ex returns 0 every
  // kPollTimeoutMs and the stop flag is checked then. `out.data` points into libpcap's buffer
  // and stays valid until the next call.
  ReadStatus next(RawPacket& out) override {
    while (!stop_.load(std::memory_order_relaxed)) {
      pcap_pkthdr* header = nullptr;
      const u_char* data = nullptr;
      int rc = pcap_next_ex(handle_, &header, &data);
      if (rc == 1) {
        out.ts = Timestamp{static_cast<int64_t>(header->ts.tv_sec) * Timestamp::kNsPerSec +
                           static_cast<int64_t>(header->ts.tv_usec) * frac_to_ns_};
        out.data = Bytes{data, header->caplen};
        out.wire_len = header->len;
        out.link = link_;
        out.interface_id = 0;
        ++packets_;
        bytes_ += header->caplen;
        return ReadStatus::Packet;
      }
      if (rc == 0) continue;  // the timeout expired with nothing to read
      if (rc == PCAP_ERROR_BREAK) break;
      error_ = oneLine(fmt::format("{}: {}", interface_, pcap_geterr(handle_)));
      return ReadStatus::Damaged;
    }
    return ReadStatus::End;
  }

  const std::string& error() const override { return error_; }

  SourceStats stats() const override {
    SourceStats s;
    s.packets = packets_;
    s.bytes = bytes_;
    pcap_stat ps{};
    if (pcap_stats(handle_, &ps) == 0) {
      s.kernel_drops = uint64_t{ps.ps_drop} + ps.ps_ifdrop;
      s.kernel_received = ps.ps_recv;
    }
    return s;
  }

  // Async-signal-safe: an atomic store, and pcap_breakloop (a flag and, on Linux, a write to an
  // eventfd that wakes a blocked poll).
  void breakLoop() override {
    stop_.store(true, std::memory_order_relaxed);
    pcap_breakloop(handle_);
  }

 private:
  pcap_t* handle_;
  std::string interface_;
  LinkType link_;
  int64_t frac_to_ns_;
  std::atomic<bool> stop_{false};
  std::string error_;
  uint64_t packets_ = 0;
  uint64_t bytes_ = 0;
};

// Closes the handle on the error paths of openLiveInterface.
struct HandleCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
using HandlePtr = std::unique_ptr<pcap_t, HandleCloser>;

}  // namespace

Result<std::unique_ptr<PacketSource>> openLiveInterface(const LiveOptions& options,
                                                        AnomalyCounters& anomalies) {
  const std::string& name = options.interface;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  HandlePtr handle(pcap_create(name.c_str(), errbuf));
  if (!handle) return Error{oneLine(fmt::format("{}: {}", name, errbuf))};
  pcap_set_snaplen(handle.get(), static_cast<int>(options.snaplen));
  pcap_set_promisc(handle.get(), options.promiscuous ? 1 : 0);
  pcap_set_buffer_size(handle.get(), options.buffer_bytes);
  pcap_set_timeout(handle.get(), kPollTimeoutMs);
  // Nanosecond stamps when the platform has them; the precision actually granted is read back
  // after activation.
  pcap_set_tstamp_precision(handle.get(), PCAP_TSTAMP_PRECISION_NANO);

  int rc = pcap_activate(handle.get());
  if (rc < 0) {
    std::string detail = pcap_geterr(handle.get());
    std::string status = pcap_statustostr(rc);
    // PCAP_ERROR's text is just "generic error": the detail says more. Other codes have a
    // useful text of their own, and a detail that may repeat it.
    std::string message;
    if (rc == PCAP_ERROR && !detail.empty()) {
      message = fmt::format("{}: {}", name, detail);
    } else if (detail.empty() || detail == status) {
      message = fmt::format("{}: {}", name, status);
    } else {
      message = fmt::format("{}: {} ({})", name, status, detail);
    }
    return Error{oneLine(std::move(message))};
  }
  // rc > 0 is a warning (promiscuous mode not granted, timestamp type not supported): carry on.

  if (!options.bpf_filter.empty()) {
    bpf_program program{};
    if (pcap_compile(handle.get(), &program, options.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) !=
        0) {
      return Error{oneLine(fmt::format("{}: bad capture filter '{}': {}", name, options.bpf_filter,
                                       pcap_geterr(handle.get())))};
    }
    int set = pcap_setfilter(handle.get(), &program);
    pcap_freecode(&program);
    if (set != 0) {
      return Error{oneLine(
          fmt::format("{}: cannot set capture filter: {}", name, pcap_geterr(handle.get())))};
    }
  }
  int frac_to_ns =
      pcap_get_tstamp_precision(handle.get()) == PCAP_TSTAMP_PRECISION_NANO ? 1 : kNsPerMicro;
  return std::unique_ptr<PacketSource>(
      std::make_unique<LiveSource>(handle.release(), name, frac_to_ns));
}

}  // namespace medtap::capture
