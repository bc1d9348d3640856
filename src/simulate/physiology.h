// Synthetic patients and their vital signs. Names are built from invented syllables and ids
// carry a SIM prefix, so nothing can be mistaken for a real person. Vital signs follow
// mean-reverting random walks (Ornstein-Uhlenbeck) around each patient's own baseline: heart
// rate drifts, SpO2 stays within 92-100 with probe-off gaps, the oximeter's pulse rate agrees
// with the ECG heart rate, paced patients hold their pacing rate, NIBP is measured on a cycle.
#pragma once

#include <cstdint>
#include <string>

#include "core/timestamp.h"
#include "simulate/rng.h"

namespace medtap::simulate {

enum class Sex : uint8_t { Female, Male };
enum class Pacing : uint8_t { None, Paced };

struct Patient {
  std::string mrn;     // "SIM" + 7 digits
  std::string family;  // invented, capitalised
  std::string given;
  std::string birth_date;  // YYYYMMDD
  Sex sex = Sex::Female;
  int height_cm = 170;
  int weight_kg = 70;
  char blood_type = 'A';
  Pacing pacing = Pacing::None;
  std::string doctor;  // invented, "Dr Xxx"
};

// A patient from the run's generator; `bed` only feeds the id so that ids differ per bed.
Patient makePatient(Rng& rng, int bed);
std::string syntheticName(Rng& rng);

enum class Validity : uint8_t { Valid, Invalid };

struct Vitals {
  int hr = 0;                             // ECG heart rate, /min
  int pr = 0;                             // pulse rate from the oximeter, /min
  int spo2 = 0;                           // %
  Validity spo2_valid = Validity::Valid;  // Invalid during a probe-off gap (no SpO2, no PR)
  int rr = 0;                             // /min
  double temp_c = 0;                      // one decimal
  int nibp_sys = 0, nibp_dia = 0, nibp_mean = 0;
  Timestamp nibp_time;      // when the last cuff measurement finished
  bool nibp_fresh = false;  // a measurement finished since the previous sample
};

class Physiology {
 public:
  Physiology(Rng rng, const Patient& patient, Timestamp start);
  // Advances the model to t (t never goes backwards) and returns the values a monitor shows.
  Vitals sample(Timestamp t);

 private:
  double ou(double x, double mu, double theta, double sigma, double dt);

  Rng rng_;
  Pacing pacing_;
  int paced_rate_ = 70;
  double hr_base_, hr_, spo2_base_, spo2_, rr_base_, rr_, temp_base_, temp_;
  double sys_base_, dia_base_;
  Timestamp last_;
  Timestamp next_probe_off_;
  Timestamp probe_back_;
  Timestamp next_nibp_;
  Duration nibp_cycle_;
  Vitals vitals_;
};

}  // namespace medtap::simulate
