#include "analyzers/contec_cms/contec_analyzer.h"

#include <utility>

#include "analyzers/contec_cms/blocks.h"
#include "analyzers/contec_cms/limits.h"

namespace medtap::analyzers::contec_cms {

namespace {

// 202.114.4.119 is reached on TCP 515-520 (Claroty Team82, DOMAIN.md); hints only.
constexpr uint16_t kPortHints[] = {515, 516, 517, 518, 519, 520};

std::unique_ptr<StreamAnalyzer> makeStream() {
  return std::make_unique<ContecAnalyzer>();
}

}  // namespace

ProbeResult probe(Bytes b, Direction /*dir*/) {
  if (b.size() >= kLengthSize) {
    const uint16_t length = readLe16(b, 0);
    if (length < 2 || length > kMaxBlockSize) return ProbeResult::No;
  }
  if (b.size() >= 3 && b[2] != kMarker) return ProbeResult::No;
  if (b.size() < kHeaderSize) return ProbeResult::Maybe;
  return isKnownBlockType(b[3]) ? ProbeResult::Yes : ProbeResult::No;
}

class ContecAnalyzer::Emitter final : public BlockCallbacks {
 public:
  Emitter(ContecAnalyzer& a, AnalyzerContext& ctx, Direction dir, Timestamp ts)
      : a_(a), ctx_(ctx), dir_(dir), ts_(ts) {}
  void onBlock(uint8_t type, Bytes payload) override { a_.onBlock(ctx_, dir_, type, payload, ts_); }
  void onAnomaly(Anomaly anomaly) override { ctx_.anomalies.add(anomaly); }

 private:
  ContecAnalyzer& a_;
  AnalyzerContext& ctx_;
  Direction dir_;
  Timestamp ts_;
};

FeedResult ContecAnalyzer::feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) {
  Emitter emitter(*this, ctx, dir, ts);
  return framers_[index(dir)].feed(data, emitter);
}

void ContecAnalyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t /*length*/, Timestamp ts) {
  Emitter emitter(*this, ctx, dir, ts);
  framers_[index(dir)].gap(emitter);
}

void ContecAnalyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  Emitter emitter(*this, ctx, dir, ts);
  framers_[index(dir)].end(emitter);
}

void ContecAnalyzer::onBlock(AnalyzerContext& ctx, Direction dir, uint8_t type, Bytes payload,
                             Timestamp ts) {
  const bool type_changed = last_type_ != type;
  last_type_ = type;
  events::ContecCmsBlock block;
  block.block_type = type;
  block.block_name = blockName(type);
  switch (static_cast<BlockType>(type)) {
    case BlockType::PatientRecord: {
      PatientRecordView r;
      if (!parsePatientRecord(payload, r)) break;
      bed_ = r.bed;
      block.department.assign(r.department);
      block.patient = events::ContecPatient{
          ctx.phi.token(r.name),           ctx.phi.token(r.number), ctx.phi.token(r.birth_date),
          ctx.phi.token(r.admission_date), ctx.phi.token(r.doctor),
      };
      block.height_mm = r.height_mm;
      block.weight_dg = r.weight_dg;
      emit(ctx, dir, std::move(block), ts);
      return;
    }
    case BlockType::BedNumber: {
      uint8_t bed = 0;
      if (!parseBedNumber(payload, bed)) break;
      if (bed_ == bed) return;
      bed_ = bed;
      emit(ctx, dir, std::move(block), ts);
      return;
    }
    case BlockType::Telemetry:
      if (!parseTelemetry(payload, vitals_)) break;
      ++telemetry_blocks_;
      return;
    case BlockType::EndOfCycle:
      block.vitals = vitals_;
      block.telemetry_blocks = telemetry_blocks_;
      telemetry_blocks_ = 0;
      emit(ctx, dir, std::move(block), ts);
      return;
    case BlockType::Error: {
      uint32_t code = 0;
      std::string_view text;
      if (!parseError(payload, code, text)) break;
      block.error_code = code;
      block.error_text.assign(text);
      emit(ctx, dir, std::move(block), ts);
      return;
    }
    case BlockType::Empty43:
    default:
      if (type_changed) emit(ctx, dir, std::move(block), ts);
      return;
  }
  ctx.anomalies.add(Anomaly::ContecShortBlock);
}

void ContecAnalyzer::emit(AnalyzerContext& ctx, Direction dir, events::ContecCmsBlock&& block,
                          Timestamp ts) {
  block.bed = bed_;
  events::Event event{
      ts, ctx.flow, std::move(block),
      dir == Direction::Originator ? events::Direction::ToServer : events::Direction::ToClient};
  ctx.events.emit(event);
}

void registerAnalyzer(Registry& registry) {
  registry.add(AnalyzerDef{
      .name = "contec_cms",
      .transport = Transport::Tcp,
      .port_hints = {std::begin(kPortHints), std::end(kPortHints)},
      .probe = &probe,
      .make_stream = &makeStream,
      .make_datagram = nullptr,
  });
}

}  // namespace medtap::analyzers::contec_cms
