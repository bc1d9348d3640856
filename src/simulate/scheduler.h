// The discrete-event scheduler: behaviours ask to be called back at a simulated time with a
// small tag saying why. Events run in (time, scheduling order), which makes a run a pure
// function of its inputs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/timestamp.h"

namespace medtap::simulate {

class World;

// A device or scenario that acts over time. onEvent runs at the scheduled time; it may emit
// frames at or after that time and schedule more events.
class Behaviour {
 public:
  virtual ~Behaviour() = default;
  virtual void onEvent(World& world, uint32_t tag) = 0;
};

class Scheduler {
 public:
  // Each behaviour keeps a handful of timers (next message, next renewal, a scenario step); a
  // ward of a few hundred devices needs a few thousand. The bound catches a runaway behaviour
  // that schedules without end.
  static constexpr size_t kMaxPendingEvents = 1 << 16;

  struct Event {
    Timestamp at;
    uint64_t seq = 0;
    Behaviour* who = nullptr;
    uint32_t tag = 0;
  };

  void schedule(Timestamp at, Behaviour& who, uint32_t tag) {
    if (heap_.size() >= kMaxPendingEvents) {
      throw std::length_error("simulate: more than kMaxPendingEvents events pending");
    }
    heap_.push_back(Event{at, seq_++, &who, tag});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }

  bool empty() const { return heap_.empty(); }
  Timestamp nextTime() const { return heap_.front().at; }

  Event pop() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    Event e = heap_.back();
    heap_.pop_back();
    return e;
  }

  size_t size() const { return heap_.size(); }

 private:
  static bool later(const Event& a, const Event& b) {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
  std::vector<Event> heap_;
  uint64_t seq_ = 0;
};

}  // namespace medtap::simulate
