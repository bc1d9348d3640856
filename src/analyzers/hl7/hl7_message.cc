#include "analyzers/hl7/hl7_message.h"

#include <algorithm>
#include <array>

namespace medtap::analyzers::hl7 {

namespace {

constexpr std::string_view kMsh = "MSH";

// What each segment id means to the message parser.
enum class SegmentKind : uint8_t { Msa, Pid, Obx, Prt, Personal, Other };

SegmentKind segmentKind(std::string_view name) {
  if (name == "OBX") return SegmentKind::Obx;
  if (name == "PID") return SegmentKind::Pid;
  if (name == "MSA") return SegmentKind::Msa;
  if (name == "PRT") return SegmentKind::Prt;
  if (name == "NK1" || name == "PV1" || name == "NTE") return SegmentKind::Personal;
  return SegmentKind::Other;
}

// Splits `segment` into `fields`, counting hl7_too_many_fields beyond the limit.
size_t split(std::string_view segment, char separator, std::span<std::string_view> fields,
             const Hl7Limits& limits, AnomalyCounters& anomalies) {
  const size_t count = splitFields(segment, separator, fields);
  if (count > limits.max_fields_per_segment) anomalies.add(Anomaly::Hl7TooManyFields);
  return count;
}

void assignHeaderField(std::string& out, std::string_view field, const Hl7Limits& limits,
                       AnomalyCounters& anomalies) {
  if (field.size() > limits.max_field_length) {
    anomalies.add(Anomaly::Hl7LongField);
    field = cutField(field, limits.max_field_length);
  }
  out.assign(field);
}

// The next observation slot of `out`, reusing the strings of an earlier message's.
events::Hl7Observation& nextObservation(events::Hl7Message& out, size_t used) {
  if (used < out.observations.size()) return out.observations[used];
  return out.observations.emplace_back();
}

}  // namespace

ParseStatus parseMessage(std::string_view message, events::Hl7Message& out,
                         AnomalyCounters& anomalies, const ParseOptions& options) {
  const Hl7Limits& limits = options.limits;
  out.segments.clear();
  out.ack_code.clear();
  out.acknowledged_control_id.clear();
  out.ack_text.clear();
  out.patient.name.clear();  // clear() rather than = {}: keeps the strings' capacity
  out.patient.id.clear();
  out.patient.birth_date.clear();
  out.patient.fields = 0;
  out.observations_dropped = 0;
  out.devices.clear();
  out.bed.clear();
  out.length = message.size();
  size_t observations = 0;

  const std::string_view body = message.substr(skipPreamble(message));
  if (!body.starts_with(kMsh)) {
    anomalies.add(Anomaly::Hl7MissingMsh);
    out.observations.clear();
    return ParseStatus::MissingMsh;
  }
  SegmentReader reader(body);
  const std::string_view msh = *reader.next();  // not empty: it starts with "MSH"
  const std::optional<EncodingCharacters> encoding = parseEncodingCharacters(msh);
  if (!encoding) {
    anomalies.add(Anomaly::Hl7BadEncodingCharacters);
    out.observations.clear();
    return ParseStatus::BadEncodingCharacters;
  }
  const EncodingCharacters& e = *encoding;
  ParseStats* stats = options.stats;

  // fields[i] is MSH-(i+1): the separator itself is MSH-1.
  std::array<std::string_view, 12> header{};
  const size_t msh_fields = split(msh, e.field, header, limits, anomalies);
  if (stats != nullptr) {
    stats->segments = 1;
    stats->fields = msh_fields;
  }
  assignHeaderField(out.sending_application, header[2], limits, anomalies);
  assignHeaderField(out.sending_facility, header[3], limits, anomalies);
  assignHeaderField(out.receiving_application, header[4], limits, anomalies);
  assignHeaderField(out.receiving_facility, header[5], limits, anomalies);
  assignHeaderField(out.message_type, messageTypeText(header[8], e), limits, anomalies);
  assignHeaderField(out.control_id, header[9], limits, anomalies);
  assignHeaderField(out.version, component(header[11], e.component, 0), limits, anomalies);
  // MSH-3's components, from the part already cut (and counted) for sending_application.
  const std::string_view msh3 =
      cutField(e.repetition == '\0' ? header[2] : component(header[2], e.repetition, 0),
               limits.max_field_length);
  assignText(out.sending_namespace_id, component(msh3, e.component, 0), e, limits.max_field_length,
             anomalies);
  assignText(out.sending_universal_id, component(msh3, e.component, 1), e, limits.max_field_length,
             anomalies);
  assignText(out.sending_universal_id_type, component(msh3, e.component, 2), e,
             limits.max_field_length, anomalies);
  out.segments.emplace_back(kMsh);

  bool have_ack = false;
  bool segments_full = false;
  bool first_pid = true;
  SplitSegment fields;
  // Splits a segment into `fields`, counting hl7_too_many_fields beyond the limit.
  auto splitSegment = [&](std::string_view segment) {
    fields.split(segment, e);
    if (fields.count() > limits.max_fields_per_segment) anomalies.add(Anomaly::Hl7TooManyFields);
  };
  while (std::optional<std::string_view> segment = reader.next()) {
    if (stats != nullptr) {
      ++stats->segments;
      stats->fields +=
          1 + static_cast<size_t>(std::count(segment->begin(), segment->end(), e.field));
    }
    const std::string_view name = segment->substr(0, segment->find(e.field));
    if (!isSegmentName(name)) {
      // Not a segment: likely a line break inside a field. Its text may be patient data, so it
      // is never reported, only counted.
      anomalies.add(Anomaly::Hl7BadSegmentName);
      continue;
    }
    if (out.segments.size() < limits.max_segments) {
      out.segments.emplace_back(name);
    } else if (!segments_full) {
      anomalies.add(Anomaly::Hl7TooManySegments);
      segments_full = true;
    }
    switch (segmentKind(name)) {
      case SegmentKind::Msa:
        if (have_ack) break;
        splitSegment(*segment);
        parseAck(fields, e, limits, out, anomalies);
        have_ack = true;
        break;
      case SegmentKind::Pid:
        splitSegment(*segment);
        parsePatient(fields, e, first_pid, options.tokens, out.patient);
        first_pid = false;
        break;
      case SegmentKind::Obx: {
        splitSegment(*segment);
        if (observations >= limits.max_observations) {
          if (out.observations_dropped++ == 0) anomalies.add(Anomaly::Hl7TooManyObservations);
          break;
        }
        events::Hl7Observation& obs = nextObservation(out, observations++);
        if (parseObservation(fields, e, limits, obs, anomalies)) {
          out.patient.add(events::Hl7PhiField::ObxFreeText);
        }
        addDevice("OBX-18", fields, 18, e, limits, out, anomalies);
        break;
      }
      case SegmentKind::Prt:
        splitSegment(*segment);
        addDevice("PRT-10", fields, 10, e, limits, out, anomalies);
        addDevice("PRT-16", fields, 16, e, limits, out, anomalies);
        break;
      case SegmentKind::Personal:
        splitSegment(*segment);
        notePersonalFields(fields, out.patient);
        if (fields.field(0) == "PV1" && out.bed.empty()) parseLocation(fields, limits, out);
        break;
      case SegmentKind::Other:
        break;
    }
  }
  out.observations.resize(observations);
  return ParseStatus::Ok;
}

bool startsWithBatchHeader(std::string_view payload) {
  const std::string_view body = payload.substr(skipPreamble(payload));
  return body.size() > 3 && (body.starts_with("FHS") || body.starts_with("BHS")) &&
         parseEncodingCharacters(body.substr(0, body.find_first_of("\r\n"))).has_value();
}

namespace detail {

BatchSegment batchSegment(std::string_view segment) {
  if (segment.size() < 4) return BatchSegment::Other;
  const std::string_view name = segment.substr(0, 3);
  if (name == "MSH") return BatchSegment::Msh;
  if (name == "FHS" || name == "BHS") return BatchSegment::Header;
  if (name == "FTS" || name == "BTS") return BatchSegment::Trailer;
  return BatchSegment::Other;
}

void parseBatchSegment(std::string_view segment, events::Hl7Batch& batch,
                       AnomalyCounters& anomalies, const Hl7Limits& limits) {
  const std::optional<EncodingCharacters> encoding = parseEncodingCharacters(segment);
  if (!encoding) {
    anomalies.add(Anomaly::Hl7BadEncodingCharacters);
    return;
  }
  std::array<std::string_view, 11> fields{};
  split(segment, encoding->field, fields, limits, anomalies);
  parseBatchHeader(fields, *encoding, limits, batch, anomalies);
}

}  // namespace detail

}  // namespace medtap::analyzers::hl7
