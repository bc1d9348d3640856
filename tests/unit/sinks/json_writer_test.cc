#include "sinks/json_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace medtap::sinks {
namespace {

std::string escaped(std::string_view s) {
  std::string out;
  JsonWriter::appendEscaped(out, s);
  return out;
}

TEST(JsonWriter, EscapesWhatJsonRequires) {
  EXPECT_EQ(escaped("plain"), "\"plain\"");
  EXPECT_EQ(escaped("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(escaped("MSH|^~\\&\r\n\t"), "\"MSH|^~\\\\&\\r\\n\\t\"");
  EXPECT_EQ(escaped(std::string_view("\x0b\x1c\x00", 3)), "\"\\u000b\\u001c\\u0000\"");
}

TEST(JsonWriter, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(escaped("Dr\xC3\xA4ger"), "\"Dr\xC3\xA4ger\"");        // ä
  EXPECT_EQ(escaped("\xF0\x9F\x92\x93"), "\"\xF0\x9F\x92\x93\"");  // 4-byte emoji
  EXPECT_EQ(escaped("a\xFF"
                    "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");                                                                // stray byte
  EXPECT_EQ(escaped("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // overlong '/'
  EXPECT_EQ(escaped("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
  EXPECT_EQ(escaped("\xE2\x82"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // cut short
}

TEST(JsonWriter, EveryByteStringGivesValidJson) {
  // All 256 byte values, and every 2-byte pair at the end of a string: the output always parses
  // and round-trips the ASCII part.
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  auto parsed = nlohmann::json::parse(escaped(all));
  EXPECT_TRUE(parsed.is_string());
  for (int a = 0x80; a < 256; ++a) {
    for (int b = 0; b < 256; b += 7) {
      std::string s = {'x', static_cast<char>(a), static_cast<char>(b)};
      EXPECT_NO_THROW((void)nlohmann::json::parse(escaped(s))) << a << " " << b;
    }
  }
}

TEST(JsonWriter, BuildsNestedDocuments) {
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  w.field("a", uint64_t{1});
  w.key("list");
  w.beginArray();
  w.string("x");
  w.number(int64_t{-2});
  w.beginObject();
  w.endObject();
  w.endArray();
  w.field("d", 1.5);
  w.key("nan");
  w.number(0.0 / 0.0);
  w.field("t", true);
  w.endObject();
  EXPECT_EQ(out, R"({"a":1,"list":["x",-2,{}],"d":1.5,"nan":null,"t":true})");
}

}  // namespace
}  // namespace medtap::sinks
