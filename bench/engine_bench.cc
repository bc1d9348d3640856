// Throughput of the engine's stages on one capture, each measured up to and including itself:
// the capture reader alone, reader + decoder, reader + decoder + flow table (TCP reassembly,
// no analyzer), and the whole pipeline (every analyzer, events into a sink that only counts, no
// EVE writing). The analyzers' own figures (analyzers_bench) are read against these.
//
// The capture: $MEDTAP_BENCH_CAPTURE, else the 1 GB ward capture bench/throughput.sh caches
// (${TMPDIR:-/tmp}/medtap-bench/ward-gen_capture-1G-seed1.pcap), read into memory once.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "capture/file_source.h"
#include "core/anomaly.h"
#include "decode/decoder.h"
#include "events/event.h"
#include "flow/flow_callbacks.h"
#include "flow/flow_table.h"
#include "pipeline/pipeline.h"
#include "privacy/phi_tokenizer.h"

namespace medtap::bench {
namespace {

std::string capturePath() {
  if (const char* p = std::getenv("MEDTAP_BENCH_CAPTURE"); p != nullptr && *p != '\0') return p;
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
         "/medtap-bench/ward-gen_capture-1G-seed1.pcap";
}

// The capture's bytes, read once; empty when it cannot be read.
const std::vector<uint8_t>& captureBytes() {
  static const std::vector<uint8_t> bytes = [] {
    std::ifstream in(capturePath(), std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
  }();
  return bytes;
}

// Opens the capture over the in-memory bytes; nullptr (and the benchmark skipped) if it fails.
std::unique_ptr<capture::PacketSource> open(benchmark::State& state, AnomalyCounters& anomalies) {
  const std::vector<uint8_t>& bytes = captureBytes();
  if (bytes.empty()) {
    state.SkipWithError(("no capture at " + capturePath() +
                         " (run bench/throughput.sh once, or set MEDTAP_BENCH_CAPTURE)")
                            .c_str());
    return nullptr;
  }
  auto source = capture::openCaptureBuffer(Bytes(bytes), anomalies);
  if (!source) {
    state.SkipWithError(source.error().c_str());
    return nullptr;
  }
  return std::move(*source);
}

// Reads every packet of the capture per iteration and hands it to a fresh Stage (constructed
// from the iteration's anomaly counters); reports the capture's bytes and packets per second.
template <typename Stage>
void run(benchmark::State& state) {
  captureBytes();  // read before the clock starts
  uint64_t packets = 0;
  for (auto _ : state) {
    AnomalyCounters anomalies;
    std::unique_ptr<capture::PacketSource> source = open(state, anomalies);
    if (!source) return;
    auto stage = std::make_unique<Stage>(anomalies);
    capture::RawPacket raw;
    while (source->next(raw) == capture::ReadStatus::Packet) {
      stage->process(raw);
      ++packets;
    }
    stage->finish();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * captureBytes().size()));
  state.counters["packets"] =
      benchmark::Counter(static_cast<double>(packets), benchmark::Counter::kIsRate);
}

// The reader alone.
struct ReadStage {
  explicit ReadStage(AnomalyCounters&) {}
  void process(const capture::RawPacket& raw) { benchmark::DoNotOptimize(raw.data.data()); }
  void finish() {}
};

void BM_CaptureReader(benchmark::State& state) {
  run<ReadStage>(state);
}
BENCHMARK(BM_CaptureReader)->Unit(benchmark::kMillisecond);

// Reader and decoder.
struct DecodeStage {
  explicit DecodeStage(AnomalyCounters& anomalies) : decoder(anomalies) {}
  // Whether the packet goes on to the flow table (a whole IPv4 or IPv6 packet).
  bool decode(const capture::RawPacket& raw) {
    return decoder.decode(raw, packet) == decode::DecodeResult::Ok &&
           (packet.l3 == decode::L3::Ipv4 || packet.l3 == decode::L3::Ipv6);
  }
  void process(const capture::RawPacket& raw) { benchmark::DoNotOptimize(decode(raw)); }
  void finish() {}

  decode::Decoder decoder;
  decode::DecodedPacket packet;
};

void BM_Decoder(benchmark::State& state) {
  run<DecodeStage>(state);
}
BENCHMARK(BM_Decoder)->Unit(benchmark::kMillisecond);

// Takes the flow table's callbacks and does nothing with them.
class NullFlowCallbacks final : public flow::FlowCallbacks {
 public:
  void onStreamData(flow::Flow&, flow::Direction, Bytes data, Timestamp) override {
    benchmark::DoNotOptimize(data.data());
  }
  void onStreamGap(flow::Flow&, flow::Direction, uint64_t, Timestamp) override {}
  void onStreamEnd(flow::Flow&, flow::Direction, Timestamp) override {}
  void onDatagram(flow::Flow&, flow::Direction, const decode::DecodedPacket&) override {}
  void onFlowEnd(flow::Flow&, flow::EndReason, Timestamp) override {}
};

// Reader, decoder and flow table with TCP reassembly, expiring idle flows once a second of
// packet time as the pipeline does.
struct FlowStage {
  explicit FlowStage(AnomalyCounters& anomalies)
      : decode(anomalies), flows(flow::FlowTableConfig{}, callbacks, anomalies) {}
  void process(const capture::RawPacket& raw) {
    if (raw.ts > last) last = raw.ts;
    if (!decode.decode(raw)) return;
    flows.process(decode.packet);
    if (last >= next_expiry) {
      flows.expire(last);
      next_expiry = last + Duration::seconds(1);
    }
  }
  void finish() { flows.flushAll(last); }

  DecodeStage decode;
  NullFlowCallbacks callbacks;
  flow::FlowTable flows;
  Timestamp last, next_expiry;
};

void BM_FlowTable(benchmark::State& state) {
  run<FlowStage>(state);
}
BENCHMARK(BM_FlowTable)->Unit(benchmark::kMillisecond);

class CountingSink final : public events::EventSink {
 public:
  void emit(const events::Event& event) override {
    benchmark::DoNotOptimize(&event);
    ++count;
  }
  uint64_t count = 0;
};

// The whole pipeline (pipeline/pipeline.h): decoder, flow table, every analyzer, events.
struct PipelineStage {
  explicit PipelineStage(AnomalyCounters&) : worker(pipeline::PipelineOptions{}, phi, sink) {}
  void process(const capture::RawPacket& raw) { worker.process(raw); }
  void finish() {
    worker.finish();
    benchmark::DoNotOptimize(sink.count);
  }

  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("bench");
  CountingSink sink;
  pipeline::Pipeline worker;
};

void BM_Pipeline(benchmark::State& state) {
  run<PipelineStage>(state);
}
BENCHMARK(BM_Pipeline)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace medtap::bench
