// The simulation's shared context: the clock, the scheduler, the network, the frame queue in
// front of the pcap writer, the ground truth, and the behaviours (owned here). Behaviours get a
// World& in onEvent and use it to emit frames and schedule their next step.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/timestamp.h"
#include "simulate/frame_queue.h"
#include "simulate/network.h"
#include "simulate/rng.h"
#include "simulate/scheduler.h"
#include "simulate/truth.h"

namespace medtap::simulate {

enum class StopReason : uint8_t { Duration, Size, NoMoreEvents };

class World {
 public:
  World(uint64_t seed, Timestamp start, PcapWriter& writer)
      : rng_(seed), start_(start), now_(start), writer_(writer), frames_(writer), net_(frames_) {}

  Timestamp now() const { return now_; }
  Timestamp start() const { return start_; }
  Rng& rng() { return rng_; }
  FrameQueue& frames() { return frames_; }
  Network& net() { return net_; }
  Truth& truth() { return truth_; }

  // Calls b.onEvent(tag) at time `at` (never earlier than now).
  void schedule(Timestamp at, Behaviour& b, uint32_t tag = 0) {
    scheduler_.schedule(later(at, now_), b, tag);
  }

  // Takes ownership of a behaviour; it lives as long as the world.
  template <typename B>
  B& own(std::unique_ptr<B> b) {
    B& ref = *b;
    behaviours_.push_back(std::move(b));
    return ref;
  }

  // Runs events until `end` (no event later than end starts) or, when size_limit > 0, until
  // the file holds at least size_limit bytes; then writes every frame still queued.
  StopReason run(Timestamp end, uint64_t size_limit);

  uint64_t eventsRun() const { return events_run_; }

 private:
  Rng rng_;
  Timestamp start_;
  Timestamp now_;
  PcapWriter& writer_;
  FrameQueue frames_;
  Network net_;
  Scheduler scheduler_;
  Truth truth_;
  std::vector<std::unique_ptr<Behaviour>> behaviours_;
  uint64_t events_run_ = 0;
};

}  // namespace medtap::simulate
