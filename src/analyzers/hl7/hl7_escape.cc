#include "analyzers/hl7/hl7_escape.h"

#include <cstdint>

#include "analyzers/hl7/byte_scan.h"

namespace medtap::analyzers::hl7 {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Appends the bytes of the hex digits in `hex` ("0D0A"); false (nothing appended) when `hex` is
// empty, odd-length or holds a non-hex digit.
bool appendHex(std::string_view hex, std::string& out) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  for (char c : hex) {
    if (hexValue(c) < 0) return false;
  }
  for (size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<char>((hexValue(hex[i]) << 4) | hexValue(hex[i + 1])));
  }
  return true;
}

// Appends the decoded form of one sequence (`body`, between the escape characters); false when
// it is not one this decoder translates (the caller keeps it literally).
bool appendSequence(std::string_view body, const EncodingCharacters& e, std::string& out) {
  if (body.size() == 1) {
    char c = '\0';
    switch (body[0]) {
      case 'F':
        c = e.field;
        break;
      case 'S':
        c = e.component;
        break;
      case 'T':
        c = e.subcomponent;
        break;
      case 'R':
        c = e.repetition;
        break;
      case 'E':
        c = e.escape;
        break;
      case 'P':
        c = e.truncation;
        break;
      case 'H':
      case 'N':
        return true;  // highlighting on/off: no text
      default:
        return false;
    }
    if (c == '\0') return false;
    out.push_back(c);
    return true;
  }
  if (body.size() > 1 && body[0] == 'X') return appendHex(body.substr(1), out);
  return false;
}

}  // namespace

EscapeStatus unescape(std::string_view text, const EncodingCharacters& encoding, std::string& out) {
  const char esc = encoding.escape;
  // Most fields hold no escape: a block-at-a-time scan finds that faster than memchr on short text.
  size_t pos = esc == '\0' ? text.size() : findByte(text, esc);
  if (pos == text.size()) {
    out.append(text);
    return EscapeStatus::Ok;
  }
  EscapeStatus status = EscapeStatus::Ok;
  size_t done = 0;
  while (pos != std::string_view::npos) {
    const size_t close = text.find(esc, pos + 1);
    if (close == std::string_view::npos) {
      status = EscapeStatus::Unterminated;
      break;
    }
    out.append(text.substr(done, pos - done));
    const std::string_view body = text.substr(pos + 1, close - pos - 1);
    if (!appendSequence(body, encoding, out)) {
      out.append(text.substr(pos, close - pos + 1));  // unknown: kept literally
    }
    done = close + 1;
    pos = text.find(esc, done);
  }
  out.append(text.substr(done));
  return status;
}

}  // namespace medtap::analyzers::hl7
