// DIMSE command sets (PS3.7 9.3 and 10.3): group 0000 elements, always implicit VR little endian
// (PS3.7 6.3.1). A pure parser over a whole (buffered) command set.
#pragma once

#include <cstdint>
#include <string_view>

#include "analyzers/dicom/association.h"
#include "core/anomaly.h"
#include "core/bytes.h"
#include "events/dicom.h"

namespace medtap::analyzers::dicom {

// "C-STORE-RQ", "N-EVENT-REPORT-RSP", ... for a CommandField (0000,0100) value (PS3.7 E.1); ""
// for a value PS3.7 does not define.
std::string_view commandName(uint16_t command_field);

// Fills command, command_field, sop_class (affected, else requested), message_id,
// message_id_responded, status and has_data_set from a command set. Malformed when an element
// overruns the set, an element is outside group 0000, or there is no CommandField.
ParseStatus parseCommandSet(Bytes data, events::DicomMessage& out, AnomalyCounters& anomalies);

}  // namespace medtap::analyzers::dicom
