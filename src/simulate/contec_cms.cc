#include "simulate/contec_cms.h"

#include <cstring>

#include "simulate/byte_writer.h"
#include "simulate/sim_time.h"

namespace medtap::simulate::contec {

namespace {

// Starts a block; returns the offset of its length field for finishBlock().
size_t beginBlock(std::string& out, BlockType type) {
  const size_t at = out.size();
  ByteWriter w(out);
  w.le16(0);
  w.u8(kMarker);
  w.u8(static_cast<uint8_t>(type));
  return at;
}

void finishBlock(std::string& out, size_t at) {
  // The length counts the marker and type bytes plus the payload.
  ByteWriter(out).patchLe16(at, static_cast<uint16_t>(out.size() - at - 2));
}

void appendDate(ByteWriter& w, int year, int month, int day) {
  w.fixed(std::to_string(year), 5);
  w.fixed(std::to_string(month), 3);
  w.fixed(std::to_string(day), 3);
}

// A cheap periodic waveform sample in 0..255 (an ECG-like spike train or a pleth hump).
uint8_t ecgSample(uint32_t i, int hr) {
  const uint32_t period = static_cast<uint32_t>(250 * 60 / (hr > 20 ? hr : 60));  // 250 Hz
  const uint32_t k = i % period;
  if (k < 3) return static_cast<uint8_t>(128 + 90 - k * 30);  // R wave
  if (k < 6) return static_cast<uint8_t>(110);                // S
  if (k > period / 3 && k < period / 3 + 12) return 140;      // T wave
  return static_cast<uint8_t>(128 + (i % 3));                 // baseline with a little noise
}

uint8_t plethSample(uint32_t i, int pr) {
  const uint32_t period = static_cast<uint32_t>(60 * 60 / (pr > 20 ? pr : 60));  // 60 Hz
  const uint32_t k = i % period;
  const uint32_t up = period / 3;
  return static_cast<uint8_t>(k < up ? 40 + 170 * k / up : 210 - 170 * (k - up) / (period - up));
}

}  // namespace

void appendBedNumber(std::string& out, int bed) {
  const size_t at = beginBlock(out, BlockType::BedNumber);
  ByteWriter w(out);
  w.u8(0);
  w.u8(0);
  w.u8(static_cast<uint8_t>(bed));
  w.u8(0xFF);
  finishBlock(out, at);
}

void appendPatientRecord(std::string& out, const Patient& p, int bed, std::string_view department,
                         Timestamp admitted) {
  const size_t at = beginBlock(out, BlockType::PatientRecord);
  const size_t payload = out.size();
  ByteWriter w(out);
  w.fixed(department, 32);
  w.zeros(2);
  w.u8(static_cast<uint8_t>(bed));
  w.fixed(p.family + " " + p.given, 32);
  w.fixed(p.mrn, 32);
  const CivilTime a = toCivil(admitted);
  appendDate(w, a.year, a.month, a.day);
  w.zeros(6);
  w.le16(static_cast<uint16_t>(p.height_cm * 10));  // mm
  w.le16(static_cast<uint16_t>(p.weight_kg * 10));  // 0.1 kg
  w.zeros(4);
  appendDate(w, std::stoi(p.birth_date.substr(0, 4)), std::stoi(p.birth_date.substr(4, 2)),
             std::stoi(p.birth_date.substr(6, 2)));
  w.zeros(4);
  // Pad to the blood type's fixed offset, then the doctor's name.
  w.zeros(kBloodTypeOffset - (out.size() - payload));
  w.u8(static_cast<uint8_t>(p.blood_type));
  w.fixed(p.doctor, 32);
  finishBlock(out, at);
}

void appendCycle(std::string& out, const Vitals& v, uint32_t phase) {
  const bool oxi = v.spo2_valid == Validity::Valid;
  {
    // 0x46/0x14: three ECG leads and the respiration waveform, 250 samples/s each, then HR/RR.
    const size_t at = beginBlock(out, BlockType::Telemetry);
    const size_t payload = out.size();
    ByteWriter w(out);
    w.u8(0);
    w.u8(0);
    w.u8(static_cast<uint8_t>(TelemetryKind::Ecg));
    w.u8(0);
    for (uint32_t i = 0; i < 224; ++i) {
      const uint8_t s = ecgSample(phase * 250 + i, v.hr);
      w.u8(s);                                                          // lead I
      w.u8(static_cast<uint8_t>(s + 8));                                // lead II
      w.u8(static_cast<uint8_t>(s - 4));                                // lead III
      w.u8(static_cast<uint8_t>(128 + ((phase * 250 + i) / 40) % 20));  // respiration
    }
    w.zeros(kEcgVitalsOffset - (out.size() - payload));
    w.u8(static_cast<uint8_t>(v.hr));
    w.u8(0);  // valid
    w.u8(static_cast<uint8_t>(v.rr));
    w.u8(0);
    finishBlock(out, at);
  }
  {
    // 0x46/0x15: pleth waveform then SpO2 and pulse rate.
    const size_t at = beginBlock(out, BlockType::Telemetry);
    const size_t payload = out.size();
    ByteWriter w(out);
    w.u8(0);
    w.u8(0);
    w.u8(static_cast<uint8_t>(TelemetryKind::Pleth));
    w.u8(0);
    for (uint32_t i = 0; i < 240; ++i) w.u8(oxi ? plethSample(phase * 60 + i, v.pr) : 0);
    w.zeros(kPlethVitalsOffset - (out.size() - payload));
    w.u8(static_cast<uint8_t>(oxi ? v.spo2 : 0));
    w.u8(oxi ? 0 : 1);
    w.u8(static_cast<uint8_t>(oxi ? v.pr : 0));
    w.u8(oxi ? 0 : 1);
    finishBlock(out, at);
  }
  if (v.nibp_fresh) {
    // 0x46/0x16: NIBP measurement time (hh, mm), systolic, diastolic, mean (uint16 LE).
    const size_t at = beginBlock(out, BlockType::Telemetry);
    ByteWriter w(out);
    w.u8(0);
    w.u8(0);
    w.u8(static_cast<uint8_t>(TelemetryKind::Nibp));
    w.u8(0);
    const CivilTime c = toCivil(v.nibp_time);
    w.u8(static_cast<uint8_t>(c.hour));
    w.u8(static_cast<uint8_t>(c.minute));
    w.le16(static_cast<uint16_t>(v.nibp_sys));
    w.le16(static_cast<uint16_t>(v.nibp_dia));
    w.le16(static_cast<uint16_t>(v.nibp_mean));
    finishBlock(out, at);
  }
  {
    // 0x46/0x17: two temperatures as IEEE 754 single precision, little-endian.
    const size_t at = beginBlock(out, BlockType::Telemetry);
    ByteWriter w(out);
    w.u8(0);
    w.u8(0);
    w.u8(static_cast<uint8_t>(TelemetryKind::Temperature));
    w.u8(0);
    for (float t : {static_cast<float>(v.temp_c), static_cast<float>(v.temp_c - 0.6)}) {
      uint32_t bits;
      std::memcpy(&bits, &t, 4);
      w.le32(bits);
    }
    finishBlock(out, at);
  }
  finishBlock(out, beginBlock(out, BlockType::EndOfCycle));
}

}  // namespace medtap::simulate::contec
