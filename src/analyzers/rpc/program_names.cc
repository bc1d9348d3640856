#include <array>
#include <cstdint>
#include <string_view>

#include "analyzers/rpc/limits.h"
#include "analyzers/rpc/programs.h"

namespace medtap::analyzers::rpc {

namespace {

template <size_t N>
std::string_view nameAt(const std::array<std::string_view, N>& names, uint32_t i) {
  return i < N ? names[i] : std::string_view{};
}

// RFC 1833 section 3.2 (portmapper v2) and section 2.2 (rpcbind v3 and v4).
constexpr std::array<std::string_view, 6> kPortmapV2 = {"NULL",    "SET",  "UNSET",
                                                        "GETPORT", "DUMP", "CALLIT"};
constexpr std::array<std::string_view, 13> kRpcbindV4 = {
    "NULL",        "SET",         "UNSET",       "GETADDR",  "DUMP",        "BCAST",  "GETTIME",
    "UADDR2TADDR", "TADDR2UADDR", "GETVERSADDR", "INDIRECT", "GETADDRLIST", "GETSTAT"};
// MOUNT v1/v2 (RFC 1094 appendix A) and v3 (RFC 1813 appendix I).
constexpr std::array<std::string_view, 8> kMount = {"NULL",    "MNT",    "DUMP",      "UMNT",
                                                    "UMNTALL", "EXPORT", "EXPORTALL", "PATHCONF"};
// NFSv2 (RFC 1094 section 2.2).
constexpr std::array<std::string_view, 18> kNfs2 = {
    "NULL",   "GETATTR", "SETATTR", "ROOT", "LOOKUP",  "READLINK", "READ",  "WRITECACHE", "WRITE",
    "CREATE", "REMOVE",  "RENAME",  "LINK", "SYMLINK", "MKDIR",    "RMDIR", "READDIR",    "STATFS"};
// NFSv3 (RFC 1813 section 3).
constexpr std::array<std::string_view, 22> kNfs3 = {
    "NULL",    "GETATTR",     "SETATTR", "LOOKUP", "ACCESS",   "READLINK", "READ",   "WRITE",
    "CREATE",  "MKDIR",       "SYMLINK", "MKNOD",  "REMOVE",   "RMDIR",    "RENAME", "LINK",
    "READDIR", "READDIRPLUS", "FSSTAT",  "FSINFO", "PATHCONF", "COMMIT"};
// NFSv4 operations (RFC 7530 section 16 for 3..39, RFC 8881 section 18 for 40..58, RFC 7862).
constexpr std::array<std::string_view, 76> kNfs4Ops = {
    "",
    "",
    "",
    "ACCESS",
    "CLOSE",
    "COMMIT",
    "CREATE",
    "DELEGPURGE",
    "DELEGRETURN",
    "GETATTR",
    "GETFH",
    "LINK",
    "LOCK",
    "LOCKT",
    "LOCKU",
    "LOOKUP",
    "LOOKUPP",
    "NVERIFY",
    "OPEN",
    "OPENATTR",
    "OPEN_CONFIRM",
    "OPEN_DOWNGRADE",
    "PUTFH",
    "PUTPUBFH",
    "PUTROOTFH",
    "READ",
    "READDIR",
    "READLINK",
    "REMOVE",
    "RENAME",
    "RENEW",
    "RESTOREFH",
    "SAVEFH",
    "SECINFO",
    "SETATTR",
    "SETCLIENTID",
    "SETCLIENTID_CONFIRM",
    "VERIFY",
    "WRITE",
    "RELEASE_LOCKOWNER",
    "BACKCHANNEL_CTL",
    "BIND_CONN_TO_SESSION",
    "EXCHANGE_ID",
    "CREATE_SESSION",
    "DESTROY_SESSION",
    "FREE_STATEID",
    "GET_DIR_DELEGATION",
    "GETDEVICEINFO",
    "GETDEVICELIST",
    "LAYOUTCOMMIT",
    "LAYOUTGET",
    "LAYOUTRETURN",
    "SECINFO_NO_NAME",
    "SEQUENCE",
    "SET_SSV",
    "TEST_STATEID",
    "WANT_DELEGATION",
    "DESTROY_CLIENTID",
    "RECLAIM_COMPLETE",
    "ALLOCATE",
    "COPY",
    "COPY_NOTIFY",
    "DEALLOCATE",
    "IO_ADVISE",
    "LAYOUTERROR",
    "LAYOUTSTATS",
    "OFFLOAD_CANCEL",
    "OFFLOAD_STATUS",
    "READ_PLUS",
    "SEEK",
    "WRITE_SAME",
    "CLONE",
    "GETXATTR",
    "SETXATTR",
    "LISTXATTRS",
    "REMOVEXATTR",
};

}  // namespace

std::string_view programName(uint32_t program) {
  switch (program) {
    case kProgPortmap:
      return "portmap";
    case kProgNfs:
      return "nfs";
    case kProgMount:
      return "mount";
    case 100011:
      return "rquotad";
    case 100021:
      return "nlockmgr";
    case 100024:
      return "status";
    case 100227:
      return "nfs_acl";
    default:
      return {};
  }
}

std::string_view procedureName(uint32_t program, uint32_t version, uint32_t procedure) {
  switch (program) {
    case kProgPortmap:
      return version <= 2 ? nameAt(kPortmapV2, procedure) : nameAt(kRpcbindV4, procedure);
    case kProgMount:
      return nameAt(kMount, procedure);
    case kProgNfs:
      if (version == 2) return nameAt(kNfs2, procedure);
      if (version == 3) return nameAt(kNfs3, procedure);
      if (version == 4) return procedure == 0 ? "NULL" : procedure == 1 ? "COMPOUND" : "";
      return {};
    default:
      return procedure == 0 ? "NULL" : "";
  }
}

std::string_view nfs4OpName(uint32_t op) {
  if (op == 10044) return "ILLEGAL";
  return nameAt(kNfs4Ops, op);
}

}  // namespace medtap::analyzers::rpc
