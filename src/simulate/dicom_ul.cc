#include "simulate/dicom_ul.h"

#include "simulate/byte_writer.h"

namespace medtap::simulate::dicom {

namespace {

enum PduType : uint8_t {
  kAssociateRq = 0x01,
  kAssociateAc = 0x02,
  kPData = 0x04,
  kReleaseRq = 0x05,
  kReleaseRp = 0x06
};
enum ItemType : uint8_t {
  kApplicationContextItem = 0x10,
  kPresentationContextRq = 0x20,
  kPresentationContextAc = 0x21,
  kAbstractSyntax = 0x30,
  kTransferSyntax = 0x40,
  kUserInformation = 0x50,
  kMaxLength = 0x51,
  kImplementationClassUid = 0x52,
  kImplementationVersionName = 0x55
};
constexpr uint8_t kPdvCommand = 0x01;
constexpr uint8_t kPdvLast = 0x02;
// Command field values (PS3.7 E.1).
constexpr uint16_t kCStoreRq = 0x0001;
constexpr uint16_t kCStoreRsp = 0x8001;
constexpr uint16_t kDataSetPresent = 0x0001;
constexpr uint16_t kNoDataSet = 0x0101;

void item(ByteWriter& w, uint8_t type, std::string_view value) {
  w.u8(type);
  w.u8(0);
  w.be16(static_cast<uint16_t>(value.size()));
  w.bytes(value);
}

std::string userInformation(uint32_t max_pdu, std::string_view uid, std::string_view version) {
  std::string body;
  ByteWriter b(body);
  b.u8(kMaxLength);
  b.u8(0);
  b.be16(4);
  b.be32(max_pdu);
  item(b, kImplementationClassUid, uid);
  if (!version.empty()) item(b, kImplementationVersionName, version);
  return body;
}

void associateHeader(ByteWriter& w, const Association& a) {
  w.be16(1);  // protocol version
  w.be16(0);
  w.fixed(a.called_ae, 16, ' ');
  w.fixed(a.calling_ae, 16, ' ');
  w.zeros(32);
  item(w, kApplicationContextItem, kApplicationContext);
}

void finishPdu(std::string& out, size_t start) {
  ByteWriter(out).patchBe32(start + 2, static_cast<uint32_t>(out.size() - start - 6));
}

size_t beginPdu(std::string& out, PduType type) {
  const size_t start = out.size();
  ByteWriter w(out);
  w.u8(type);
  w.u8(0);
  w.be32(0);
  return start;
}

// An implicit VR little endian command element (PS3.5 7.1.3).
void commandElement(std::string& out, uint16_t element, std::string_view value) {
  ByteWriter w(out);
  w.le16(0x0000);
  w.le16(element);
  w.le32(static_cast<uint32_t>(value.size()));
  w.bytes(value);
}
void commandUid(std::string& out, uint16_t element, std::string_view uid) {
  std::string v(uid);
  if (v.size() % 2 != 0) v.push_back('\0');
  commandElement(out, element, v);
}
void commandUs(std::string& out, uint16_t element, uint16_t value) {
  const char v[2] = {static_cast<char>(value), static_cast<char>(value >> 8)};
  commandElement(out, element, std::string_view(v, 2));
}
// Prefixes a command with (0000,0000) group length.
std::string withGroupLength(const std::string& elements) {
  std::string out;
  ByteWriter w(out);
  w.le16(0x0000);
  w.le16(0x0000);
  w.le32(4);
  w.le32(static_cast<uint32_t>(elements.size()));
  out += elements;
  return out;
}

void appendPdv(std::string& out, uint8_t context_id, uint8_t control, std::string_view data) {
  const size_t start = beginPdu(out, kPData);
  ByteWriter w(out);
  w.be32(static_cast<uint32_t>(data.size() + 2));
  w.u8(context_id);
  w.u8(control);
  w.bytes(data);
  finishPdu(out, start);
}

}  // namespace

void appendAssociateRq(std::string& out, const Association& a) {
  const size_t start = beginPdu(out, kAssociateRq);
  ByteWriter w(out);
  associateHeader(w, a);
  for (const PresentationContext& pc : a.contexts) {
    std::string body;
    ByteWriter b(body);
    b.u8(pc.id);
    b.zeros(3);
    item(b, kAbstractSyntax, pc.abstract_syntax);
    for (const std::string& ts : pc.transfer_syntaxes) item(b, kTransferSyntax, ts);
    item(w, kPresentationContextRq, body);
  }
  item(w, kUserInformation,
       userInformation(a.requestor_max_pdu, a.requestor_impl_uid, a.requestor_impl_version));
  finishPdu(out, start);
}

void appendAssociateAc(std::string& out, const Association& a) {
  const size_t start = beginPdu(out, kAssociateAc);
  ByteWriter w(out);
  associateHeader(w, a);
  for (const PresentationContext& pc : a.contexts) {
    std::string body;
    ByteWriter b(body);
    b.u8(pc.id);
    b.u8(0);
    b.u8(0);  // result: acceptance
    b.u8(0);
    item(b, kTransferSyntax, pc.transfer_syntaxes.front());
    item(w, kPresentationContextAc, body);
  }
  item(w, kUserInformation,
       userInformation(a.acceptor_max_pdu, a.acceptor_impl_uid, a.acceptor_impl_version));
  finishPdu(out, start);
}

void appendReleaseRq(std::string& out) {
  const size_t start = beginPdu(out, kReleaseRq);
  ByteWriter(out).zeros(4);
  finishPdu(out, start);
}

void appendReleaseRp(std::string& out) {
  const size_t start = beginPdu(out, kReleaseRp);
  ByteWriter(out).zeros(4);
  finishPdu(out, start);
}

void appendCStoreRq(std::string& out, uint8_t context_id, uint16_t message_id,
                    std::string_view sop_class, std::string_view sop_instance,
                    std::string_view dataset, uint32_t max_pdu) {
  std::string cmd;
  commandUid(cmd, 0x0002, sop_class);
  commandUs(cmd, 0x0100, kCStoreRq);
  commandUs(cmd, 0x0110, message_id);
  commandUs(cmd, 0x0700, 0);  // priority medium
  commandUs(cmd, 0x0800, kDataSetPresent);
  commandUid(cmd, 0x1000, sop_instance);
  appendPdv(out, context_id, kPdvCommand | kPdvLast, withGroupLength(cmd));
  // Each P-DATA-TF holds one PDV: 4 bytes item length + 2 bytes header within max_pdu.
  const size_t chunk = max_pdu - 6;
  for (size_t off = 0; off < dataset.size(); off += chunk) {
    const size_t n = dataset.size() - off < chunk ? dataset.size() - off : chunk;
    appendPdv(out, context_id, off + n == dataset.size() ? kPdvLast : 0, dataset.substr(off, n));
  }
}

void appendCStoreRsp(std::string& out, uint8_t context_id, uint16_t message_id,
                     std::string_view sop_class, std::string_view sop_instance) {
  std::string cmd;
  commandUid(cmd, 0x0002, sop_class);
  commandUs(cmd, 0x0100, kCStoreRsp);
  commandUs(cmd, 0x0120, message_id);
  commandUs(cmd, 0x0800, kNoDataSet);
  commandUs(cmd, 0x0900, 0x0000);  // success
  commandUid(cmd, 0x1000, sop_instance);
  appendPdv(out, context_id, kPdvCommand | kPdvLast, withGroupLength(cmd));
}

void DatasetWriter::text(uint16_t group, uint16_t element, std::string_view vr,
                         std::string_view value) {
  ByteWriter w(out_);
  w.le16(group);
  w.le16(element);
  w.bytes(vr.substr(0, 2));
  const bool odd = value.size() % 2 != 0;
  w.le16(static_cast<uint16_t>(value.size() + (odd ? 1 : 0)));
  w.bytes(value);
  if (odd) w.u8(vr == "UI" ? 0 : ' ');
}

void DatasetWriter::us(uint16_t group, uint16_t element, uint16_t value) {
  ByteWriter w(out_);
  w.le16(group);
  w.le16(element);
  w.bytes("US");
  w.le16(2);
  w.le16(value);
}

size_t DatasetWriter::binary(uint16_t group, uint16_t element, std::string_view vr, size_t length) {
  ByteWriter w(out_);
  w.le16(group);
  w.le16(element);
  w.bytes(vr.substr(0, 2));
  w.le16(0);
  w.le32(static_cast<uint32_t>(length));
  const size_t at = out_.size();
  out_.resize(at + length);
  return at;
}

}  // namespace medtap::simulate::dicom
