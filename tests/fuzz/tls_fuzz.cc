// Fuzz target for the TLS analyzer and the hello parsers: the input, cut into chunks of a size
// taken from its first byte, is fed as both directions of one connection; the hello parsers
// and the certificate parser also get it raw.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "analyzers/tls/certificate.h"
#include "analyzers/tls/hello.h"
#include "analyzers/tls/limits.h"
#include "analyzers/tls/tls_analyzer.h"
#include "fuzz_support.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

using fuzz::check;

class Sink : public events::EventSink {
 public:
  void emit(const events::Event& e) override {
    const auto* t = std::get_if<events::TlsHandshake>(&e.body);
    check(t != nullptr);
    check(t->sni.size() <= tls::kMaxNameLength);
    check(t->alpn_ts.size() <= tls::kMaxAlpnValues);
    check(t->subjectaltname.size() <= tls::kMaxSubjectAltNames);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = size_t{data[0]} + 1;
  const Bytes bytes(data + 1, size - 1);
  tls::probe(bytes, flow::Direction::Originator);
  if (const auto ch = tls::parseClientHello(bytes)) {
    tls::ja3String(*ch);
    tls::ja4(*ch);
  }
  if (const auto sh = tls::parseServerHello(bytes)) tls::ja3sString(*sh);
  tls::CertificateInfo info;
  tls::parseCertificate(bytes, info);

  static const auto phi = privacy::PhiTokenizer::withSecret("fuzz");
  Sink sink;
  AnomalyCounters anomalies;
  events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  tls::TlsAnalyzer analyzer;
  fuzz::feedBothWays(analyzer, ctx, bytes, chunk);
  analyzer.end(ctx, flow::Direction::Originator, Timestamp{});
  analyzer.end(ctx, flow::Direction::Responder, Timestamp{});
  return 0;
}
