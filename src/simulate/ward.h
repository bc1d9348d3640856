// Builds the ward a run simulates: hosts with addresses and MACs from the profiles, their
// behaviours, the scenario hooks, and the ground-truth device list.
#pragma once

#include "core/result.h"
#include "simulate/device.h"
#include "simulate/profile.h"
#include "simulate/simulate.h"
#include "simulate/world.h"

namespace medtap::simulate {

// Creates every host and behaviour in `w` (which owns them) and schedules their first events.
// ctx must outlive the run.
Status buildWard(World& w, const ProfileSet& profiles, const SimulateOptions& options,
                 const ScenarioSet& scenarios, WardContext& ctx);

}  // namespace medtap::simulate
