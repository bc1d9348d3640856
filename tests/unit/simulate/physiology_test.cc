#include "simulate/physiology.h"

#include <cctype>
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "simulate/network.h"
#include "simulate/sim_time.h"

namespace medtap::simulate {
namespace {

TEST(SimulatePhysiologyTest, VitalsStayPlausibleAndAgree) {
  const Timestamp start = fromCivil(2025, 11, 25, 8, 0, 0);
  int probe_off = 0, nibp = 0, paced = 0;
  for (int patient = 0; patient < 40; ++patient) {
    Rng rng(100 + patient);
    const Patient p = makePatient(rng, patient + 1);
    Physiology phys(rng.fork(1), p, start);
    std::set<int> hrs;
    double prev_hr = -1;
    for (int s = 1; s <= 4 * 360; ++s) {  // four hours at one sample per 10 s
      const Vitals v = phys.sample(start + seconds(10 * s));
      ASSERT_GE(v.spo2, 92);
      ASSERT_LE(v.spo2, 100);
      ASSERT_GE(v.hr, 35);
      ASSERT_LE(v.hr, 180);
      ASSERT_LE(std::abs(v.pr - v.hr), 2) << "pulse rate and heart rate must agree";
      ASSERT_GE(v.rr, 6);
      ASSERT_LE(v.rr, 40);
      ASSERT_GT(v.temp_c, 35.0);
      ASSERT_LT(v.temp_c, 39.0);
      if (prev_hr >= 0) {
        ASSERT_LE(std::abs(v.hr - prev_hr), 12) << "heart rate jumps";
      }
      prev_hr = v.hr;
      hrs.insert(v.hr);
      probe_off += v.spo2_valid == Validity::Invalid;
      if (v.nibp_fresh) {
        ++nibp;
        ASSERT_LT(v.nibp_dia, v.nibp_sys);
        ASSERT_GT(v.nibp_mean, v.nibp_dia);
        ASSERT_LT(v.nibp_mean, v.nibp_sys);
      }
    }
    if (p.pacing == Pacing::Paced) {
      ++paced;
      EXPECT_EQ(hrs.size(), 1u) << "a paced heart holds its rate";
    } else {
      EXPECT_GT(hrs.size(), 5u) << "heart rate drifts";
    }
  }
  EXPECT_GT(paced, 0);
  EXPECT_GT(probe_off, 0);
  EXPECT_GT(nibp, 40 * 4 * 2);  // at least every 30 minutes
}

TEST(SimulatePhysiologyTest, PatientsAreObviouslySynthetic) {
  Rng rng(9);
  for (int i = 0; i < 50; ++i) {
    const Patient p = makePatient(rng, i);
    EXPECT_EQ(p.mrn.substr(0, 3), "SIM");
    EXPECT_GE(p.family.size(), 3u);
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(p.family[0])));
    EXPECT_EQ(p.birth_date.size(), 8u);
    EXPECT_EQ(p.doctor.substr(0, 3), "Dr ");
  }
}

}  // namespace
}  // namespace medtap::simulate
