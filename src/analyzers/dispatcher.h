// The analyzer dispatcher: receives a flow's data from the flow stage, recognises the protocol
// by asking the registry's probes (port hints first), and hands the flow to the analyzer that
// claims it. Sits between flow::FlowTable and the analyzers (DESIGN.md, "analyzers").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/registry.h"
#include "core/anomaly.h"
#include "events/event.h"
#include "flow/flow.h"
#include "flow/flow_callbacks.h"

namespace medtap::analyzers {

struct DispatcherLimits {
  // Bytes of each TCP direction held while the probes have not decided. Every probe we have
  // decides within its protocol's first header (MLLP/HL7: 4 bytes; DICOM A-ASSOCIATE: 74), and
  // nDPI's and Zeek's content detection also decide within the first few KiB. When a direction
  // fills it with only Maybe answers the flow is given up (analyzer_probe_limit).
  size_t probe_window = 4096;
  // UDP datagrams of a flow probed while some probe answers Maybe, then analyzer_probe_limit.
  uint32_t max_probe_datagrams = 8;
};

// Per flow: until a protocol is recognised, the first bytes of each TCP direction are buffered
// (at most limits.probe_window) and probed; Yes claims the flow (flow.app_proto is set and the
// analyzer gets the buffered bytes, then everything after), No from every probe or a gap before
// recognition leaves the flow unclassified. An analyzer that returns OutOfSync is dropped for
// its flow (analyzer_out_of_sync); app_proto stays, so the flow event still says what it was.
// UDP datagrams are probed one by one in the same way. The state lives in flow.app, which only
// the dispatcher writes.
//
// Not thread-safe: one per worker, like the flow table that calls it.
class Dispatcher final : public flow::FlowCallbacks {
 public:
  // `registry` must outlive the dispatcher and not change; `sink` and `anomalies` too.
  Dispatcher(const Registry& registry, events::EventSink& sink, AnomalyCounters& anomalies,
             const privacy::PhiTokenizer& phi, const DispatcherLimits& limits = {});

  void onStreamData(flow::Flow& flow, Direction dir, Bytes data, Timestamp ts) override;
  void onStreamGap(flow::Flow& flow, Direction dir, uint64_t length, Timestamp ts) override;
  void onStreamEnd(flow::Flow& flow, Direction dir, Timestamp ts) override;
  void onDatagram(flow::Flow& flow, Direction dir, const decode::DecodedPacket& packet) override;
  // Ends the flow's analyzer (each direction not ended yet) and releases the dispatcher's state.
  // It does not emit the flow event: the pipeline does, after this call.
  void onFlowEnd(flow::Flow& flow, flow::EndReason reason, Timestamp ts) override;

  // The header of events about `flow` (originator -> responder).
  static events::FlowRef flowRef(const flow::Flow& flow);

 private:
  class FlowApp;
  using ProbeList = std::vector<const AnalyzerDef*>;

  const ProbeList& probeOrder(Transport t, uint16_t resp_port) const;
  FlowApp& appOf(flow::Flow& flow);
  void probeStream(flow::Flow& flow, FlowApp& app, Direction dir, Bytes data, Timestamp ts);
  void claimStream(flow::Flow& flow, FlowApp& app, const AnalyzerDef& def, Direction dir,
                   Bytes rest, Timestamp ts);
  void feedStream(flow::Flow& flow, FlowApp& app, Direction dir, Bytes data, Timestamp ts);
  void probeDatagram(flow::Flow& flow, FlowApp& app, Direction dir,
                     const decode::DecodedPacket& packet);
  void feedDatagram(flow::Flow& flow, FlowApp& app, Direction dir,
                    const decode::DecodedPacket& packet);
  void giveUp(FlowApp& app);
  void dropAnalyzer(FlowApp& app);

  events::EventSink& sink_;
  AnomalyCounters& anomalies_;
  const privacy::PhiTokenizer& phi_;
  DispatcherLimits limits_;
  // Probe orders computed once from the registry: per transport for ports no analyzer hints at,
  // and per (transport, hinted port). Looking one up never allocates.
  std::array<ProbeList, 2> default_order_;
  std::unordered_map<uint32_t, ProbeList> hinted_order_;
};

}  // namespace medtap::analyzers
