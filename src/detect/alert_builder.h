// The parts every alert shares, filled from a candidate and where its ends are.
#pragma once

#include <string>

#include "detect/detector.h"
#include "events/alert.h"

namespace medtap::detect {

// Locality of an address for an alert: the inventory's answer, or "unknown".
std::string_view localityOf(const DeviceIndex& devices, const IpAddress& ip);

// An alert about the candidate's sender, with the flow, the receiver and its locality, the PHI
// field names and patient tokens as evidence.
events::AlertRecord alertFor(const Candidate& c, const DeviceIndex& devices);

// Emits `alert` at the candidate's first occurrence, on its flow.
void emitAlert(const Candidate& c, events::AlertRecord alert, events::EventSink& out);

}  // namespace medtap::detect
