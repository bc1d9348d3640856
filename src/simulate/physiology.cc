#include "simulate/physiology.h"

#include <algorithm>
#include <cmath>

#include "simulate/network.h"

namespace medtap::simulate {

namespace {

// Consonant-vowel syllables that make pronounceable, clearly invented names.
constexpr const char* kOnsets[] = {"B", "D", "F", "G", "K",  "L",  "M",  "N",  "P",  "R",
                                   "S", "T", "V", "Z", "Br", "Dr", "Kr", "Tr", "Vl", "Zh"};
constexpr const char* kVowels[] = {"a", "e", "i", "o", "u", "ae", "io", "ou"};
constexpr const char* kCodas[] = {"", "n", "r", "l", "x", "k", "m", "th"};

int clampInt(double v, int lo, int hi) {
  const int r = static_cast<int>(v + (v >= 0 ? 0.5 : -0.5));
  return std::clamp(r, lo, hi);
}

}  // namespace

std::string syntheticName(Rng& rng) {
  std::string s;
  const int syllables = static_cast<int>(rng.range(2, 3));
  for (int i = 0; i < syllables; ++i) {
    std::string onset = kOnsets[rng.range(0, std::size(kOnsets) - 1)];
    if (i > 0) onset[0] = static_cast<char>(onset[0] - 'A' + 'a');
    s += onset;
    s += kVowels[rng.range(0, std::size(kVowels) - 1)];
    if (i == syllables - 1) s += kCodas[rng.range(0, std::size(kCodas) - 1)];
  }
  return s;
}

Patient makePatient(Rng& rng, int bed) {
  Patient p;
  p.mrn = "SIM" + std::to_string(1'000'000 + bed * 10'000 + rng.range(0, 9'999));
  p.family = syntheticName(rng);
  p.given = syntheticName(rng);
  const int year = static_cast<int>(rng.range(1935, 2004));
  const int month = static_cast<int>(rng.range(1, 12));
  const int day = static_cast<int>(rng.range(1, 28));
  p.birth_date = std::to_string(year) + (month < 10 ? "0" : "") + std::to_string(month) +
                 (day < 10 ? "0" : "") + std::to_string(day);
  p.sex = rng.chance(0.5) ? Sex::Female : Sex::Male;
  p.height_cm = static_cast<int>(rng.normal(p.sex == Sex::Female ? 163 : 177, 6));
  p.weight_kg = static_cast<int>(rng.normal(p.sex == Sex::Female ? 68 : 82, 10));
  p.blood_type = "ABOO"[rng.range(0, 3)];
  p.pacing = rng.chance(0.15) ? Pacing::Paced : Pacing::None;
  p.doctor = "Dr " + syntheticName(rng);
  return p;
}

Physiology::Physiology(Rng rng, const Patient& patient, Timestamp start)
    : rng_(rng), pacing_(patient.pacing), last_(start) {
  paced_rate_ = static_cast<int>(60 + 10 * rng_.range(0, 2));  // 60, 70 or 80
  // A few patients are tachycardic; most sit between 60 and 95.
  hr_base_ = rng_.chance(0.15) ? rng_.uniform(100, 118) : rng_.uniform(60, 95);
  hr_ = hr_base_;
  spo2_base_ = rng_.uniform(94.5, 99.0);
  spo2_ = spo2_base_;
  rr_base_ = rng_.uniform(12, 20);
  rr_ = rr_base_;
  temp_base_ = rng_.uniform(36.4, 37.6);
  temp_ = temp_base_;
  sys_base_ = rng_.uniform(100, 145);
  dia_base_ = sys_base_ * rng_.uniform(0.55, 0.68);
  nibp_cycle_ = seconds(rng_.chance(0.5) ? 15 * 60 : 30 * 60);
  next_nibp_ = start + seconds(rng_.range(30, 600));
  next_probe_off_ = start + seconds(static_cast<int64_t>(rng_.exponential(1500)));
  probe_back_ = start;
  vitals_.nibp_sys = static_cast<int>(sys_base_);
  vitals_.nibp_dia = static_cast<int>(dia_base_);
  vitals_.nibp_mean = (vitals_.nibp_sys + 2 * vitals_.nibp_dia) / 3;
  vitals_.nibp_time = start - seconds(rng_.range(60, 900));
}

double Physiology::ou(double x, double mu, double theta, double sigma, double dt) {
  return x + theta * (mu - x) * dt + sigma * std::sqrt(dt) * rng_.normal(0, 1);
}

Vitals Physiology::sample(Timestamp t) {
  const double dt = std::max(0.0, static_cast<double>((t - last_).ns) / 1e9);
  last_ = later(last_, t);
  // Slow drift of the baseline itself (minutes to hours), then the fast walk around it.
  hr_base_ = std::clamp(ou(hr_base_, hr_base_, 0.0, 0.05, dt), 50.0, 125.0);
  hr_ = ou(hr_, hr_base_, 1.0 / 120, 0.6, dt);
  spo2_ = ou(spo2_, spo2_base_, 1.0 / 90, 0.12, dt);
  rr_ = ou(rr_, rr_base_, 1.0 / 180, 0.15, dt);
  temp_ = ou(temp_, temp_base_, 1.0 / 3600, 0.004, dt);

  Vitals& v = vitals_;
  v.hr = pacing_ == Pacing::Paced ? paced_rate_ : clampInt(hr_ + rng_.normal(0, 0.7), 35, 180);
  v.spo2 = clampInt(spo2_, 92, 100);
  // The oximeter counts the same beats as the ECG, give or take a beat or two.
  v.pr = std::clamp(v.hr + static_cast<int>(rng_.range(-2, 2)), 30, 200);
  v.rr = clampInt(rr_, 6, 40);
  v.temp_c = std::round(temp_ * 10) / 10;

  // Probe-off gaps: every 25 minutes on average, 10-90 s long.
  if (t >= next_probe_off_) {
    probe_back_ = t + seconds(rng_.range(10, 90));
    next_probe_off_ = probe_back_ + seconds(static_cast<int64_t>(rng_.exponential(1500)));
  }
  v.spo2_valid = t < probe_back_ ? Validity::Invalid : Validity::Valid;

  v.nibp_fresh = false;
  if (t >= next_nibp_) {
    v.nibp_sys = clampInt(rng_.normal(sys_base_, 6), 80, 190);
    v.nibp_dia = clampInt(rng_.normal(dia_base_, 4), 40, 110);
    if (v.nibp_dia >= v.nibp_sys - 15) v.nibp_dia = v.nibp_sys - 15;
    v.nibp_mean = (v.nibp_sys + 2 * v.nibp_dia) / 3;
    v.nibp_time = next_nibp_;
    v.nibp_fresh = true;
    next_nibp_ = next_nibp_ + nibp_cycle_;
  }
  return v;
}

}  // namespace medtap::simulate
