#include "config/bpf_check.h"

#include <pcap/pcap.h>

#include <memory>
#include <string>

namespace medtap::config {

namespace {

// Snapshot length of the dead handle; the filter compiler only uses it to bound packet offsets.
constexpr int kCheckSnaplen = 262144;

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};

}  // namespace

Status checkBpfFilter(std::string_view filter) {
  if (filter.empty()) return Ok{};
  std::string text(filter);  // pcap_compile wants a NUL-terminated string
  if (text.find('\0') != std::string::npos) return Error{"contains a NUL character"};
  std::unique_ptr<pcap_t, PcapCloser> handle(pcap_open_dead(DLT_EN10MB, kCheckSnaplen));
  if (!handle) return Error{"cannot check the filter: libpcap could not open a handle"};
  bpf_program program{};
  if (pcap_compile(handle.get(), &program, text.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    return Error{"invalid filter: " + std::string(pcap_geterr(handle.get()))};
  }
  pcap_freecode(&program);
  return Ok{};
}

}  // namespace medtap::config
