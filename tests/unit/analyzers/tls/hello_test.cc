// ClientHello / ServerHello parsing and the JA3, JA3S and JA4 fingerprints.
#include "analyzers/tls/hello.h"

#include <gtest/gtest.h>

#include "tls_builder.h"

namespace medtap::analyzers::tls {
namespace {

TEST(TlsGrease, Values) {
  EXPECT_TRUE(isGrease(0x0a0a));
  EXPECT_TRUE(isGrease(0xfafa));
  EXPECT_FALSE(isGrease(0x0a1a));
  EXPECT_FALSE(isGrease(0x1301));
}

TEST(TlsClientHello, ParsesAndFingerprints) {
  const std::string body = testing::clientHelloBody("pacs.example", "h2");
  const auto ch = parseClientHello(asBytes(body));
  ASSERT_TRUE(ch);
  EXPECT_EQ(ch->sni, "pacs.example");
  EXPECT_EQ(ch->alpn, std::vector<std::string>{"h2"});
  EXPECT_EQ(ch->legacy_version, 0x0303);
  // GREASE removed from every JA3 list.
  EXPECT_EQ(ja3String(*ch), "771,4865-49195-47,0-10-11-13-16-43,29-23,0");
  EXPECT_EQ(md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  // JA4: TLS 1.3 from supported_versions, SNI present, 3 suites, 6 extensions, ALPN "h2".
  EXPECT_EQ(ja4CipherString(*ch), "002f,1301,c02b");
  EXPECT_EQ(ja4ExtensionString(*ch), "000a,000b,000d,002b_0403,0804");
  EXPECT_EQ(ja4(*ch), "t13d0306h2_" + sha256Hex12("002f,1301,c02b") + "_" +
                          sha256Hex12("000a,000b,000d,002b_0403,0804"));
}

// The worked example of the FoxIO JA4 specification (technical_details/JA4.md):
// t13d1516h2_8daaf6152771_e5627efa2ab1.
TEST(TlsJa4, SpecificationExample) {
  ClientHello ch;
  ch.legacy_version = 0x0303;
  ch.supported_versions = {0x0304, 0x0303};
  ch.ciphers = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
  ch.extensions = {0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d,
                   0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015};
  ch.signature_algorithms = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
  ch.alpn = {"h2", "http/1.1"};
  EXPECT_EQ(ja4CipherString(ch),
            "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9");
  EXPECT_EQ(ja4ExtensionString(ch),
            "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,"
            "0401,0503,0805,0501,0806,0601");
  EXPECT_EQ(ja4(ch), "t13d1516h2_8daaf6152771_e5627efa2ab1");
}

TEST(TlsJa4, NoAlpnNoSniNoExtensions) {
  ClientHello ch;
  ch.legacy_version = 0x0301;
  ch.ciphers = {0x002f};
  EXPECT_EQ(ja4(ch), "t10i010000_" + sha256Hex12("002f") + "_000000000000");
  ch.alpn = {"\xab\xcd"};
  ch.extensions = {0x0010};
  EXPECT_EQ(ja4(ch).substr(0, 10), "t10i0101ad");  // non-alphanumeric ALPN: hex nibbles
}

TEST(TlsServerHello, ParsesAndFingerprints) {
  const std::string body = testing::serverHelloBody(0x0304);
  const auto sh = parseServerHello(asBytes(body));
  ASSERT_TRUE(sh);
  EXPECT_EQ(sh->version(), 0x0304);
  EXPECT_EQ(sh->cipher, 0xc02b);
  EXPECT_EQ(ja3sString(*sh), "771,49195,65281-43");
  EXPECT_EQ(versionName(sh->version()), "TLS 1.3");
  EXPECT_EQ(versionName(0x0301), "TLSv1");
}

TEST(TlsClientHello, TruncatedAtEveryLength) {
  const std::string body = testing::clientHelloBody("pacs.example", "h2");
  for (size_t n = 0; n < body.size(); ++n) {
    // Never reads past the end; short of the extensions block it is malformed.
    (void)parseClientHello(asBytes(std::string_view(body).substr(0, n)));
  }
  EXPECT_FALSE(parseClientHello(asBytes(std::string_view(body).substr(0, 20))));
}

}  // namespace
}  // namespace medtap::analyzers::tls
