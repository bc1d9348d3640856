// The server certificate of a TLS <= 1.2 Certificate message (RFC 5246 section 7.4.2), parsed
// with OpenSSL's d2i_X509: the fields Suricata's EVE tls object reports.
#pragma once

#include <string>
#include <vector>

#include "core/bytes.h"

namespace medtap::analyzers::tls {

struct CertificateInfo {
  std::string subject, issuerdn;            // "C=US, O=Example, CN=host" (RFC 2253 escaping)
  std::string serial;                       // "0A:1B:..." uppercase hex bytes
  std::string fingerprint;                  // SHA-1 of the DER, "3a:5f:..." lowercase
  std::string notbefore, notafter;          // "2024-01-31T12:00:00" (UTC)
  std::vector<std::string> subjectaltname;  // DNS names and IP addresses
};

// The first (leaf) certificate's DER from a Certificate message body:
// certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. Empty when there is none or a length
// runs past the body.
Bytes firstCertificate(Bytes body);

// false when the DER does not parse.
bool parseCertificate(Bytes der, CertificateInfo& out);

}  // namespace medtap::analyzers::tls
