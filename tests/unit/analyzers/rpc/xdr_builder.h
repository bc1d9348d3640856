// Builds synthetic RPC messages for the tests (no real hosts or people).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace medtap::analyzers::rpc::testing {

struct Xdr {
  std::string out;
  Xdr& u32(uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xFF));
    return *this;
  }
  Xdr& str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out.append(s);
    while (out.size() % 4 != 0) out.push_back('\0');
    return *this;
  }
  // Call header with AUTH_UNIX credentials from machine "testhost", uid/gid 1000.
  Xdr& call(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc) {
    u32(xid).u32(0).u32(2).u32(prog).u32(vers).u32(proc);
    Xdr cred;
    cred.u32(0).str("testhost").u32(1000).u32(1000).u32(0);
    u32(1).u32(static_cast<uint32_t>(cred.out.size()));
    out += cred.out;
    return u32(0).u32(0);  // verifier AUTH_NONE
  }
  Xdr& reply(uint32_t xid, uint32_t accept_stat = 0) {
    return u32(xid).u32(1).u32(0).u32(0).u32(0).u32(accept_stat);
  }
};

// One record, in fragments of at most `fragment` bytes.
inline std::string recordMarked(const std::string& message, size_t fragment = 1u << 30) {
  std::string out;
  size_t pos = 0;
  do {
    const size_t n = std::min(fragment, message.size() - pos);
    const bool last = pos + n == message.size();
    Xdr mark;
    mark.u32(static_cast<uint32_t>(n) | (last ? 0x80000000u : 0));
    out += mark.out;
    out.append(message, pos, n);
    pos += n;
  } while (pos < message.size());
  return out;
}

}  // namespace medtap::analyzers::rpc::testing
