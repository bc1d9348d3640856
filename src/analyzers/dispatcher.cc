#include "analyzers/dispatcher.h"

#include <algorithm>
#include <cassert>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

namespace medtap::analyzers {

namespace {

// One bit per analyzer of a probe order records its No (FlowApp::rejected).
constexpr size_t kMaxAnalyzersPerTransport = 64;

constexpr size_t transportIndex(Transport t) {
  return static_cast<size_t>(t);
}

constexpr uint32_t hintKey(Transport t, uint16_t port) {
  return (static_cast<uint32_t>(t) << 16) | port;
}

}  // namespace

// What the dispatcher keeps per flow, in flow.app. Small on purpose: after the probing phase the
// buffers are released, leaving a few words and the analyzer.
class Dispatcher::FlowApp final : public flow::FlowAppState {
 public:
  enum class Phase : uint8_t {
    Probing,       // probes asked on each new chunk or datagram
    Claimed,       // an analyzer has the flow
    Unclassified,  // every probe said No, a probe limit was hit, or a gap came first
    Dropped,       // the analyzer went out of sync; app_proto stays
  };
  enum class StreamEnd : uint8_t { Open, Ended };

  Phase phase = Phase::Probing;
  std::optional<Direction> first_dir;  // the first direction that sent data (replay order)
  std::array<StreamEnd, 2> ends{StreamEnd::Open, StreamEnd::Open};
  uint32_t probed_datagrams = 0;
  uint64_t rejected = 0;  // bit i: probe i of the flow's probe order answered No
  std::unique_ptr<StreamAnalyzer> stream;
  std::unique_ptr<DatagramAnalyzer> datagram;
  std::array<std::vector<uint8_t>, 2> held;  // TCP bytes held while probing, by Direction
  std::array<Timestamp, 2> held_ts{};        // time of the last packet added to `held`
};

Dispatcher::Dispatcher(const Registry& registry, events::EventSink& sink,
                       AnomalyCounters& anomalies, const privacy::PhiTokenizer& phi,
                       const DispatcherLimits& limits)
    : sink_(sink), anomalies_(anomalies), phi_(phi), limits_(limits) {
  for (Transport t : {Transport::Tcp, Transport::Udp}) {
    ProbeList& order = default_order_[transportIndex(t)];
    for (const AnalyzerDef& def : registry.analyzers()) {
      if (def.transport == t) order.push_back(&def);
    }
    if (order.size() > kMaxAnalyzersPerTransport) {
      throw std::length_error("analyzer registry: more than 64 analyzers for one transport");
    }
  }
  for (const AnalyzerDef& def : registry.analyzers()) {
    for (uint16_t port : def.port_hints) {
      const uint32_t key = hintKey(def.transport, port);
      if (!hinted_order_.contains(key)) {
        hinted_order_.emplace(key, registry.probeOrder(def.transport, port));
      }
    }
  }
}

events::FlowRef Dispatcher::flowRef(const flow::Flow& flow) {
  static_assert(std::tuple_size_v<decltype(flow.key.vlan)> ==
                std::tuple_size_v<decltype(events::FlowRef::vlan)>);
  events::FlowRef ref;
  ref.id = flow.id;
  ref.src_ip = flow.orig_ip;
  ref.dest_ip = flow.resp_ip;
  ref.src_port = flow.orig_port;
  ref.dest_port = flow.resp_port;
  ref.proto = flow.key.proto;
  ref.vlan_count = flow.key.vlan_count;
  ref.vlan = flow.key.vlan;
  ref.app_proto = flow.app_proto;
  if (flow.mac_known & 1U) ref.src_mac = flow.mac[0];
  if (flow.mac_known & 2U) ref.dest_mac = flow.mac[1];
  return ref;
}

const Dispatcher::ProbeList& Dispatcher::probeOrder(Transport t, uint16_t resp_port) const {
  const auto it = hinted_order_.find(hintKey(t, resp_port));
  return it != hinted_order_.end() ? it->second : default_order_[transportIndex(t)];
}

Dispatcher::FlowApp& Dispatcher::appOf(flow::Flow& flow) {
  // Every flow that sent data carries one (DESIGN.md: under 1 KB per idle flow in all).
  static_assert(sizeof(FlowApp) <= 128, "keep the per-flow dispatcher state small");
  if (!flow.app) flow.app = std::make_unique<FlowApp>();
  assert(dynamic_cast<FlowApp*>(flow.app.get()) != nullptr);  // only the dispatcher writes it
  return static_cast<FlowApp&>(*flow.app);
}

void Dispatcher::onStreamData(flow::Flow& flow, Direction dir, Bytes data, Timestamp ts) {
  if (data.empty()) return;
  FlowApp& app = appOf(flow);
  switch (app.phase) {
    case FlowApp::Phase::Probing:
      probeStream(flow, app, dir, data, ts);
      break;
    case FlowApp::Phase::Claimed:
      feedStream(flow, app, dir, data, ts);
      break;
    case FlowApp::Phase::Unclassified:
    case FlowApp::Phase::Dropped:
      break;
  }
}

void Dispatcher::onStreamGap(flow::Flow& flow, Direction dir, uint64_t length, Timestamp ts) {
  FlowApp& app = appOf(flow);
  if (app.phase == FlowApp::Phase::Probing) {
    // The probes would judge bytes that do not start where the protocol starts.
    giveUp(app);
  } else if (app.phase == FlowApp::Phase::Claimed && app.stream) {
    const events::FlowRef ref = flowRef(flow);
    AnalyzerContext ctx{ref, sink_, anomalies_, phi_};
    app.stream->gap(ctx, dir, length, ts);
  }
}

void Dispatcher::onStreamEnd(flow::Flow& flow, Direction dir, Timestamp ts) {
  if (!flow.app) return;
  FlowApp& app = appOf(flow);
  if (app.ends[index(dir)] == FlowApp::StreamEnd::Ended) return;
  app.ends[index(dir)] = FlowApp::StreamEnd::Ended;
  if (app.phase == FlowApp::Phase::Claimed && app.stream) {
    const events::FlowRef ref = flowRef(flow);
    AnalyzerContext ctx{ref, sink_, anomalies_, phi_};
    app.stream->end(ctx, dir, ts);
  } else if (app.phase == FlowApp::Phase::Probing &&
             app.ends[index(opposite(dir))] == FlowApp::StreamEnd::Ended) {
    giveUp(app);  // no more bytes will come to decide with
  }
}

void Dispatcher::onDatagram(flow::Flow& flow, Direction dir, const decode::DecodedPacket& packet) {
  if (flow.key.proto != static_cast<uint8_t>(decode::IpProto::Udp)) return;  // no ICMP analyzers
  FlowApp& app = appOf(flow);
  switch (app.phase) {
    case FlowApp::Phase::Probing:
      probeDatagram(flow, app, dir, packet);
      break;
    case FlowApp::Phase::Claimed:
      feedDatagram(flow, app, dir, packet);
      break;
    case FlowApp::Phase::Unclassified:
    case FlowApp::Phase::Dropped:
      break;
  }
}

void Dispatcher::onFlowEnd(flow::Flow& flow, flow::EndReason /*reason*/, Timestamp ts) {
  if (!flow.app) return;
  FlowApp& app = appOf(flow);
  if (app.phase == FlowApp::Phase::Claimed && app.stream) {
    const events::FlowRef ref = flowRef(flow);
    AnalyzerContext ctx{ref, sink_, anomalies_, phi_};
    for (Direction d : {Direction::Originator, Direction::Responder}) {
      if (app.ends[index(d)] == FlowApp::StreamEnd::Open) {
        app.ends[index(d)] = FlowApp::StreamEnd::Ended;
        app.stream->end(ctx, d, ts);
      }
    }
  } else if (app.phase == FlowApp::Phase::Claimed && app.datagram) {
    const events::FlowRef ref = flowRef(flow);
    AnalyzerContext ctx{ref, sink_, anomalies_, phi_};
    app.datagram->end(ctx, ts);
  }
  flow.app.reset();
}

// TCP before recognition: probe the first bytes of `dir` (held bytes plus `data`, at most the
// probe window). The common case, a protocol recognised from the first chunk, copies nothing.
void Dispatcher::probeStream(flow::Flow& flow, FlowApp& app, Direction dir, Bytes data,
                             Timestamp ts) {
  if (!app.first_dir) app.first_dir = dir;
  std::vector<uint8_t>& held = app.held[index(dir)];
  const size_t taken = std::min(data.size(), limits_.probe_window - held.size());
  const bool holding = !held.empty();
  if (holding) {
    held.insert(held.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(taken));
    app.held_ts[index(dir)] = ts;
  }
  const Bytes window = holding ? Bytes(held) : data.first(taken);

  const ProbeList& order = probeOrder(Transport::Tcp, flow.resp_port);
  bool undecided = false;
  for (size_t i = 0; i < order.size(); ++i) {
    const uint64_t bit = uint64_t{1} << i;
    if ((app.rejected & bit) != 0) continue;
    switch (order[i]->probe(window, dir)) {
      case ProbeResult::Yes:
        claimStream(flow, app, *order[i], dir, holding ? data.subspan(taken) : data, ts);
        return;
      case ProbeResult::No:
        app.rejected |= bit;
        break;
      case ProbeResult::Maybe:
        undecided = true;
        break;
    }
  }
  if (!undecided) {
    giveUp(app);
  } else if (window.size() >= limits_.probe_window) {
    anomalies_.add(Anomaly::AnalyzerProbeLimit);
    giveUp(app);
  } else if (!holding) {
    held.assign(window.begin(), window.end());
    app.held_ts[index(dir)] = ts;
  }
}

// Gives the flow to `def`'s analyzer: first the bytes held while probing (the direction that
// spoke first, then the other), then `rest` of the chunk that decided.
void Dispatcher::claimStream(flow::Flow& flow, FlowApp& app, const AnalyzerDef& def, Direction dir,
                             Bytes rest, Timestamp ts) {
  flow.app_proto = def.name;
  app.phase = FlowApp::Phase::Claimed;
  app.stream = def.make_stream ? def.make_stream() : nullptr;
  if (!app.stream) {
    app.phase = FlowApp::Phase::Dropped;
    return;
  }
  const Direction first = app.first_dir.value_or(dir);
  for (Direction d : {first, opposite(first)}) {
    const std::vector<uint8_t> held = std::move(app.held[index(d)]);  // released after replay
    app.held[index(d)].clear();
    if (!held.empty()) feedStream(flow, app, d, held, app.held_ts[index(d)]);
    if (app.phase != FlowApp::Phase::Claimed) return;
    if (d != dir && app.ends[index(d)] == FlowApp::StreamEnd::Ended) {
      const events::FlowRef ref = flowRef(flow);
      AnalyzerContext ctx{ref, sink_, anomalies_, phi_};
      app.stream->end(ctx, d, ts);
    }
  }
  if (!rest.empty()) feedStream(flow, app, dir, rest, ts);
}

void Dispatcher::feedStream(flow::Flow& flow, FlowApp& app, Direction dir, Bytes data,
                            Timestamp ts) {
  const events::FlowRef ref = flowRef(flow);
  AnalyzerContext ctx{ref, sink_, anomalies_, phi_};
  if (app.stream->feed(ctx, dir, data, ts) == FeedResult::OutOfSync) dropAnalyzer(app);
}

// UDP before recognition: each datagram is probed on its own. A No is final for the flow, as for
// TCP; Maybe waits for the next datagram, up to limits.max_probe_datagrams.
void Dispatcher::probeDatagram(flow::Flow& flow, FlowApp& app, Direction dir,
                               const decode::DecodedPacket& packet) {
  if (packet.payload.empty()) return;  // nothing to judge
  const Bytes window = packet.payload.first(std::min(packet.payload.size(), limits_.probe_window));
  const ProbeList& order = probeOrder(Transport::Udp, flow.resp_port);
  bool undecided = false;
  for (size_t i = 0; i < order.size(); ++i) {
    const uint64_t bit = uint64_t{1} << i;
    if ((app.rejected & bit) != 0) continue;
    switch (order[i]->probe(window, dir)) {
      case ProbeResult::Yes:
        flow.app_proto = order[i]->name;
        app.phase = FlowApp::Phase::Claimed;
        app.datagram = order[i]->make_datagram ? order[i]->make_datagram() : nullptr;
        if (!app.datagram) {
          app.phase = FlowApp::Phase::Dropped;
          return;
        }
        feedDatagram(flow, app, dir, packet);
        return;
      case ProbeResult::No:
        app.rejected |= bit;
        break;
      case ProbeResult::Maybe:
        undecided = true;
        break;
    }
  }
  if (!undecided) {
    giveUp(app);
  } else if (++app.probed_datagrams >= limits_.max_probe_datagrams) {
    anomalies_.add(Anomaly::AnalyzerProbeLimit);
    giveUp(app);
  }
}

void Dispatcher::feedDatagram(flow::Flow& flow, FlowApp& app, Direction dir,
                              const decode::DecodedPacket& packet) {
  if (!app.datagram) return;
  const events::FlowRef ref = flowRef(flow);
  AnalyzerContext ctx{ref, sink_, anomalies_, phi_};
  if (app.datagram->feed(ctx, dir, packet) == FeedResult::OutOfSync) dropAnalyzer(app);
}

void Dispatcher::giveUp(FlowApp& app) {
  app.phase = FlowApp::Phase::Unclassified;
  for (std::vector<uint8_t>& held : app.held) std::vector<uint8_t>().swap(held);
}

void Dispatcher::dropAnalyzer(FlowApp& app) {
  anomalies_.add(Anomaly::AnalyzerOutOfSync);
  app.phase = FlowApp::Phase::Dropped;
  app.stream.reset();
  app.datagram.reset();
}

}  // namespace medtap::analyzers
