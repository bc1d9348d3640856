#include "simulate/sunrpc.h"

#include "simulate/byte_writer.h"

namespace medtap::simulate::rpc {

namespace {
constexpr uint32_t kCall = 0;
constexpr uint32_t kReply = 1;
constexpr uint32_t kRpcVersion = 2;
constexpr uint32_t kAuthNone = 0;
constexpr uint32_t kAuthUnix = 1;
constexpr uint32_t kMsgAccepted = 0;
constexpr uint32_t kSuccess = 0;
constexpr uint32_t kNfs3Ok = 0;
constexpr uint32_t kLastFragment = 0x80000000;
}  // namespace

void appendU32(std::string& out, uint32_t v) {
  ByteWriter(out).be32(v);
}
void appendU64(std::string& out, uint64_t v) {
  ByteWriter(out).be64(v);
}

void appendOpaque(std::string& out, std::string_view bytes) {
  appendU32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
  out.append((4 - bytes.size() % 4) % 4, '\0');
}

void appendCallHeader(std::string& out, const Call& c) {
  appendU32(out, c.xid);
  appendU32(out, kCall);
  appendU32(out, kRpcVersion);
  appendU32(out, c.program);
  appendU32(out, c.version);
  appendU32(out, c.procedure);
  // AUTH_UNIX (RFC 5531 A.2): stamp, machine name, uid 0, gid 0, no extra groups: the
  // firmware runs as root.
  std::string cred;
  appendU32(cred, c.stamp);
  appendOpaque(cred, c.machine);
  appendU32(cred, 0);
  appendU32(cred, 0);
  appendU32(cred, 0);
  appendU32(out, kAuthUnix);
  appendOpaque(out, cred);
  appendU32(out, kAuthNone);
  appendU32(out, 0);
}

void appendReplyHeader(std::string& out, uint32_t xid) {
  appendU32(out, xid);
  appendU32(out, kReply);
  appendU32(out, kMsgAccepted);
  appendU32(out, kAuthNone);
  appendU32(out, 0);
  appendU32(out, kSuccess);
}

void insertRecordMark(std::string& out, size_t start) {
  const uint32_t len = static_cast<uint32_t>(out.size() - start);
  std::string mark;
  appendU32(mark, kLastFragment | len);
  out.insert(start, mark);
}

void appendFattr3(std::string& out, const Attributes& a) {
  appendU32(out, static_cast<uint32_t>(a.type));
  appendU32(out, a.mode);
  appendU32(out, a.type == FileType::Directory ? 2 : 1);  // nlink
  appendU32(out, 0);                                      // uid
  appendU32(out, 0);                                      // gid
  appendU64(out, a.size);
  appendU64(out, (a.size + 4095) / 4096 * 4096);  // used
  appendU32(out, 0);                              // rdev
  appendU32(out, 0);
  appendU64(out, 0x0000000000000803ULL);  // fsid
  appendU64(out, a.fileid);
  for (int i = 0; i < 3; ++i) {  // atime, mtime, ctime
    appendU32(out, a.time_s);
    appendU32(out, 0);
  }
}

void appendPostOpAttr(std::string& out, const Attributes& a) {
  appendU32(out, 1);  // attributes_follow
  appendFattr3(out, a);
}

void appendGetPortArgs(std::string& out, uint32_t program, uint32_t version, uint32_t protocol) {
  appendU32(out, program);
  appendU32(out, version);
  appendU32(out, protocol);
  appendU32(out, 0);
}

void appendGetPortResult(std::string& out, uint32_t port) {
  appendU32(out, port);
}

void appendMountResult(std::string& out, std::string_view fh) {
  appendU32(out, 0);  // MNT3_OK
  appendOpaque(out, fh);
  appendU32(out, 1);  // one auth flavor
  appendU32(out, kAuthUnix);
}

void appendLookupResult(std::string& out, std::string_view fh, const Attributes& obj,
                        const Attributes& dir) {
  appendU32(out, kNfs3Ok);
  appendOpaque(out, fh);
  appendPostOpAttr(out, obj);
  appendPostOpAttr(out, dir);
}

void appendReadResult(std::string& out, const Attributes& a, std::string_view data, bool eof) {
  appendU32(out, kNfs3Ok);
  appendPostOpAttr(out, a);
  appendU32(out, static_cast<uint32_t>(data.size()));
  appendU32(out, eof ? 1 : 0);
  appendOpaque(out, data);
}

void appendFsInfoResult(std::string& out, const Attributes& root) {
  appendU32(out, kNfs3Ok);
  appendPostOpAttr(out, root);
  appendU32(out, 32768);  // rtmax
  appendU32(out, 32768);  // rtpref
  appendU32(out, 4096);   // rtmult
  appendU32(out, 32768);  // wtmax
  appendU32(out, 32768);  // wtpref
  appendU32(out, 4096);   // wtmult
  appendU32(out, 4096);   // dtpref
  appendU64(out, 0x7FFFFFFFFFFFFFFFULL);
  appendU32(out, 0);  // time_delta
  appendU32(out, 1);
  appendU32(out, 0x1B);  // FSF3_LINK | SYMLINK | HOMOGENEOUS | CANSETTIME
}

void appendGetAttrResult(std::string& out, const Attributes& a) {
  appendU32(out, kNfs3Ok);
  appendFattr3(out, a);
}

void appendAccessResult(std::string& out, const Attributes& a, uint32_t granted) {
  appendU32(out, kNfs3Ok);
  appendPostOpAttr(out, a);
  appendU32(out, granted);
}

}  // namespace medtap::simulate::rpc
