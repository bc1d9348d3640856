#include "analyzers/dns/dns_name.h"

#include "analyzers/dns/limits.h"

namespace medtap::analyzers::dns {

namespace {

void appendLabel(std::string& out, Bytes label) {
  for (uint8_t c : label) {
    if (c > 0x20 && c < 0x7F && c != '.' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('\\');
      out.push_back(static_cast<char>('0' + c / 100));
      out.push_back(static_cast<char>('0' + (c / 10) % 10));
      out.push_back(static_cast<char>('0' + c % 10));
    }
  }
}

}  // namespace

NameResult readName(Bytes message, size_t offset, std::string& out) {
  out.clear();
  NameResult result;
  size_t pos = offset;
  size_t last_target = offset;  // pointers must go strictly below this and below themselves
  bool jumped = false;
  size_t wire_length = 0;
  size_t labels = 0;
  for (;;) {
    if (pos >= message.size()) {
      result.status = NameStatus::Truncated;
      return result;
    }
    const uint8_t len = message[pos];
    if ((len & kPointerMask) == kPointerMask) {
      if (pos + 2 > message.size()) {
        result.status = NameStatus::Truncated;
        return result;
      }
      const size_t target = readBe16(message, pos) & 0x3FFF;
      if (!jumped) result.end = pos + 2;
      if (target > pos) {
        result.status = NameStatus::ForwardPointer;
        return result;
      }
      if (target == pos || (jumped && target >= last_target)) {
        result.status = NameStatus::PointerLoop;
        return result;
      }
      jumped = true;
      last_target = target;
      pos = target;
      continue;
    }
    if ((len & kPointerMask) != 0) {
      result.status = NameStatus::LabelTooLong;
      return result;
    }
    wire_length += 1 + len;
    if (wire_length > kMaxNameWireLength) {
      result.status = NameStatus::TooLong;
      return result;
    }
    if (len == 0) {
      if (!jumped) result.end = pos + 1;
      if (labels == 0) out = "<root>";
      return result;
    }
    if (++labels > kMaxLabels) {
      result.status = NameStatus::TooManyLabels;
      return result;
    }
    if (pos + 1 + len > message.size()) {
      result.status = NameStatus::Truncated;
      return result;
    }
    if (!out.empty()) out.push_back('.');
    appendLabel(out, message.subspan(pos + 1, len));
    pos += 1 + len;
  }
}

Anomaly nameAnomaly(NameStatus status) {
  switch (status) {
    case NameStatus::Truncated:
      return Anomaly::DnsTruncatedMessage;
    case NameStatus::PointerLoop:
      return Anomaly::DnsNamePointerLoop;
    case NameStatus::ForwardPointer:
      return Anomaly::DnsNameForwardPointer;
    case NameStatus::TooManyLabels:
      return Anomaly::DnsNameTooManyLabels;
    case NameStatus::TooLong:
      return Anomaly::DnsNameTooLong;
    case NameStatus::LabelTooLong:
      return Anomaly::DnsLabelTooLong;
    case NameStatus::Ok:
      break;
  }
  return Anomaly::kCount;
}

}  // namespace medtap::analyzers::dns
