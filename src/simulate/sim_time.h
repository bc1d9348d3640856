// Calendar forms of simulated time for the protocols that carry wall-clock dates: HL7 DTM
// (HL7 v2.6 2.A.22), DICOM DA/TM (PS3.5 6.2), NTP timestamps (RFC 5905 6). Always UTC.
#pragma once

#include <cstdint>
#include <string>

#include "core/timestamp.h"

namespace medtap::simulate {

struct CivilTime {
  int year = 1970;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int microsecond = 0;
};

CivilTime toCivil(Timestamp t);
// Inverse for whole seconds (the simulator's fixed start time).
Timestamp fromCivil(int year, int month, int day, int hour, int minute, int second);

// YYYYMMDDHHMMSS, and with "+0000" appended when `with_zone` (IHE PCD-01 requires the zone).
enum class Hl7Zone : uint8_t { Omit, Utc };
void appendHl7Time(std::string& out, Timestamp t, Hl7Zone zone);
// YYYYMMDD and HHMMSS.ffffff (DICOM DA and TM).
std::string dicomDate(Timestamp t);
std::string dicomTime(Timestamp t);
// NTP 64-bit timestamp: seconds since 1900 and a binary fraction.
uint64_t ntpTimestamp(Timestamp t);

// Parses "2025-11-25T08:00:00Z" (the only form the ward file uses). Returns false if malformed.
bool parseUtcTime(const std::string& text, Timestamp& out);

}  // namespace medtap::simulate
