// Limits of the ARP binding table.
#pragma once

#include <cstddef>

namespace medtap::analyzers::arp {

// Addresses whose binding is remembered. A /16 of hosts is 65536; a clinical VLAN is far smaller.
// Beyond it the least recently seen binding is forgotten (arp_table_full).
constexpr size_t kMaxBindings = 65536;

// ARP sweeps (events/arp.h ArpSweep): per sender, the distinct addresses it asked for in a window
// of packet time opened by its first request. A window is reported when it asked for at least
// kSweepReportTargets addresses of which kSweepReportUnanswered had no answer by its end (plus
// kSweepGraceSeconds for the replies): the alert's thresholds (detect.arp_sweep_*) start there. A
// gateway or a central station ARPs for many hosts too, but hosts that exist and answer.
constexpr int64_t kSweepWindowSeconds = 60;
constexpr int64_t kSweepGraceSeconds = 2;
constexpr size_t kSweepReportTargets = 32;
constexpr size_t kSweepReportUnanswered = 8;
// Distinct targets remembered per sender and window (a /16 sweep is counted up to here, and said
// to be more), and senders counted at once; past it a new sender is not counted
// (arp_sweep_table_full). At most 1024 x 512 x 4 bytes of targets.
constexpr size_t kMaxSweepTargets = 512;
constexpr size_t kMaxSweepSenders = 1024;

}  // namespace medtap::analyzers::arp
