#include "core/timestamp.h"

#include <ctime>

namespace medtap {

namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, public domain), so that
// formatting needs neither gmtime_r nor the C locale.
void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
}

void appendDigits(std::string& out, uint64_t v, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

}  // namespace

void appendIso8601(std::string& out, Timestamp t) {
  int64_t secs = t.seconds();
  int64_t sub_ns = t.ns - secs * Timestamp::kNsPerSec;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  if (y < 0 || y > 9999) y = y < 0 ? 0 : 9999;  // Out of ISO 8601's basic range: clamp.
  appendDigits(out, static_cast<uint64_t>(y), 4);
  out.push_back('-');
  appendDigits(out, m, 2);
  out.push_back('-');
  appendDigits(out, d, 2);
  out.push_back('T');
  appendDigits(out, static_cast<uint64_t>(sod / 3600), 2);
  out.push_back(':');
  appendDigits(out, static_cast<uint64_t>(sod / 60 % 60), 2);
  out.push_back(':');
  appendDigits(out, static_cast<uint64_t>(sod % 60), 2);
  out.push_back('.');
  appendDigits(out, static_cast<uint64_t>(sub_ns / 1000), 6);
  out.append("+0000");
}

std::string formatIso8601(Timestamp t) {
  std::string s;
  s.reserve(31);
  appendIso8601(s, t);
  return s;
}

}  // namespace medtap
