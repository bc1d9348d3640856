// event_type "dicom": one association PDU (A-ASSOCIATE-RQ/AC/RJ, A-RELEASE-RQ/RP, A-ABORT) or one
// DIMSE message (command plus its data set) of the DICOM upper layer (docs/EVENTS.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medtap::events {

// One presentation context of an A-ASSOCIATE-AC: what the acceptor answered for it.
struct DicomPresentationContext {
  uint8_t id = 0;
  // PS3.8 9.3.3.2: 0 acceptance, 1 user rejection, 2 no reason, 3 abstract syntax not supported,
  // 4 transfer syntaxes not supported.
  uint8_t result = 0;
  std::string abstract_syntax;  // from the request, when it was seen
  std::string transfer_syntax;  // the one accepted
};

// Never holds raw PHI (DESIGN.md): patient fields arrive here as tokens only.
struct DicomMessage {
  static constexpr std::string_view kEventType = "dicom";
  std::string_view pdu;  // static: "A-ASSOCIATE-RQ", "P-DATA-TF", ...

  // A-ASSOCIATE-RQ/AC (PS3.8 9.3.2, 9.3.3). AE titles and UIDs without their padding.
  uint16_t protocol_version = 0;
  std::string called_ae, calling_ae;
  std::string application_context;
  std::vector<std::string> abstract_syntaxes;  // RQ: every proposed; AC: every accepted
  std::vector<std::string> transfer_syntaxes;  // RQ: distinct proposed, first-seen order
  std::vector<DicomPresentationContext> presentation_contexts;  // AC only
  uint32_t max_length = 0;  // user information 0x51; 0 = absent or unlimited
  std::string implementation_class_uid, implementation_version_name;

  // A-ASSOCIATE-RJ (PS3.8 9.3.4) result/source/reason; A-ABORT (9.3.8) source/reason.
  std::optional<uint8_t> result, source, reason;

  // DIMSE message on P-DATA-TF (PS3.7 9.3, 10.3; command set group 0000).
  std::string_view command;                      // static: "C-STORE-RQ", ...; "" when not a message
  uint16_t command_field = 0;                    // (0000,0100)
  std::string sop_class;                         // affected (0000,0002), else requested (0000,0003)
  std::optional<uint16_t> message_id;            // (0000,0110)
  std::optional<uint16_t> message_id_responded;  // (0000,0120)
  std::optional<uint16_t> status;                // (0000,0900), responses
  uint8_t presentation_context_id = 0;
  std::string transfer_syntax;  // of the context, when the A-ASSOCIATE-AC was seen
  bool has_data_set = false;    // (0000,0800) != 0x0101
  // Tokens of (0010,0010) and (0010,0020) from the data set; empty when absent or not read.
  std::string patient_name_token, patient_id_token;
};

}  // namespace medtap::events
