#include "analyzers/dicom/association.h"

#include <algorithm>

namespace medtap::analyzers::dicom {

namespace {

// Item types (PS3.8 9.3.2.1 to 9.3.3.3, D.3.3).
enum class ItemType : uint8_t {
  ApplicationContext = 0x10,
  PresentationContextRq = 0x20,
  PresentationContextAc = 0x21,
  AbstractSyntax = 0x30,
  TransferSyntax = 0x40,
  UserInformation = 0x50,
  MaximumLength = 0x51,
  ImplementationClassUid = 0x52,
  ImplementationVersionName = 0x55,
};

// Offsets in the A-ASSOCIATE fixed part (PS3.8 table 9-11).
constexpr size_t kVersionOffset = 0;
constexpr size_t kCalledAeOffset = 4;
constexpr size_t kCallingAeOffset = kCalledAeOffset + kAeTitleSize;
// A presentation context item starts with id (1), reserved (1), result/reason (1, AC only),
// reserved (1) before its sub-items (PS3.8 9.3.2.2, 9.3.3.2).
constexpr size_t kContextFixedSize = 4;
constexpr size_t kContextResultOffset = 2;
constexpr size_t kMaxLengthValueSize = 4;
// A-ASSOCIATE-RJ: reserved, result, source, reason (PS3.8 9.3.4); A-ABORT: reserved (2), source,
// reason (9.3.8).
constexpr size_t kRejectAbortBodySize = 4;

struct Item {
  uint8_t type;
  Bytes value;
};

// Walks the items of `data`; returns false when one overruns it.
template <typename Fn>
bool forEachItem(Bytes data, Fn&& fn) {
  size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < kItemHeaderSize) return false;
    const uint16_t len = readBe16(data, pos + 2);
    if (data.size() - pos - kItemHeaderSize < len) return false;
    fn(Item{data[pos], data.subspan(pos + kItemHeaderSize, len)});
    pos += kItemHeaderSize + len;
  }
  return true;
}

bool isType(const Item& item, ItemType t) {
  return item.type == static_cast<uint8_t>(t);
}

void addDistinct(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

bool parseRqContext(Bytes value, events::DicomMessage& out, AnomalyCounters& anomalies) {
  if (value.size() < kContextFixedSize) return false;
  events::DicomPresentationContext ctx;
  ctx.id = value[0];
  size_t proposed = 0;
  const bool ok = forEachItem(value.subspan(kContextFixedSize), [&](const Item& sub) {
    if (isType(sub, ItemType::AbstractSyntax)) {
      ctx.abstract_syntax = textField(sub.value, kMaxUidLength, anomalies);
    } else if (isType(sub, ItemType::TransferSyntax)) {
      if (++proposed > kMaxTransferSyntaxesPerContext) {
        if (proposed == kMaxTransferSyntaxesPerContext + 1) anomalies.add(Anomaly::DicomLongField);
        return;
      }
      addDistinct(out.transfer_syntaxes, textField(sub.value, kMaxUidLength, anomalies));
    }
  });
  if (out.presentation_contexts.size() >= kMaxPresentationContexts) {
    anomalies.add(Anomaly::DicomTooManyContexts);
    return ok;
  }
  out.abstract_syntaxes.push_back(ctx.abstract_syntax);
  out.presentation_contexts.push_back(std::move(ctx));
  return ok;
}

bool parseAcContext(Bytes value, events::DicomMessage& out, AnomalyCounters& anomalies) {
  if (value.size() < kContextFixedSize) return false;
  events::DicomPresentationContext ctx;
  ctx.id = value[0];
  ctx.result = value[kContextResultOffset];
  const bool ok = forEachItem(value.subspan(kContextFixedSize), [&](const Item& sub) {
    if (isType(sub, ItemType::TransferSyntax)) {
      ctx.transfer_syntax = textField(sub.value, kMaxUidLength, anomalies);
    }
  });
  if (out.presentation_contexts.size() >= kMaxPresentationContexts) {
    anomalies.add(Anomaly::DicomTooManyContexts);
    return ok;
  }
  out.presentation_contexts.push_back(std::move(ctx));
  return ok;
}

bool parseUserInformation(Bytes value, events::DicomMessage& out, AnomalyCounters& anomalies) {
  return forEachItem(value, [&](const Item& sub) {
    if (isType(sub, ItemType::MaximumLength) && sub.value.size() == kMaxLengthValueSize) {
      out.max_length = readBe32(sub.value, 0);
    } else if (isType(sub, ItemType::ImplementationClassUid)) {
      out.implementation_class_uid = textField(sub.value, kMaxUidLength, anomalies);
    } else if (isType(sub, ItemType::ImplementationVersionName)) {
      out.implementation_version_name = textField(sub.value, kMaxShortTextLength, anomalies);
    }
  });
}

}  // namespace

