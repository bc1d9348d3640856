// MOUNT v1/v2 (RFC 1094 appendix A) and v3 (RFC 1813 appendix I): the export path of MNT and
// UMNT, and MNT's reply status and file handle length. The Contec CMS8000 backdoor mounts
// 202.114.4.119:/pm (DOMAIN.md), so the path is what detectors look at.
#include "analyzers/rpc/limits.h"
#include "analyzers/rpc/programs.h"
#include "analyzers/rpc/xdr_reader.h"

namespace medtap::analyzers::rpc {

namespace {

constexpr uint32_t kMnt = 1, kUmnt = 3;
constexpr size_t kMaxFhandle3 = 64;  // RFC 1813 appendix I: FHSIZE3

}  // namespace

bool parseMountCall(uint32_t /*version*/, uint32_t procedure, Bytes args,
                    events::RpcTransaction& out) {
  if (procedure != kMnt && procedure != kUmnt) return true;
  XdrReader r(args);
  const std::string_view path = r.string(kMaxMountPath);
  if (!r.ok()) return false;
  out.mount_path.assign(path);
  return true;
}

bool parseMountReply(uint32_t version, uint32_t procedure, Bytes results,
                     events::RpcTransaction& out) {
  if (procedure != kMnt) return true;
  XdrReader r(results);
  const uint32_t status = r.u32();
  if (!r.ok()) return false;
  out.mount_status = status;
  if (status != 0) return true;
  if (version >= 3) {
    const Bytes fh = r.opaque(kMaxFhandle3);  // mountres3_ok: fhandle3, auth_flavors<>
    if (!r.ok()) return false;
    out.mount_fh_length = static_cast<uint32_t>(fh.size());
  } else {
    r.fixedOpaque(kNfs2FhSize);  // fhstatus: fhandle[FHSIZE = 32]
    if (!r.ok()) return false;
    out.mount_fh_length = static_cast<uint32_t>(kNfs2FhSize);
  }
  return true;
}

}  // namespace medtap::analyzers::rpc
