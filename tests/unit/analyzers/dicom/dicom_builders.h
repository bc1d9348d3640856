// Builders of synthetic DICOM upper-layer PDUs, DIMSE command sets and data sets for the tests
// (PS3.8 9.3, PS3.7 E.1, PS3.5 7). Synthetic values only: no patient data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/dicom/limits.h"

namespace medtap::analyzers::dicom::build {

using Buf = std::string;

inline void be16(Buf& b, uint16_t v) {
  b += static_cast<char>(v >> 8);
  b += static_cast<char>(v & 0xFF);
}
inline void be32(Buf& b, uint32_t v) {
  be16(b, static_cast<uint16_t>(v >> 16));
  be16(b, static_cast<uint16_t>(v & 0xFFFF));
}
inline void le16(Buf& b, uint16_t v) {
  b += static_cast<char>(v & 0xFF);
  b += static_cast<char>(v >> 8);
}
inline void le32(Buf& b, uint32_t v) {
  le16(b, static_cast<uint16_t>(v & 0xFFFF));
  le16(b, static_cast<uint16_t>(v >> 16));
}

inline Buf item(uint8_t type, std::string_view value) {
  Buf b;
  b += static_cast<char>(type);
  b += '\0';
  be16(b, static_cast<uint16_t>(value.size()));
  b += value;
  return b;
}

inline Buf pdu(PduType type, std::string_view body) {
  Buf b;
  b += static_cast<char>(type);
  b += '\0';
  be32(b, static_cast<uint32_t>(body.size()));
  b += body;
  return b;
}

inline Buf aeTitle(std::string_view ae) {
  Buf b(ae);
  b.resize(kAeTitleSize, ' ');
  return b;
}

struct ProposedContext {
  uint8_t id;
  std::string abstract_syntax;
  std::vector<std::string> transfer_syntaxes;
};
struct AcceptedContext {
  uint8_t id;
  uint8_t result;
  std::string transfer_syntax;
};

constexpr std::string_view kAppContext = "1.2.840.10008.3.1.1.1";
constexpr std::string_view kImplicitLe = "1.2.840.10008.1.2";
constexpr std::string_view kExplicitLe = "1.2.840.10008.1.2.1";
constexpr std::string_view kSecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
constexpr std::string_view kVerification = "1.2.840.10008.1.1";
constexpr std::string_view kImplUid = "1.2.826.0.1.3680043.9.9999.1";
constexpr std::string_view kImplVersion = "TESTSCU_1";

inline Buf userInfo(uint32_t max_length) {
  Buf max;
  be32(max, max_length);
  return item(0x50, item(0x51, max) + item(0x52, kImplUid) + item(0x55, kImplVersion));
}

inline Buf fixedPart(std::string_view called, std::string_view calling) {
  Buf b;
  be16(b, kProtocolVersion);
  be16(b, 0);
  b += aeTitle(called);
  b += aeTitle(calling);
  b += Buf(32, '\0');
  return b;
}

inline Buf associateRq(std::string_view called, std::string_view calling,
                       const std::vector<ProposedContext>& contexts) {
  Buf body = fixedPart(called, calling) + item(0x10, kAppContext);
  for (const auto& c : contexts) {
    Buf v;
    v += static_cast<char>(c.id);
    v += std::string(3, '\0');
    v += item(0x30, c.abstract_syntax);
    for (const auto& ts : c.transfer_syntaxes) v += item(0x40, ts);
    body += item(0x20, v);
  }
  body += userInfo(16384);
  return pdu(PduType::AssociateRq, body);
}

inline Buf associateAc(std::string_view called, std::string_view calling,
                       const std::vector<AcceptedContext>& contexts) {
  Buf body = fixedPart(called, calling) + item(0x10, kAppContext);
  for (const auto& c : contexts) {
    Buf v;
    v += static_cast<char>(c.id);
    v += '\0';
    v += static_cast<char>(c.result);
    v += '\0';
    v += item(0x40, c.transfer_syntax);
    body += item(0x21, v);
  }
  body += userInfo(32768);
  return pdu(PduType::AssociateAc, body);
}

inline Buf fourBytes(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)};
}

inline Buf pdv(uint8_t context_id, uint8_t control, std::string_view value) {
  Buf b;
  be32(b, static_cast<uint32_t>(value.size() + 2));
  b += static_cast<char>(context_id);
  b += static_cast<char>(control);
  b += value;
  return b;
}

inline Buf pdata(const std::vector<Buf>& pdvs) {
  Buf body;
  for (const auto& p : pdvs) body += p;
  return pdu(PduType::PData, body);
}

// Splits `value` into PDVs of at most `max` bytes, the last one flagged.
inline std::vector<Buf> fragments(uint8_t context_id, bool command, std::string_view value,
                                  size_t max) {
  std::vector<Buf> out;
  for (size_t pos = 0; pos < value.size(); pos += max) {
    const bool last = pos + max >= value.size();
    const uint8_t control =
        static_cast<uint8_t>((command ? kPdvCommandBit : 0) | (last ? kPdvLastBit : 0));
    out.push_back(pdv(context_id, control, value.substr(pos, max)));
  }
  return out;
}

