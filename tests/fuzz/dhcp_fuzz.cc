// Fuzz target for the DHCPv4 parser and analyzer: the input is one UDP payload.
// Checks, beyond "no crash": the probe and the parser agree (a Yes parses with a header), and a
// reused message gives the same result as a fresh one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "analyzers/dhcp/dhcp_analyzer.h"
#include "analyzers/dhcp/dhcp_parser.h"
#include "analyzers/dhcp/limits.h"
#include "fuzz_support.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

using medtap::fuzz::check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes payload(data, size);
  AnomalyCounters anomalies;
  static events::DhcpMessage reused;  // carries the previous input's buffers
  events::DhcpMessage fresh;
  const auto status = dhcp::parseMessage(payload, fresh, anomalies);
  check(dhcp::parseMessage(payload, reused, anomalies) == status);
  check(reused.hostname == fresh.hostname && reused.params == fresh.params &&
        reused.client_id == fresh.client_id && reused.routers.size() == fresh.routers.size());
  if (dhcp::probe(payload, Direction::Originator) == ProbeResult::Yes) {
    check(status == dhcp::ParseStatus::Ok);
  }
  check(fresh.hostname.size() <= dhcp::kMaxOptionLength);
  return 0;
}
