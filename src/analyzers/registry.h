// The explicit analyzer registry (STYLE.md 3): each analyzer's registerAnalyzer() adds one
// AnalyzerDef, and registerAnalyzers() in registry.cc calls them all, in one place. Which analyzer
// a flow gets is decided from content; port hints only order the probes and break ties.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"

namespace medtap::analyzers {

enum class Transport : uint8_t { Tcp, Udp };

enum class ProbeResult : uint8_t {
  No,     // these bytes are not this protocol
  Maybe,  // not enough bytes to tell yet
  Yes,    // this protocol
};

struct AnalyzerDef {
  std::string_view name;  // the app_proto value: "hl7", "dicom", ...
  Transport transport;
  std::vector<uint16_t> port_hints;  // server ports commonly used; never required
  // Looks at the first bytes of a direction (at most the registry's probe window).
  ProbeResult (*probe)(Bytes first_bytes, Direction dir);
  std::unique_ptr<StreamAnalyzer> (*make_stream)();      // for Transport::Tcp
  std::unique_ptr<DatagramAnalyzer> (*make_datagram)();  // for Transport::Udp
};

class Registry {
 public:
  void add(AnalyzerDef def);
  const std::vector<AnalyzerDef>& analyzers() const { return defs_; }
  // The analyzers of a transport in probe order for a flow with this responder port: port-hinted
  // ones first, then the rest in registration order.
  std::vector<const AnalyzerDef*> probeOrder(Transport t, uint16_t resp_port) const;

 private:
  std::vector<AnalyzerDef> defs_;
};

// Every analyzer medtap has, registered in one place (registry.cc).
void registerAnalyzers(Registry& registry);

}  // namespace medtap::analyzers
