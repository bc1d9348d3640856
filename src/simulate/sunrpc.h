// ONC RPC (RFC 5531) calls and replies for the Contec backdoor's mount: portmapper GETPORT
// (RFC 1833 3.2, program 100000 version 2), MOUNT v3 MNT/UMNT (RFC 1813 5.2, program 100005),
// and NFSv3 NULL, GETATTR, LOOKUP, ACCESS, READ, FSINFO (RFC 1813 3.3, program 100003), with
// AUTH_UNIX credentials. Over TCP each message carries a record mark (RFC 5531 11).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace medtap::simulate::rpc {

constexpr uint16_t kPortmapPort = 111;
constexpr uint16_t kNfsPort = 2049;
constexpr uint32_t kPortmapProgram = 100000;
constexpr uint32_t kMountProgram = 100005;
constexpr uint32_t kNfsProgram = 100003;
constexpr uint32_t kIpprotoUdp = 17;
constexpr uint32_t kIpprotoTcp = 6;

enum class PortmapProc : uint32_t { GetPort = 3 };
enum class MountProc : uint32_t { Mnt = 1, Umnt = 3 };
enum class NfsProc : uint32_t {
  Null = 0,
  GetAttr = 1,
  Lookup = 3,
  Access = 4,
  Read = 6,
  FsInfo = 19
};
enum class FileType : uint32_t { Regular = 1, Directory = 2 };

struct Call {
  uint32_t xid = 0;
  uint32_t program = 0;
  uint32_t version = 0;
  uint32_t procedure = 0;
  std::string_view machine;  // AUTH_UNIX machine name
  uint32_t stamp = 0;
};

// Opens a call or an accepted reply; append the arguments/results after it.
void appendCallHeader(std::string& out, const Call& c);
void appendReplyHeader(std::string& out, uint32_t xid);
// Prefixes a complete message at `start` with its record mark (last fragment).
void insertRecordMark(std::string& out, size_t start);

// XDR primitives.
void appendU32(std::string& out, uint32_t v);
void appendU64(std::string& out, uint64_t v);
void appendOpaque(std::string& out, std::string_view bytes);  // length + bytes + padding

struct Attributes {
  FileType type = FileType::Regular;
  uint32_t mode = 0755;
  uint64_t size = 0;
  uint64_t fileid = 0;
  uint32_t time_s = 0;
};
void appendFattr3(std::string& out, const Attributes& a);
void appendPostOpAttr(std::string& out, const Attributes& a);

// Argument and result bodies (after the headers).
void appendGetPortArgs(std::string& out, uint32_t program, uint32_t version, uint32_t protocol);
void appendGetPortResult(std::string& out, uint32_t port);
void appendMountResult(std::string& out, std::string_view fh);  // MNT3 OK, AUTH_UNIX allowed
void appendLookupResult(std::string& out, std::string_view fh, const Attributes& obj,
                        const Attributes& dir);
void appendReadResult(std::string& out, const Attributes& a, std::string_view data, bool eof);
void appendFsInfoResult(std::string& out, const Attributes& root);
void appendGetAttrResult(std::string& out, const Attributes& a);
void appendAccessResult(std::string& out, const Attributes& a, uint32_t granted);

}  // namespace medtap::simulate::rpc
