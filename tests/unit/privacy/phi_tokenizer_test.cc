#include "privacy/phi_tokenizer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

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
