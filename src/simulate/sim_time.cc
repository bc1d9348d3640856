#include "simulate/sim_time.h"

#include <cstdio>

namespace medtap::simulate {

namespace {

// Days since 1970-01-01 <-> civil date (Howard Hinnant's public-domain algorithms).
void civilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2));
}

int64_t daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void appendDigits(std::string& out, int v, int width) {
  char buf[12];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

}  // namespace

CivilTime toCivil(Timestamp t) {
  CivilTime c;
  const int64_t secs = t.seconds();
  const int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  const int64_t sod = secs - days * 86400;
  civilFromDays(days, c.year, c.month, c.day);
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod / 60 % 60);
  c.second = static_cast<int>(sod % 60);
  c.microsecond = static_cast<int>((t.ns - secs * Timestamp::kNsPerSec) / 1000);
  return c;
}

Timestamp fromCivil(int year, int month, int day, int hour, int minute, int second) {
  return Timestamp::fromSeconds(daysFromCivil(year, month, day) * 86400 + hour * 3600 +
                                minute * 60 + second);
}

void appendHl7Time(std::string& out, Timestamp t, Hl7Zone zone) {
  const CivilTime c = toCivil(t);
  appendDigits(out, c.year, 4);
  appendDigits(out, c.month, 2);
  appendDigits(out, c.day, 2);
  appendDigits(out, c.hour, 2);
  appendDigits(out, c.minute, 2);
  appendDigits(out, c.second, 2);
  if (zone == Hl7Zone::Utc) out += "+0000";
}

std::string dicomDate(Timestamp t) {
  const CivilTime c = toCivil(t);
  std::string s;
  appendDigits(s, c.year, 4);
  appendDigits(s, c.month, 2);
  appendDigits(s, c.day, 2);
  return s;
}

std::string dicomTime(Timestamp t) {
  const CivilTime c = toCivil(t);
  std::string s;
  appendDigits(s, c.hour, 2);
  appendDigits(s, c.minute, 2);
  appendDigits(s, c.second, 2);
  s.push_back('.');
  appendDigits(s, c.microsecond, 6);
  return s;
}

uint64_t ntpTimestamp(Timestamp t) {
  constexpr uint64_t kNtpEpochOffset = 2'208'988'800ULL;  // 1900-01-01 to 1970-01-01
  const int64_t secs = t.seconds();
  const uint64_t frac_ns = static_cast<uint64_t>(t.ns - secs * Timestamp::kNsPerSec);
  const uint64_t frac = (frac_ns << 32) / Timestamp::kNsPerSec;
  return ((static_cast<uint64_t>(secs) + kNtpEpochOffset) << 32) | frac;
}

bool parseUtcTime(const std::string& text, Timestamp& out) {
  int y, mo, d, h, mi, s;
  char z = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
      z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return false;
  }
  out = fromCivil(y, mo, d, h, mi, s);
  return true;
}

}  // namespace medtap::simulate
