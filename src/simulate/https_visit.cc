#include "simulate/https_visit.h"

#include "simulate/byte_writer.h"
#include "simulate/tcp_session.h"

namespace medtap::simulate {

Timestamp httpsVisit(World& w, Rng& rng, Host& client, Host& server, const HttpsVisit& v,
                     Timestamp t) {
  TcpSession s(w.net(), w.frames(), rng, client, server, 443, v.loss);
  Timestamp at = s.connect(t);
  std::string buf;
  tls::appendClientHello(buf, rng, v.sni, v.kind);
  at = s.send(Dir::ToServer, bytesOf(buf), at, AckPolicy::Piggyback);
  buf.clear();
  tls::appendServerHello(buf, rng);
  tls::appendChangeCipherSpec(buf);
  // EncryptedExtensions, Certificate (a 2-3 certificate chain), CertificateVerify, Finished.
  tls::appendApplicationData(buf, rng, static_cast<size_t>(rng.range(2600, 5200)));
  at = s.send(Dir::ToClient, bytesOf(buf), at + microseconds(rng.range(300, 2500)),
              AckPolicy::Piggyback);
  for (int i = 0; i < v.requests; ++i) {
    buf.clear();
    if (i == 0) {
      tls::appendChangeCipherSpec(buf);
      tls::appendApplicationData(buf, rng, 36);  // client Finished
    }
    tls::appendApplicationData(buf, rng, v.request_bytes + static_cast<size_t>(rng.range(0, 400)));
    at = s.send(Dir::ToServer, bytesOf(buf), at + microseconds(rng.range(200, 3000)),
                AckPolicy::Piggyback);
    buf.clear();
    const auto response = static_cast<size_t>(
        rng.range(static_cast<int64_t>(v.response_min), static_cast<int64_t>(v.response_max)));
    tls::appendApplicationData(buf, rng, response);
    at = s.send(Dir::ToClient, bytesOf(buf), at + milliseconds(rng.range(2, 60)),
                AckPolicy::Immediate);
    // Think time between requests on the same connection (page assets, an API poll).
    at = at + milliseconds(rng.range(20, 1500));
  }
  return s.close(Dir::ToClient, at + milliseconds(rng.range(50, 400)));
}

}  // namespace medtap::simulate
