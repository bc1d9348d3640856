#include "privacy/phi_tokenizer.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

namespace medtap::privacy {
namespace {

TEST(PhiTokenizer, SameValueSameTokenAcrossSpellings) {
  auto t = PhiTokenizer::withSecret("test");
  auto a = t.token("Doe^John");
  EXPECT_EQ(a.size(), 19u);
  EXPECT_EQ(a.rfind("pt_", 0), 0u);
  EXPECT_EQ(a, t.token("DOE^JOHN "));
  EXPECT_NE(a, t.token("DOE^JANE"));
  EXPECT_EQ(t.token("   "), "");
  EXPECT_EQ(a.find("DOE"), std::string::npos);
}

TEST(PhiTokenizer, DifferentSecretsDifferentTokens) {
  EXPECT_NE(PhiTokenizer::withSecret("a").token("123456"),
            PhiTokenizer::withSecret("b").token("123456"));
  // Stable across runs for a given secret: golden files depend on it.
  EXPECT_EQ(PhiTokenizer::withSecret("medtap-golden").token("TEST^PATIENT1"),
            PhiTokenizer::withSecret("medtap-golden").token("test^patient1"));
}

TEST(PhiTokenizer, CreatesASecretFileOnceWithMode0600) {
  auto dir = std::filesystem::path(::testing::TempDir()) / "phi_secret_test";
  std::filesystem::remove_all(dir);
  auto path = (dir / "state" / "secret.key").string();
  auto first = PhiTokenizer::fromSecretFile(path);
  ASSERT_TRUE(first.ok()) << first.error();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, static_cast<off_t>(kSecretBytes));
  auto second = PhiTokenizer::fromSecretFile(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->token("X"), second->token("X"));  // the same secret is read back
  std::filesystem::remove_all(dir);
}

TEST(PhiTokenizer, RefusesAWorldReadableOrShortSecret) {
  auto dir = std::filesystem::path(::testing::TempDir()) / "phi_secret_bad";
  std::filesystem::create_directories(dir);
  auto path = (dir / "secret.key").string();
  { std::ofstream(path) << std::string(kSecretBytes, 'x'); }
  ::chmod(path.c_str(), 0644);
  auto open = PhiTokenizer::fromSecretFile(path);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.error().find("readable by others"), std::string::npos);
  { std::ofstream(path, std::ios::trunc) << "short"; }
  ::chmod(path.c_str(), 0600);
  auto short_secret = PhiTokenizer::fromSecretFile(path);
  ASSERT_FALSE(short_secret.ok());
  EXPECT_NE(short_secret.error().find("expected 32 bytes"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace medtap::privacy

namespace medtap::privacy {
namespace {

// The precomputed key schedule gives exactly OpenSSL's one-shot HMAC-SHA-256 (RFC 2104), keyed
// as withSecret keys it (SHA-256 of the test secret), over the normalised value.
TEST(PhiTokenizerHmac, EqualsOpenSslOneShotHmac) {
  const std::string secret = "golden-test-secret";
  uint8_t key[EVP_MAX_MD_SIZE];
  unsigned int key_len = 0;
  EVP_Digest(secret.data(), secret.size(), key, &key_len, EVP_sha256(), nullptr);
  const PhiTokenizer phi = PhiTokenizer::withSecret(secret);
  const PhiTokenizer copy = phi;  // copies share the schedule
  for (const std::string& value :
       std::vector<std::string>{"DOE^JOHN", "123456789", "19700101", std::string(300, 'X'), "A"}) {
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), key, static_cast<int>(key_len),
         reinterpret_cast<const uint8_t*>(value.data()), value.size(), mac, &mac_len);
    char hex[17];
    for (int i = 0; i < 8; ++i) std::snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    EXPECT_EQ(phi.token(value), std::string("pt_") + hex) << value;
    EXPECT_EQ(copy.token(value), phi.token(value));
  }
}

}  // namespace
}  // namespace medtap::privacy