std::string_view pduName(PduType type) {
  switch (type) {
    case PduType::AssociateRq:
      return "A-ASSOCIATE-RQ";
    case PduType::AssociateAc:
      return "A-ASSOCIATE-AC";
    case PduType::AssociateRj:
      return "A-ASSOCIATE-RJ";
    case PduType::PData:
      return "P-DATA-TF";
    case PduType::ReleaseRq:
      return "A-RELEASE-RQ";
    case PduType::ReleaseRp:
      return "A-RELEASE-RP";
    case PduType::Abort:
      return "A-ABORT";
  }
  return "";
}

std::string textField(Bytes value, size_t max, AnomalyCounters& anomalies) {
  std::string_view text = asChars(value);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.size() > max) {
    anomalies.add(Anomaly::DicomLongField);
    text = text.substr(0, max);
  }
  return std::string(text);
}

ParseStatus parseAssociate(PduType type, Bytes body, events::DicomMessage& out,
                           AnomalyCounters& anomalies) {
  out.pdu = pduName(type);
  if (body.size() < kAssociateFixedSize) return ParseStatus::Malformed;
  out.protocol_version = readBe16(body, kVersionOffset);
  out.called_ae = textField(body.subspan(kCalledAeOffset, kAeTitleSize), kAeTitleSize, anomalies);
  out.calling_ae = textField(body.subspan(kCallingAeOffset, kAeTitleSize), kAeTitleSize, anomalies);
  bool ok = true;
  const bool items_ok = forEachItem(body.subspan(kAssociateFixedSize), [&](const Item& item) {
    if (isType(item, ItemType::ApplicationContext)) {
      out.application_context = textField(item.value, kMaxUidLength, anomalies);
    } else if (isType(item, ItemType::PresentationContextRq) && type == PduType::AssociateRq) {
      ok = parseRqContext(item.value, out, anomalies) && ok;
    } else if (isType(item, ItemType::PresentationContextAc) && type == PduType::AssociateAc) {
      ok = parseAcContext(item.value, out, anomalies) && ok;
    } else if (isType(item, ItemType::UserInformation)) {
      ok = parseUserInformation(item.value, out, anomalies) && ok;
    }
  });
  return ok && items_ok ? ParseStatus::Ok : ParseStatus::Malformed;
}

ParseStatus parseReject(Bytes body, events::DicomMessage& out) {
  out.pdu = pduName(PduType::AssociateRj);
  if (body.size() < kRejectAbortBodySize) return ParseStatus::Malformed;
  out.result = body[1];
  out.source = body[2];
  out.reason = body[3];
  return ParseStatus::Ok;
}

ParseStatus parseAbort(Bytes body, events::DicomMessage& out) {
  out.pdu = pduName(PduType::Abort);
  if (body.size() < kRejectAbortBodySize) return ParseStatus::Malformed;
  out.source = body[2];
  out.reason = body[3];
  return ParseStatus::Ok;
}

}  // namespace medtap::analyzers::dicom
