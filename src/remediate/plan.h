// `medtap plan isolate`: for each device the isolation selects, the clinical flows the rules
// would cut and the ones they keep, with what the biomedical team must do before loading them
// (move the bed to local monitoring, re-address a central station) and check after. Text for a
// terminal, Markdown for a change ticket, JSON for tools; all from the same Isolation as the
// rules, so that the plan describes exactly what `medtap export` writes.
#pragma once

#include <string>

#include "remediate/isolation.h"

namespace medtap::remediate {

enum class PlanFormat : uint8_t { Text, Markdown, Json };

// "HL7 feed", "Contec stream", "DICOM", "printing", "NFS", ...: what a flow carries, for people.
std::string_view flowNoun(const DeviceFlow& flow);

// What to do about one flow before (or after) loading the rules; "" when nothing.
std::string flowAction(const IsolatedDevice& device, const DeviceFlow& flow);

std::string renderPlan(const Isolation& isolation, PlanFormat format);

}  // namespace medtap::remediate
