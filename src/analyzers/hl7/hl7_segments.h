// Parsers for the HL7 v2 segments medtap reports beyond MSH: PID (as tokens and field names
// only), NK1, PV1, NTE (field names only), MSA, OBX (observations), PRT (device ids) and the
// FHS/BHS batch headers. Each takes the segment already split (SplitSegment: field i is SEG-i,
// field 0 the segment id) and the message's delimiters. References: HL7 v2.5.1 3.4.2 PID,
// 3.4.5 NK1, 3.4.3 PV1, 2.15.10 NTE, 2.14.8 MSA, 7.4.2 OBX, v2.8 7.4.4 PRT, 2.15.2 BHS, 2.15.5 FHS;
// 2.A.74 TS, 2.A.47 NM, 2.A.72 SN.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "analyzers/hl7/hl7_header.h"
#include "analyzers/hl7/limits.h"
#include "core/anomaly.h"
#include "events/hl7.h"
#include "privacy/phi_tokenizer.h"

namespace medtap::analyzers::hl7 {

// Fields a segment parser looks at: the largest index any of them reads (PID-20) plus one.
constexpr size_t kSegmentFieldsRead = SplitSegment::kMaxFields;

// Keyed tokens for one flow's patient fields, remembering the last value of each kind so that a
// monitor's stream of messages about one patient costs one HMAC per field, not one per message.
// Raw values stay in memory only (DESIGN.md allows detectors to look at PHI in memory).
class PatientTokens {
 public:
  enum class Kind : uint8_t { Name, Id, BirthDate, kCount };
  explicit PatientTokens(const privacy::PhiTokenizer& tokenizer) : tokenizer_(tokenizer) {}
  // Sets `out` to the token of `value` (empty for an empty value).
  void token(Kind kind, std::string_view value, std::string& out);

 private:
  struct Entry {
    std::string raw, token;
  };
  const privacy::PhiTokenizer& tokenizer_;
  Entry cache_[static_cast<size_t>(Kind::kCount)];
};

// Copies `field` into `out` unescaped and cut to `max` bytes; hl7_long_field when it is cut,
// hl7_bad_escape when an escape sequence is not closed (kept literally).
void assignText(std::string& out, std::string_view field, const EncodingCharacters& encoding,
                size_t max, AnomalyCounters& anomalies);

// An HL7 TS/DTM ("YYYY[MM[DD[HH[MM[SS[.S...]]]]]][+/-ZZZZ]") as ISO 8601 ("2025-01-01T12:00:05",
// "2025-01-01", "2025-01-01T12:00:05.25+01:00"), appended to `out`; false (nothing appended) when
// `ts` does not have that shape.
bool appendIsoTime(std::string_view ts, std::string& out);

// An HL7 NM: optional sign, digits with an optional decimal point, optional spaces around.
// nullopt for anything else (including "1e3", "inf", "", ".").
std::optional<double> parseNumber(std::string_view nm);

// How an OBX-2 value type's OBX-5 is reported (events::Hl7ValueKind).
enum class ValueClass : uint8_t {
  Numeric,     // NM
  Structured,  // SN: "<^100", "^1^:^128"
  Coded,       // CE, CWE, CNE, CF's code: the identifier component
  Time,        // TS, DTM
  Plain,       // DT, TM, ID, IS: short coded or date text, kept as sent
  Withheld,    // anything else (ST, TX, FT, ED, RP, PN, XPN, XAD, CX, unknown): free or personal
};
ValueClass classifyValueType(std::string_view obx2);

// Fills `out` from one OBX. Returns true when OBX-5 held a withheld (free-text or personal)
// value, which the caller records as Hl7PhiField::ObxFreeText.
bool parseObservation(const SplitSegment& obx, const EncodingCharacters& encoding,
                      const Hl7Limits& limits, events::Hl7Observation& out,
                      AnomalyCounters& anomalies);

// Records the PHI fields one PID has and, for the first PID of a message (`first`), sets the
// patient's tokens. Without `tokens` only the field names are recorded.
void parsePatient(const SplitSegment& pid, const EncodingCharacters& encoding, bool first,
                  PatientTokens* tokens, events::Hl7Patient& patient);

// NK1, PV1, NTE: records which PHI fields are present.
void notePersonalFields(const SplitSegment& segment, events::Hl7Patient& patient);

// PV1-3 (PL) into out.bed as "<point of care>/<bed, else room>", cut to the field limit.
void parseLocation(const SplitSegment& pv1, const Hl7Limits& limits, events::Hl7Message& out);

// MSA-1..3 into the message.
void parseAck(const SplitSegment& msa, const EncodingCharacters& encoding, const Hl7Limits& limits,
              events::Hl7Message& out, AnomalyCounters& anomalies);

// A device identifier (EI: field `index` of `segment`, first component, unescaped) from OBX-18 or
// PRT-10/16, added to `out.devices` unless already there; hl7_too_many_devices beyond the limit.
void addDevice(std::string_view source, const SplitSegment& segment, size_t index,
               const EncodingCharacters& encoding, const Hl7Limits& limits, events::Hl7Message& out,
               AnomalyCounters& anomalies);

// FHS or BHS (fields[i] is SEG-(i+1), as for MSH) into `batch`: BHS values take precedence over
// FHS ones, so call in segment order.
void parseBatchHeader(std::span<const std::string_view> fields, const EncodingCharacters& encoding,
                      const Hl7Limits& limits, events::Hl7Batch& batch, AnomalyCounters& anomalies);

}  // namespace medtap::analyzers::hl7
