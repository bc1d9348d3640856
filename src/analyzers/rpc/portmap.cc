// portmapper v2 (RFC 1833 section 3) and rpcbind v3/v4 (RFC 1833 section 2): the program a
// client asks for and the port the server answers with.
#include <charconv>

#include "analyzers/rpc/limits.h"
#include "analyzers/rpc/programs.h"
#include "analyzers/rpc/xdr_reader.h"

namespace medtap::analyzers::rpc {

namespace {

constexpr uint32_t kSet = 1, kUnset = 2, kGetport = 3, kCallit = 5;  // v2; GETADDR = 3 in v3/v4
constexpr uint32_t kGetversaddr = 9;                                 // v4
// RFC 1833 section 2.1: r_netid, r_addr and r_owner are strings without a stated maximum; real
// ones are a few dozen bytes.
constexpr size_t kMaxRpcbString = 1024;

bool isV2(uint32_t version) {
  return version <= 2;
}

}  // namespace

bool portFromUniversalAddress(std::string_view uaddr, uint32_t& port) {
  // The last two dot-separated decimal parts are the port's high and low bytes.
  const size_t last = uaddr.rfind('.');
  if (last == std::string_view::npos || last == 0) return false;
  const size_t prev = uaddr.rfind('.', last - 1);
  if (prev == std::string_view::npos) return false;
  unsigned hi = 0, lo = 0;
  const std::string_view h = uaddr.substr(prev + 1, last - prev - 1);
  const std::string_view l = uaddr.substr(last + 1);
  if (std::from_chars(h.data(), h.data() + h.size(), hi).ptr != h.data() + h.size() || h.empty() ||
      std::from_chars(l.data(), l.data() + l.size(), lo).ptr != l.data() + l.size() || l.empty() ||
      hi > 255 || lo > 255) {
    return false;
  }
  port = hi * 256 + lo;
  return true;
}

bool parsePortmapCall(uint32_t version, uint32_t procedure, Bytes args,
                      events::RpcTransaction& out) {
  XdrReader r(args);
  if (isV2(version)) {
    if (procedure != kSet && procedure != kUnset && procedure != kGetport && procedure != kCallit) {
      return true;
    }
    // struct mapping {prog, vers, prot, port}, or call_args {prog, vers, proc, args}.
    out.portmap_program = r.u32();
    out.portmap_version = r.u32();
  } else {
    if (procedure != kSet && procedure != kUnset && procedure != kGetport &&
        procedure != kGetversaddr) {
      return true;
    }
    // struct rpcb {prog, vers, netid, addr, owner}.
    out.portmap_program = r.u32();
    out.portmap_version = r.u32();
    r.string(kMaxRpcbString);
  }
  if (!r.ok()) {
    out.portmap_program.reset();
    out.portmap_version.reset();
  }
  return r.ok();
}

bool parsePortmapReply(uint32_t version, uint32_t procedure, Bytes results,
                       events::RpcTransaction& out) {
  XdrReader r(results);
  if (isV2(version)) {
    if (procedure != kGetport && procedure != kCallit) return true;
    const uint32_t port = r.u32();
    if (r.ok()) out.portmap_port = port;
    return r.ok();
  }
  if (procedure != kGetport && procedure != kGetversaddr) return true;
  const std::string_view uaddr = r.string(kMaxRpcbString);
  if (!r.ok()) return false;
  uint32_t port = 0;
  if (uaddr.empty()) {
    out.portmap_port = 0;  // not registered
  } else if (portFromUniversalAddress(uaddr, port)) {
    out.portmap_port = port;
  } else {
    return false;
  }
  return true;
}

}  // namespace medtap::analyzers::rpc
