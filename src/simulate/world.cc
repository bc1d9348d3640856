#include "simulate/world.h"

namespace medtap::simulate {

StopReason World::run(Timestamp end, uint64_t size_limit) {
  StopReason reason = StopReason::NoMoreEvents;
  while (!scheduler_.empty()) {
    const Timestamp next = scheduler_.nextTime();
    if (size_limit == 0 && next > end) {
      reason = StopReason::Duration;
      break;
    }
    if (size_limit > 0 && writer_.bytesWritten() + frames_.pendingFileBytes() >= size_limit) {
      reason = StopReason::Size;
      break;
    }
    frames_.flushThrough(next);
    now_ = next;
    const Scheduler::Event e = scheduler_.pop();
    e.who->onEvent(*this, e.tag);
    ++events_run_;
  }
  frames_.flushAll();
  return reason;
}

}  // namespace medtap::simulate
