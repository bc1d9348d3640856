// Fuzz target for the HL7 message parser (header, segments, batches) and the HL7 probe. Checks,
// beyond "no crash", what the events promise: only valid segment names (never field text, which may
// be patient data), every limit respected, MSH first.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "analyzers/hl7/hl7_analyzer.h"
#include "analyzers/hl7/hl7_header.h"
#include "analyzers/hl7/hl7_message.h"
#include "analyzers/hl7/limits.h"
#include "fuzz_support.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers::hl7;

using medtap::fuzz::check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes bytes(data, size);
  probe(bytes, medtap::analyzers::Direction::Originator);

  static const auto phi = medtap::privacy::PhiTokenizer::withSecret("fuzz");
  PatientTokens tokens(phi);
  medtap::events::Hl7Message msg;
  AnomalyCounters anomalies;
  const ParseStatus status = parseMessage(asChars(bytes), msg, anomalies, {.tokens = &tokens});
  check(msg.length == size);
  if (status != ParseStatus::Ok) {
    check(anomalies.total() > 0);
    return 0;
  }
  check(!msg.segments.empty() && msg.segments[0] == "MSH");
  check(msg.segments.size() <= kMaxSegments);
  for (const std::string& name : msg.segments) check(isSegmentName(name));
  for (const std::string* field :
       {&msg.message_type, &msg.control_id, &msg.version, &msg.sending_application,
        &msg.sending_facility, &msg.receiving_application, &msg.receiving_facility,
        &msg.ack_code}) {
    check(field->size() <= kMaxHeaderFieldLength);
  }
  check(msg.observations.size() <= kMaxObservations);
  check(msg.devices.size() <= kMaxDevices);
  for (const auto& o : msg.observations) {
    check(o.numeric_valid == (o.kind == medtap::events::Hl7ValueKind::Number));
    check(o.kind != medtap::events::Hl7ValueKind::Withheld || o.value.empty());
    check(o.code.size() <= kMaxHeaderFieldLength && o.value.size() <= kMaxHeaderFieldLength);
  }
  // A batch payload: every message inside parses or is counted.
  medtap::events::Hl7Batch batch;
  forEachBatchMessage(asChars(bytes), batch, anomalies, Hl7Limits{}, [&](std::string_view m) {
    parseMessage(m, msg, anomalies, {.tokens = &tokens});
  });
  return 0;
}
