#include "pipeline/pipeline.h"

namespace medtap::pipeline {

namespace {

analyzers::Registry makeRegistry() {
  analyzers::Registry r;
  analyzers::registerAnalyzers(r);
  return r;
}

}  // namespace

Pipeline::Pipeline(const PipelineOptions& options, const privacy::PhiTokenizer& phi,
                   events::EventSink& sink)
    : sink_(sink),
      phi_(phi),
      registry_(makeRegistry()),
      decoder_(anomalies_, options.decoder),
      dispatcher_(registry_, sink, anomalies_, phi_, options.dispatcher),
      flows_(options.flows, *this, anomalies_),
      arp_(sink, anomalies_) {}

Pipeline::~Pipeline() = default;

void Pipeline::process(const capture::RawPacket& raw) {
  ++stats_.packets;
  stats_.bytes += raw.data.size();
  if (!seen_packet_) {
    seen_packet_ = true;
    stats_.first_packet = raw.ts;
    stats_.last_packet = raw.ts;
    next_expiry_ = raw.ts + kExpiryInterval;
    next_progress_ = Timestamp{(raw.ts.ns / kProgressInterval.ns + 1) * kProgressInterval.ns};
  }
  // Time only moves forward for expiry: a packet stamped earlier than the last one (merged
  // captures, clock steps) is processed but does not turn the clock back.
  if (raw.ts > stats_.last_packet) stats_.last_packet = raw.ts;

  switch (decoder_.decode(raw, packet_)) {
    case decode::DecodeResult::Incomplete:
      ++stats_.fragments_held;
      break;
    case decode::DecodeResult::Malformed:
      ++stats_.malformed_packets;
      break;
    case decode::DecodeResult::Ok:
      if (packet_.l3 == decode::L3::Ipv4 || packet_.l3 == decode::L3::Ipv6) {
        ++stats_.ip_packets;
        flows_.process(packet_);
      } else {
        ++stats_.other_packets;
        if (packet_.l3 == decode::L3::Arp) arp_.onPacket(packet_);
      }
      break;
  }

  if (stats_.last_packet >= next_expiry_) {
    flows_.expire(stats_.last_packet);
    arp_.advance(stats_.last_packet);
    next_expiry_ = stats_.last_packet + kExpiryInterval;
  }
  if (stats_.last_packet >= next_progress_) {
    reportProgress(stats_.last_packet);
    while (next_progress_ <= stats_.last_packet)
      next_progress_ = next_progress_ + kProgressInterval;
  }
}

// Open flows' bytes since their last report (events/flow_record.h FlowProgress). Memory: two
// fields in each flow; time: one pass over the open flows per interval of packet time.
void Pipeline::reportProgress(Timestamp now) {
  flows_.forEachOpen([this, now](flow::Flow& flow) {
    const uint64_t up = flow.bytes[flow::index(flow::Direction::Originator)];
    const uint64_t down = flow.bytes[flow::index(flow::Direction::Responder)];
    if (up + down <= flow.progress_bytes) return;
    events::FlowProgress p;
    p.bytes = up + down - flow.progress_bytes;
    p.pkts_toclient = flow.pkts[flow::index(flow::Direction::Responder)];
    p.since = flow.progress_bytes == 0 ? flow.first_seen : flow.progress_until;
    p.until = flow.last_seen;
    flow.progress_bytes = up + down;
    flow.progress_until = flow.last_seen;
    sink_.emit(events::Event{now, analyzers::Dispatcher::flowRef(flow), p});
  });
}

void Pipeline::finish() {
  flows_.flushAll(stats_.last_packet);
  arp_.finish();
}

PipelineStats Pipeline::stats() const {
  PipelineStats s = stats_;
  s.flows = flows_.stats();
  return s;
}

void Pipeline::onStreamData(flow::Flow& flow, flow::Direction dir, Bytes data, Timestamp ts) {
  dispatcher_.onStreamData(flow, dir, data, ts);
}

void Pipeline::onStreamGap(flow::Flow& flow, flow::Direction dir, uint64_t length, Timestamp ts) {
  dispatcher_.onStreamGap(flow, dir, length, ts);
}

void Pipeline::onStreamEnd(flow::Flow& flow, flow::Direction dir, Timestamp ts) {
  dispatcher_.onStreamEnd(flow, dir, ts);
}

void Pipeline::onDatagram(flow::Flow& flow, flow::Direction dir,
                          const decode::DecodedPacket& packet) {
  dispatcher_.onDatagram(flow, dir, packet);
}

void Pipeline::onFlowEnd(flow::Flow& flow, flow::EndReason reason, Timestamp ts) {
  dispatcher_.onFlowEnd(flow, reason, ts);
  events::FlowRecord rec;
  rec.pkts_toserver = flow.pkts[flow::index(flow::Direction::Originator)];
  rec.pkts_toclient = flow.pkts[flow::index(flow::Direction::Responder)];
  rec.bytes_toserver = flow.bytes[flow::index(flow::Direction::Originator)];
  rec.bytes_toclient = flow.bytes[flow::index(flow::Direction::Responder)];
  rec.start = flow.first_seen;
  rec.end = flow.last_seen;
  rec.state = flow::flowStateName(flow.state);
  rec.reason = flow::endReasonName(reason);
  rec.progress_bytes = flow.progress_bytes;
  rec.progress_until = flow.progress_until;
  sink_.emit(events::Event{flow.last_seen, analyzers::Dispatcher::flowRef(flow), rec});
}

}  // namespace medtap::pipeline
