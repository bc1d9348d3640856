// DICOM over TCP as a modality and a PACS exchange it (PS3.8 9.3): A-ASSOCIATE-RQ/AC with
// presentation contexts and user information (maximum length, implementation class UID and
// version name), P-DATA-TF carrying a C-STORE-RQ command (PS3.7 9.3.1, implicit VR little
// endian) and the data set in fragments that fit the peer's maximum PDU length, C-STORE-RSP,
// and A-RELEASE. Data sets are explicit VR little endian (PS3.5 7.1.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medtap::simulate::dicom {

constexpr std::string_view kApplicationContext = "1.2.840.10008.3.1.1.1";
constexpr std::string_view kImplicitVrLittleEndian = "1.2.840.10008.1.2";
constexpr std::string_view kExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
constexpr std::string_view kVerificationSopClass = "1.2.840.10008.1.1";

struct PresentationContext {
  uint8_t id = 1;  // odd (PS3.8 9.3.2.2)
  std::string abstract_syntax;
  std::vector<std::string> transfer_syntaxes;
};

struct Association {
  std::string called_ae;
  std::string calling_ae;
  std::vector<PresentationContext> contexts;
  uint32_t requestor_max_pdu = 16384;
  std::string requestor_impl_uid;
  std::string requestor_impl_version;
  uint32_t acceptor_max_pdu = 16384;
  std::string acceptor_impl_uid;
  std::string acceptor_impl_version;
};

void appendAssociateRq(std::string& out, const Association& a);
// Accepts every context with its first transfer syntax.
void appendAssociateAc(std::string& out, const Association& a);
void appendReleaseRq(std::string& out);
void appendReleaseRp(std::string& out);

// The C-STORE-RQ command and the data set, as P-DATA-TF PDUs each within max_pdu.
void appendCStoreRq(std::string& out, uint8_t context_id, uint16_t message_id,
                    std::string_view sop_class, std::string_view sop_instance,
                    std::string_view dataset, uint32_t max_pdu);
void appendCStoreRsp(std::string& out, uint8_t context_id, uint16_t message_id,
                     std::string_view sop_class, std::string_view sop_instance);

// Builds an explicit VR little endian data set. Elements must be added in ascending tag order.
class DatasetWriter {
 public:
  explicit DatasetWriter(std::string& out) : out_(out) {}
  // A text or UID value: padded to even length (UI with NUL, others with space).
  void text(uint16_t group, uint16_t element, std::string_view vr, std::string_view value);
  void us(uint16_t group, uint16_t element, uint16_t value);
  // OW/OB data with a 4-byte length; returns the offset of the value for the caller to fill.
  size_t binary(uint16_t group, uint16_t element, std::string_view vr, size_t length);

 private:
  std::string& out_;
};

}  // namespace medtap::simulate::dicom
