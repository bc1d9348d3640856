#include "analyzers/registry.h"

#include <algorithm>
#include <utility>

#include "analyzers/contec_cms/contec_analyzer.h"
#include "analyzers/dhcp/dhcp_analyzer.h"
#include "analyzers/dicom/dicom_analyzer.h"
#include "analyzers/dns/dns_analyzer.h"
#include "analyzers/hl7/hl7_analyzer.h"
#include "analyzers/http/http_analyzer.h"
#include "analyzers/lpd/lpd_analyzer.h"
#include "analyzers/rpc/rpc_analyzer.h"
#include "analyzers/starttls/starttls_analyzer.h"
#include "analyzers/tls/tls_analyzer.h"

namespace medtap::analyzers {

void Registry::add(AnalyzerDef def) {
  defs_.push_back(std::move(def));
}

std::vector<const AnalyzerDef*> Registry::probeOrder(Transport t, uint16_t resp_port) const {
  std::vector<const AnalyzerDef*> hinted;
  std::vector<const AnalyzerDef*> rest;
  for (const AnalyzerDef& def : defs_) {
    if (def.transport != t) continue;
    const bool is_hinted =
        std::find(def.port_hints.begin(), def.port_hints.end(), resp_port) != def.port_hints.end();
    (is_hinted ? hinted : rest).push_back(&def);
  }
  hinted.insert(hinted.end(), rest.begin(), rest.end());
  return hinted;
}

// Every analyzer, in one place (STYLE.md 3). Registration order is the probe order for flows on
// ports no analyzer hints at, so put the cheapest and most specific probes first.
void registerAnalyzers(Registry& registry) {
  hl7::registerAnalyzer(registry);
  dhcp::registerAnalyzer(registry);
  dns::registerAnalyzer(registry);
  tls::registerAnalyzer(registry);
  http::registerAnalyzer(registry);
  rpc::registerAnalyzer(registry);
  lpd::registerAnalyzer(registry);
  contec_cms::registerAnalyzer(registry);
  dicom::registerAnalyzer(registry);
  starttls::registerAnalyzer(registry);
}

}  // namespace medtap::analyzers
