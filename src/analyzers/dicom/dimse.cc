#include "analyzers/dicom/dimse.h"

namespace medtap::analyzers::dicom {

namespace {

// Implicit VR little endian element header: group (2), element (2), value length (4).
constexpr size_t kImplicitHeaderSize = 8;
constexpr uint16_t kCommandGroup = 0x0000;

// Command set elements (PS3.7 E.1).
enum class CommandTag : uint16_t {
  AffectedSopClassUid = 0x0002,
  RequestedSopClassUid = 0x0003,
  CommandField = 0x0100,
  MessageId = 0x0110,
  MessageIdBeingRespondedTo = 0x0120,
  CommandDataSetType = 0x0800,
  Status = 0x0900,
};

// CommandDataSetType value meaning "no data set" (PS3.7 E.1); any other value means one follows.
constexpr uint16_t kNoDataSet = 0x0101;
constexpr size_t kUsSize = 2;

// DIMSE command fields (PS3.7 E.1, 9.3 and 10.3).
struct CommandName {
  uint16_t field;
  std::string_view name;
};
constexpr CommandName kCommandNames[] = {
    {0x0001, "C-STORE-RQ"},         {0x8001, "C-STORE-RSP"},  {0x0010, "C-GET-RQ"},
    {0x8010, "C-GET-RSP"},          {0x0020, "C-FIND-RQ"},    {0x8020, "C-FIND-RSP"},
    {0x0021, "C-MOVE-RQ"},          {0x8021, "C-MOVE-RSP"},   {0x0030, "C-ECHO-RQ"},
    {0x8030, "C-ECHO-RSP"},         {0x0FFF, "C-CANCEL-RQ"},  {0x0100, "N-EVENT-REPORT-RQ"},
    {0x8100, "N-EVENT-REPORT-RSP"}, {0x0110, "N-GET-RQ"},     {0x8110, "N-GET-RSP"},
    {0x0120, "N-SET-RQ"},           {0x8120, "N-SET-RSP"},    {0x0130, "N-ACTION-RQ"},
    {0x8130, "N-ACTION-RSP"},       {0x0140, "N-CREATE-RQ"},  {0x8140, "N-CREATE-RSP"},
    {0x0150, "N-DELETE-RQ"},        {0x8150, "N-DELETE-RSP"},
};

}  // namespace

std::string_view commandName(uint16_t command_field) {
  for (const CommandName& c : kCommandNames) {
    if (c.field == command_field) return c.name;
  }
  return "";
}

ParseStatus parseCommandSet(Bytes data, events::DicomMessage& out, AnomalyCounters& anomalies) {
  bool has_command_field = false;
  std::string requested_sop_class;
  size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < kImplicitHeaderSize) return ParseStatus::Malformed;
    const uint16_t group = readLe16(data, pos);
    const uint16_t element = readLe16(data, pos + 2);
    const uint32_t length = readLe32(data, pos + 4);
    pos += kImplicitHeaderSize;
    if (group != kCommandGroup || data.size() - pos < length) return ParseStatus::Malformed;
    const Bytes value = data.subspan(pos, length);
    pos += length;
    const bool is_us = length == kUsSize;
    switch (static_cast<CommandTag>(element)) {
      case CommandTag::AffectedSopClassUid:
        out.sop_class = textField(value, kMaxUidLength, anomalies);
        break;
      case CommandTag::RequestedSopClassUid:
        requested_sop_class = textField(value, kMaxUidLength, anomalies);
        break;
      case CommandTag::CommandField:
        if (!is_us) return ParseStatus::Malformed;
        out.command_field = readLe16(value, 0);
        out.command = commandName(out.command_field);
        has_command_field = true;
        break;
      case CommandTag::MessageId:
        if (is_us) out.message_id = readLe16(value, 0);
        break;
      case CommandTag::MessageIdBeingRespondedTo:
        if (is_us) out.message_id_responded = readLe16(value, 0);
        break;
      case CommandTag::CommandDataSetType:
        if (is_us) out.has_data_set = readLe16(value, 0) != kNoDataSet;
        break;
      case CommandTag::Status:
        if (is_us) out.status = readLe16(value, 0);
        break;
      default:
        break;
    }
  }
  if (out.sop_class.empty()) out.sop_class = std::move(requested_sop_class);
  return has_command_field ? ParseStatus::Ok : ParseStatus::Malformed;
}

}  // namespace medtap::analyzers::dicom
