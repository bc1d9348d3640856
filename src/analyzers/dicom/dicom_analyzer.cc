#include "analyzers/dicom/dicom_analyzer.h"

#include <utility>

#include "analyzers/dicom/association.h"

namespace medtap::analyzers::dicom {

namespace {

constexpr std::string_view kName = "dicom";

// Server ports DICOM is commonly found on; hints only. 104: IANA "dicom"; 11112: IANA
// "dicom-iscl", the default of DCMTK and most PACS; 4242: Orthanc's default DICOM port.
constexpr uint16_t kPortHints[] = {104, 11112, 4242};

// Probe offsets into an A-ASSOCIATE-RQ (PS3.8 table 9-11).
constexpr size_t kReservedOffset = 1;
constexpr size_t kLengthOffset = 2;
constexpr size_t kVersionOffset = kPduHeaderSize;
constexpr size_t kAeTitlesOffset = kPduHeaderSize + 4;
constexpr size_t kFirstItemOffset = kPduHeaderSize + kAssociateFixedSize;
constexpr uint8_t kApplicationContextItem = 0x10;

events::Direction eventDirection(Direction dir) {
  return dir == Direction::Originator ? events::Direction::ToServer : events::Direction::ToClient;
}

std::unique_ptr<StreamAnalyzer> makeStream() {
  return std::make_unique<DicomAnalyzer>();
}

}  // namespace

ProbeResult probe(Bytes b, Direction /*dir*/) {
  if (b.empty()) return ProbeResult::Maybe;
  if (b[0] != static_cast<uint8_t>(PduType::AssociateRq)) return ProbeResult::No;
  if (b.size() > kReservedOffset && b[kReservedOffset] != 0) return ProbeResult::No;
  if (b.size() >= kLengthOffset + 4) {
    const uint32_t length = readBe32(b, kLengthOffset);
    if (length < kAssociateFixedSize + kItemHeaderSize || length > kMaxBufferedPduSize) {
      return ProbeResult::No;
    }
  }
  if (b.size() >= kVersionOffset + 2 && readBe16(b, kVersionOffset) != kProtocolVersion) {
    return ProbeResult::No;
  }
  // AE titles: 16 bytes each of the default character repertoire, space padded (PS3.5 6.2).
  for (size_t i = kAeTitlesOffset; i < std::min(b.size(), kAeTitlesOffset + 2 * kAeTitleSize);
       ++i) {
    if (b[i] < 0x20 || b[i] > 0x7E) return ProbeResult::No;
  }
  if (b.size() <= kFirstItemOffset) return ProbeResult::Maybe;
  return b[kFirstItemOffset] == kApplicationContextItem ? ProbeResult::Yes : ProbeResult::No;
}

// Hands the framer's PDUs and PDVs, and the assembler's messages, of one feed()/gap()/end() call
// to the analyzer.
class DicomAnalyzer::Emitter final : public PduCallbacks, public MessageCallbacks {
 public:
  Emitter(DicomAnalyzer& analyzer, AnalyzerContext& ctx, Direction dir, Timestamp ts)
      : analyzer_(analyzer), ctx_(ctx), dir_(dir), ts_(ts) {}

  void onPdu(PduType type, Bytes body) override { analyzer_.onPdu(ctx_, dir_, type, body, ts_); }
  void onPdvStart(uint8_t context_id, uint8_t control, uint32_t length) override {
    assembler().pdvStart(context_id, control, length, analyzer_.contexts_, *this);
  }
  void onPdvData(Bytes data) override { assembler().pdvData(data, *this); }
  void onPdvLost(uint64_t length) override { assembler().pdvLost(length); }
  void onPdvEnd() override { assembler().pdvEnd(*this); }
  void onLostSync() override { assembler().interrupt(*this); }
  void onAnomaly(Anomaly anomaly) override { ctx_.anomalies.add(anomaly); }

  void onMessage(events::DicomMessage& message, std::string_view patient_name,
                 std::string_view patient_id) override {
    if (const PresentationContext* pc = analyzer_.contexts_.find(message.presentation_context_id)) {
      message.transfer_syntax = pc->transfer_syntax;
    }
    message.patient_name_token = ctx_.phi.token(patient_name);
    message.patient_id_token = ctx_.phi.token(patient_id);
    events::Event event{ts_, ctx_.flow, std::move(message), eventDirection(dir_)};
    ctx_.events.emit(event);
    message = std::move(std::get<events::DicomMessage>(event.body));
  }
  AnomalyCounters& anomalies() override { return ctx_.anomalies; }

 private:
  MessageAssembler& assembler() { return analyzer_.assemblers_[index(dir_)]; }

  DicomAnalyzer& analyzer_;
  AnalyzerContext& ctx_;
  Direction dir_;
  Timestamp ts_;
};

FeedResult DicomAnalyzer::feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) {
  Emitter emitter(*this, ctx, dir, ts);
  return framers_[index(dir)].feed(data, emitter);
}

void DicomAnalyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) {
  Emitter emitter(*this, ctx, dir, ts);
  framers_[index(dir)].gap(length, emitter);
}

void DicomAnalyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  Emitter emitter(*this, ctx, dir, ts);
  framers_[index(dir)].end(emitter);
  assemblers_[index(dir)].interrupt(emitter);
}

void DicomAnalyzer::onPdu(AnalyzerContext& ctx, Direction dir, PduType type, Bytes body,
                          Timestamp ts) {
  events::DicomMessage m;
  ParseStatus status = ParseStatus::Ok;
  switch (type) {
    case PduType::AssociateRq:
      status = parseAssociate(type, body, m, ctx.anomalies);
      contexts_.clear();
      for (const auto& pc : m.presentation_contexts) contexts_.propose(pc.id, pc.abstract_syntax);
      break;
    case PduType::AssociateAc:
      status = parseAssociate(type, body, m, ctx.anomalies);
      for (auto& pc : m.presentation_contexts) {
        if (const PresentationContext* proposed = contexts_.find(pc.id)) {
          pc.abstract_syntax = proposed->abstract_syntax;
        }
        if (pc.result != 0) continue;  // only accepted contexts carry P-DATA
        contexts_.accept(pc.id, pc.transfer_syntax);
        if (!pc.abstract_syntax.empty()) m.abstract_syntaxes.push_back(pc.abstract_syntax);
      }
      break;
    case PduType::AssociateRj:
      status = parseReject(body, m);
      break;
    case PduType::Abort:
      status = parseAbort(body, m);
      for (MessageAssembler& a : assemblers_) a.reset();
      break;
    case PduType::ReleaseRq:
    case PduType::ReleaseRp:
      m.pdu = pduName(type);
      break;
    case PduType::PData:
      return;  // the framer streams P-DATA as PDVs
  }
  if (status != ParseStatus::Ok) ctx.anomalies.add(Anomaly::DicomMalformedPdu);
  events::Event event{ts, ctx.flow, std::move(m), eventDirection(dir)};
  ctx.events.emit(event);
}

void registerAnalyzer(Registry& registry) {
  registry.add(AnalyzerDef{
      .name = kName,
      .transport = Transport::Tcp,
      .port_hints = {std::begin(kPortHints), std::end(kPortHints)},
      .probe = &probe,
      .make_stream = &makeStream,
      .make_datagram = nullptr,
  });
}

}  // namespace medtap::analyzers::dicom
