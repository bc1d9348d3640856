// Parsers of the association PDUs (PS3.8 9.3.2 to 9.3.8): pure functions from a PDU body (what
// follows the 6-byte PDU header) to the fields of a `dicom` event.
#pragma once

#include <string>
#include <string_view>

#include "analyzers/dicom/limits.h"
#include "core/anomaly.h"
#include "core/bytes.h"
#include "events/dicom.h"

namespace medtap::analyzers::dicom {

enum class ParseStatus : uint8_t {
  Ok,
  Malformed,  // cut short or an item overruns its parent; the fields before it are filled
};

// The event's "pdu" value for a PDU type ("A-ASSOCIATE-RQ", ..., "P-DATA-TF").
std::string_view pduName(PduType type);

// A text field (AE title, UID, version name) without its padding: leading and trailing spaces and
// trailing NULs are not significant (PS3.5 6.2, 9.1). Longer than `max`: cut, dicom_long_field.
std::string textField(Bytes value, size_t max, AnomalyCounters& anomalies);

// A-ASSOCIATE-RQ or -AC: version, AE titles, application context, presentation contexts, user
// information (max length 0x51, implementation class UID 0x52, version name 0x55). For RQ,
// presentation_contexts holds each proposed context's id and abstract syntax, abstract_syntaxes
// lists them and transfer_syntaxes the distinct ones proposed; for AC, presentation_contexts holds
// id, result and the accepted transfer syntax (the abstract syntax is the caller's to fill in).
// Sub-items not listed are skipped by their length. `out` should be empty.
ParseStatus parseAssociate(PduType type, Bytes body, events::DicomMessage& out,
                           AnomalyCounters& anomalies);

// A-ASSOCIATE-RJ (result, source, reason) and A-ABORT (source, reason): 4-byte bodies.
ParseStatus parseReject(Bytes body, events::DicomMessage& out);
ParseStatus parseAbort(Bytes body, events::DicomMessage& out);

}  // namespace medtap::analyzers::dicom
