// One HL7 v2 message into an `hl7` event, and a framed payload into its messages (a single
// message, or an FHS/BHS batch of them). Builds on the helpers of hl7_header.h and
// hl7_segments.h. References: HL7 v2.5.1 chapter 2 (2.5 message construction, 2.10.3 batch
// protocol, 2.15.2 BHS, 2.15.5 FHS).
//
// PHI: patient fields leave as tokens (PatientTokens) and field names only; free-text values are
// never copied (hl7_segments.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyzers/hl7/hl7_header.h"
#include "analyzers/hl7/hl7_segments.h"
#include "analyzers/hl7/limits.h"
#include "core/anomaly.h"
#include "events/hl7.h"

namespace medtap::analyzers::hl7 {

enum class ParseStatus : uint8_t {
  Ok,
  MissingMsh,             // hl7_missing_msh: no "MSH" after the preamble
  BadEncodingCharacters,  // hl7_bad_encoding_characters
};

// What the parser walked through, for tests that prove nothing was lost.
struct ParseStats {
  size_t segments = 0;  // segments seen (valid names or not)
  size_t fields = 0;    // fields over all segments (a segment with no separator has 1)
};

struct ParseOptions {
  PatientTokens* tokens = nullptr;  // nullptr: patient tokens stay empty (field names recorded)
  Hl7Limits limits{};
  ParseStats* stats = nullptr;  // filled when not null (costs a count of every separator)
};

// Fills `out` from one message (starting with MSH after an optional preamble). MSH fields are
// kept as sent (HD fields whole, escapes not decoded) except MSH-3's components, which are
// unescaped; MSA, OBX, PRT and the patient fields are read as hl7_segments.h says. Counts the
// anomalies it finds; `out` is only meaningful for Ok. Leaves `out.batch` alone. Reuses the
// capacity `out` already has (observations included).
ParseStatus parseMessage(std::string_view message, events::Hl7Message& out,
                         AnomalyCounters& anomalies, const ParseOptions& options = {});

// Whether a payload starts (after the preamble) with a batch header, FHS or BHS.
bool startsWithBatchHeader(std::string_view payload);

// Calls on_message(std::string_view message) for each message of an FHS/BHS batch payload, in
// order, after filling `batch` from the FHS/BHS segments before it. A message runs from its MSH
// to the segment before the next MSH, BHS, BTS, FHS or FTS. Trailers (BTS, FTS) are not
// reported. Returns the number of messages.
template <typename OnMessage>
size_t forEachBatchMessage(std::string_view payload, events::Hl7Batch& batch,
                           AnomalyCounters& anomalies, const Hl7Limits& limits,
                           OnMessage&& on_message);

// --- implementation of the template ---

namespace detail {
// The batch-structure segment a line starts with.
enum class BatchSegment : uint8_t { Msh, Header, Trailer, Other };
BatchSegment batchSegment(std::string_view segment);
void parseBatchSegment(std::string_view segment, events::Hl7Batch& batch,
                       AnomalyCounters& anomalies, const Hl7Limits& limits);
}  // namespace detail

template <typename OnMessage>
size_t forEachBatchMessage(std::string_view payload, events::Hl7Batch& batch,
                           AnomalyCounters& anomalies, const Hl7Limits& limits,
                           OnMessage&& on_message) {
  batch = {};
  size_t count = 0;
  const std::string_view body = payload.substr(skipPreamble(payload));
  SegmentReader reader(body);
  size_t start = std::string_view::npos;  // offset of the open message's MSH in body
  size_t end = 0;                         // end of its last segment
  auto flush = [&] {
    if (start == std::string_view::npos) return;
    on_message(body.substr(start, end - start));
    ++count;
    start = std::string_view::npos;
  };
  while (std::optional<std::string_view> segment = reader.next()) {
    const size_t offset = static_cast<size_t>(segment->data() - body.data());
    switch (detail::batchSegment(*segment)) {
      case detail::BatchSegment::Msh:
        flush();
        start = offset;
        break;
      case detail::BatchSegment::Header:
        flush();
        detail::parseBatchSegment(*segment, batch, anomalies, limits);
        break;
      case detail::BatchSegment::Trailer:
        flush();
        break;
      case detail::BatchSegment::Other:
        break;
    }
    end = offset + segment->size();
  }
  flush();
  return count;
}

}  // namespace medtap::analyzers::hl7
