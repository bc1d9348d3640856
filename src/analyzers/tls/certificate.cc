#include "analyzers/tls/certificate.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>

#include "analyzers/tls/limits.h"

namespace medtap::analyzers::tls {

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

uint32_t read24(Bytes b, size_t off) {
  return (uint32_t{b[off]} << 16) | (uint32_t{b[off + 1]} << 8) | uint32_t{b[off + 2]};
}

std::string nameString(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || !name) return {};
  // "C=US, O=Example, CN=host": Suricata's order and separators; UTF-8 kept as is.
  const unsigned long flags =
      (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN;
  X509_NAME_print_ex(bio.get(), name, 0, flags);
  const char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0) return {};
  return std::string(data, static_cast<size_t>(std::min<long>(len, kMaxNameLength)));
}

std::string hexBytes(const unsigned char* p, size_t n, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 0xF]);
  }
  return out;
}

std::string timeString(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

void subjectAltNames(X509* x, std::vector<std::string>& out) {
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return;
  const int n = sk_GENERAL_NAME_num(names.get());
  for (int i = 0; i < n && out.size() < kMaxSubjectAltNames; ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
    if (g->type == GEN_DNS) {
      const ASN1_IA5STRING* s = g->d.dNSName;
      out.emplace_back(
          reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
          std::min<size_t>(static_cast<size_t>(ASN1_STRING_length(s)), kMaxNameLength));
    } else if (g->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = g->d.iPAddress;
      const unsigned char* p = ASN1_STRING_get0_data(s);
      if (ASN1_STRING_length(s) == 4) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
        out.emplace_back(buf);
      }
    }
  }
}

}  // namespace

Bytes firstCertificate(Bytes body) {
  if (body.size() < 3) return {};
  const size_t list = read24(body, 0);
  if (list > body.size() - 3 || list < 3) return {};
  const size_t len = read24(body, 3);
  if (len == 0 || len > list - 3) return {};
  return body.subspan(6, len);
}

bool parseCertificate(Bytes der, CertificateInfo& out) {
  const unsigned char* p = der.data();
  std::unique_ptr<X509, X509Free> x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) return false;
  out.subject = nameString(X509_get_subject_name(x.get()));
  out.issuerdn = nameString(X509_get_issuer_name(x.get()));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x.get());
  out.serial = hexBytes(ASN1_STRING_get0_data(serial),
                        static_cast<size_t>(ASN1_STRING_length(serial)), true);
  unsigned char sha1[EVP_MAX_MD_SIZE];
  unsigned int sha1_len = 0;
  EVP_Digest(der.data(), der.size(), sha1, &sha1_len, EVP_sha1(), nullptr);
  out.fingerprint = hexBytes(sha1, sha1_len, false);
  out.notbefore = timeString(X509_get0_notBefore(x.get()));
  out.notafter = timeString(X509_get0_notAfter(x.get()));
  out.subjectaltname.clear();
  subjectAltNames(x.get(), out.subjectaltname);
  return true;
}

}  // namespace medtap::analyzers::tls
