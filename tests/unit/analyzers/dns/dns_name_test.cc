#include "analyzers/dns/dns_name.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace medtap::analyzers::dns {
namespace {

NameResult read(const std::vector<uint8_t>& msg, size_t off, std::string& out) {
  return readName(Bytes(msg), off, out);
}

TEST(DnsName, PlainAndCompressed) {
  // "www.test" at 0, then "mail" + pointer to offset 4 ("test") at 10.
  const std::vector<uint8_t> m = {3, 'w', 'w', 'w', 4,   't', 'e',  's', 't',
                                  0, 4,   'm', 'a', 'i', 'l', 0xC0, 4};
  std::string name;
  auto r = read(m, 0, name);
  EXPECT_EQ(r.status, NameStatus::Ok);
  EXPECT_EQ(name, "www.test");
  EXPECT_EQ(r.end, 10u);
  r = read(m, 10, name);
  EXPECT_EQ(r.status, NameStatus::Ok);
  EXPECT_EQ(name, "mail.test");
  EXPECT_EQ(r.end, 17u);
}

TEST(DnsName, Root) {
  const std::vector<uint8_t> m = {0};
  std::string name;
  EXPECT_EQ(read(m, 0, name).status, NameStatus::Ok);
  EXPECT_EQ(name, "<root>");
}

TEST(DnsName, PointerToItselfIsALoop) {
  const std::vector<uint8_t> m = {0, 0, 0xC0, 2};
  std::string name;
  EXPECT_EQ(read(m, 2, name).status, NameStatus::PointerLoop);
}

TEST(DnsName, TwoPointersLoop) {
  // 0: "a" + pointer to 5; 5: pointer to 0 (back to before itself, but not below the last target).
  const std::vector<uint8_t> m = {1, 'a', 0xC0, 5, 0, 0xC0, 0};
  std::string name;
  const auto r = read(m, 0, name);
  EXPECT_NE(r.status, NameStatus::Ok);  // forward pointer at 2
  std::string n2;
  EXPECT_NE(read(m, 5, n2).status, NameStatus::Ok);  // 5 -> 0 -> 5: never followed twice
}

TEST(DnsName, ForwardPointer) {
  const std::vector<uint8_t> m = {0xC0, 4, 0, 0, 1, 'x', 0};
  std::string name;
  EXPECT_EQ(read(m, 0, name).status, NameStatus::ForwardPointer);
}

TEST(DnsName, LabelTypesAndLimits) {
  std::string name;
  EXPECT_EQ(read({0x40, 'a', 0}, 0, name).status, NameStatus::LabelTooLong);
  EXPECT_EQ(read({0x80, 'a', 0}, 0, name).status, NameStatus::LabelTooLong);
  EXPECT_EQ(read({3, 'a', 'b'}, 0, name).status, NameStatus::Truncated);
  EXPECT_EQ(read({0xC0}, 0, name).status, NameStatus::Truncated);
  EXPECT_EQ(read({}, 0, name).status, NameStatus::Truncated);
  // 5 labels of 63 bytes: 320 bytes on the wire.
  std::vector<uint8_t> longname;
  for (int i = 0; i < 5; ++i) {
    longname.push_back(63);
    longname.insert(longname.end(), 63, 'a');
  }
  longname.push_back(0);
  EXPECT_EQ(read(longname, 0, name).status, NameStatus::TooLong);
  // 127 one-byte labels fit in 255 bytes; a chain of pointers adding labels is bounded too.
  std::vector<uint8_t> many;
  for (int i = 0; i < 127; ++i) {
    many.push_back(1);
    many.push_back('x');
  }
  many.push_back(0);
  EXPECT_EQ(read(many, 0, name).status, NameStatus::Ok);
}

TEST(DnsName, EscapesOddBytes) {
  const std::vector<uint8_t> m = {3, 'a', '.', 0x07, 0};
  std::string name;
  EXPECT_EQ(read(m, 0, name).status, NameStatus::Ok);
  EXPECT_EQ(name, "a\\046\\007");
}

// Every 3-byte-or-shorter input, at every offset: ends, never hangs.
TEST(DnsName, ExhaustiveSmallInputsTerminate) {
  std::string name;
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 3) {
      const std::vector<uint8_t> m = {static_cast<uint8_t>(a), static_cast<uint8_t>(b), 0xC0, 0};
      for (size_t off = 0; off < m.size(); ++off) read(m, off, name);
    }
  }
  SUCCEED();
}

}  // namespace
}  // namespace medtap::analyzers::dns
