// Fuzz target for the HL7 header parser and the HL7 probe. Checks, beyond "no crash", what the
// events promise: only valid segment names (never field text, which may be patient data), every
// limit respected, MSH first.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "analyzers/hl7/hl7_analyzer.h"
#include "analyzers/hl7/hl7_header.h"
#include "analyzers/hl7/limits.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers::hl7;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes bytes(data, size);
  probe(bytes, medtap::analyzers::Direction::Originator);

  medtap::events::Hl7Message msg;
  AnomalyCounters anomalies;
  const ParseStatus status = parseMessage(asChars(bytes), msg, anomalies);
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
  return 0;
}