// An even-length value: UIDs padded with NUL, text with a space (PS3.5 6.2).
inline Buf padded(std::string_view v, char pad) {
  Buf b(v);
  if (b.size() % 2 != 0) b += pad;
  return b;
}

inline Buf implicitElement(uint16_t group, uint16_t element, std::string_view value) {
  Buf b;
  le16(b, group);
  le16(b, element);
  le32(b, static_cast<uint32_t>(value.size()));
  b += value;
  return b;
}

inline Buf us(uint16_t v) {
  Buf b;
  le16(b, v);
  return b;
}

inline Buf explicitElement(uint16_t group, uint16_t element, std::string_view vr,
                           std::string_view value) {
  Buf b;
  le16(b, group);
  le16(b, element);
  b += vr;
  static constexpr std::string_view kLong[] = {"OB", "OW", "SQ", "UN", "UT", "UC", "UR", "OF"};
  bool is_long = false;
  for (auto l : kLong) is_long = is_long || l == vr;
  if (is_long) {
    le16(b, 0);
    le32(b, static_cast<uint32_t>(value.size()));
  } else {
    le16(b, static_cast<uint16_t>(value.size()));
  }
  b += value;
  return b;
}

// Command set with its group length (0000,0000) first (PS3.7 E.1).
inline Buf commandSet(const Buf& elements) {
  Buf len;
  le32(len, static_cast<uint32_t>(elements.size()));
  return implicitElement(0x0000, 0x0000, len) + elements;
}

inline Buf cStoreRq(uint16_t message_id) {
  return commandSet(implicitElement(0x0000, 0x0002, padded(kSecondaryCapture, '\0')) +
                    implicitElement(0x0000, 0x0100, us(0x0001)) +
                    implicitElement(0x0000, 0x0110, us(message_id)) +
                    implicitElement(0x0000, 0x0700, us(0)) +
                    implicitElement(0x0000, 0x0800, us(0x0000)) +
                    implicitElement(0x0000, 0x1000, padded("1.2.3.4.5.6.7.8", '\0')));
}

inline Buf cStoreRsp(uint16_t message_id, uint16_t status) {
  return commandSet(implicitElement(0x0000, 0x0002, padded(kSecondaryCapture, '\0')) +
                    implicitElement(0x0000, 0x0100, us(0x8001)) +
                    implicitElement(0x0000, 0x0120, us(message_id)) +
                    implicitElement(0x0000, 0x0800, us(0x0101)) +
                    implicitElement(0x0000, 0x0900, us(status)));
}

inline Buf cEchoRq(uint16_t message_id) {
  return commandSet(implicitElement(0x0000, 0x0002, padded(kVerification, '\0')) +
                    implicitElement(0x0000, 0x0100, us(0x0030)) +
                    implicitElement(0x0000, 0x0110, us(message_id)) +
                    implicitElement(0x0000, 0x0800, us(0x0101)));
}

constexpr std::string_view kPatientName = "TEST^PATIENT^SYNTHETIC";
constexpr std::string_view kPatientId = "TST0000001";

// An explicit VR little endian image header with a nested undefined-length sequence before the
// patient module and `pixel_bytes` of pixel data.
inline Buf explicitDataSet(size_t pixel_bytes) {
  Buf seq_item = explicitElement(0x0008, 0x1150, "UI", padded(kSecondaryCapture, '\0'));
  Buf item_undefined;
  le16(item_undefined, 0xFFFE);
  le16(item_undefined, 0xE000);
  le32(item_undefined, 0xFFFFFFFF);
  Buf item_delim;
  le16(item_delim, 0xFFFE);
  le16(item_delim, 0xE00D);
  le32(item_delim, 0);
  Buf seq_delim;
  le16(seq_delim, 0xFFFE);
  le16(seq_delim, 0xE0DD);
  le32(seq_delim, 0);
  Buf seq;
  le16(seq, 0x0008);
  le16(seq, 0x1140);
  seq += "SQ";
  le16(seq, 0);
  le32(seq, 0xFFFFFFFF);
  seq += item_undefined + seq_item + item_delim + seq_delim;
  return explicitElement(0x0008, 0x0016, "UI", padded(kSecondaryCapture, '\0')) +
         explicitElement(0x0008, 0x0018, "UI", padded("1.2.3.4.5.6.7.8", '\0')) +
         explicitElement(0x0008, 0x0060, "CS", "OT") + seq +
         explicitElement(0x0010, 0x0010, "PN", padded(kPatientName, ' ')) +
         explicitElement(0x0010, 0x0020, "LO", padded(kPatientId, ' ')) +
         explicitElement(0x0010, 0x0030, "DA", "19700101") +
         explicitElement(0x0028, 0x0010, "US", us(64)) +
         explicitElement(0x7FE0, 0x0010, "OW", Buf(pixel_bytes, '\x55'));
}

// The same patient module in implicit VR little endian.
inline Buf implicitDataSet(size_t pixel_bytes) {
  return implicitElement(0x0008, 0x0016, padded(kSecondaryCapture, '\0')) +
         implicitElement(0x0010, 0x0010, padded(kPatientName, ' ')) +
         implicitElement(0x0010, 0x0020, padded(kPatientId, ' ')) +
         implicitElement(0x7FE0, 0x0010, Buf(pixel_bytes, '\x55'));
}

}  // namespace medtap::analyzers::dicom::build
