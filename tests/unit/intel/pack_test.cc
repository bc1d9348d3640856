// The pack loaders: each format read, every bad line an exact one-line error with its place,
// unsupported indicators counted, and a pack that fails leaves the set as it was.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "intel/pack.h"
#include "intel/stix_pattern.h"

namespace medtap::intel {
namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

std::string error(Result<ParsedPack> r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error();
}

constexpr std::string_view kZeek =
    "#separator \\x09\n"
    "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\tmeta.severity\n"
    "# a comment\n"
    "\n"
    "203.0.113.77\tIntel::ADDR\tfeed-a\tC2 server\thttps://example.org/r\t1\r\n"
    "2001:db8::/32\tIntel::SUBNET\tfeed-a\t-\t-\t-\n"
    "Medcloud-Sync.net\tIntel::DOMAIN\t-\tsync\t-\t3\n"
    "example.com/pm\tIntel::URL\tfeed-b\tpm export\t-\t-\n"
    "d41d8cd98f00b204e9800998ecf8427e\tIntel::FILE_HASH\tfeed-b\t-\t-\t-\n";

TEST(ZeekPack, ReadsEveryColumn) {
  auto r = parseZeek(kZeek, "feed.intel");
  ASSERT_TRUE(r.ok()) << r.error();
  const auto& v = r->indicators;
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].value, "203.0.113.77");
  EXPECT_EQ(v[0].type, IndicatorType::Addr);
  EXPECT_EQ(v[0].source, "feed-a");
  EXPECT_EQ(v[0].description, "C2 server; meta.url=https://example.org/r");
  EXPECT_EQ(v[0].severity, 1);
  EXPECT_EQ(v[0].pack, "feed.intel");
  EXPECT_EQ(v[1].value, "2001:db8::/32");
  EXPECT_EQ(v[1].description, "");
  EXPECT_EQ(v[1].severity, kDefaultSeverity);
  EXPECT_EQ(v[2].value, "medcloud-sync.net");
  EXPECT_EQ(v[2].source, "");
  EXPECT_EQ(v[2].severity, 3);
  EXPECT_EQ(v[3].value, "example.com/pm");
  EXPECT_EQ(r->unsupported, 1u);
  EXPECT_EQ(r->unsupported_kinds, "Intel::FILE_HASH");
}

TEST(ZeekPack, BadLinesAreOneLineErrorsWithTheirPlace) {
  const std::string h = "#fields\tindicator\tindicator_type\n";
  EXPECT_EQ(error(parseZeek("10.0.0.1\tIntel::ADDR\n", "f")),
            "f:1: data before the #fields header");
  EXPECT_EQ(error(parseZeek(h + "10.0.0.1\tIntel::ADDR\n10.0.0.2\n", "f")),
            "f:3: 1 fields; #fields names 2");
  EXPECT_EQ(error(parseZeek(h + "10.0.0.300\tIntel::ADDR\n", "f")),
            "f:2: '10.0.0.300' is not an IP address");
  EXPECT_EQ(error(parseZeek(h + "10.0.0.1\tIntel::ADRR\n", "f")),
            "f:2: unknown indicator_type 'Intel::ADRR'");
  EXPECT_EQ(error(parseZeek("#fields\tindicator\tmeta.source\n", "f")),
            "f:1: #fields must name indicator and indicator_type");
  EXPECT_EQ(error(parseZeek("#separator ,\n", "f")),
            "f:1: only the tab separator (#separator \\x09) is read");
  EXPECT_EQ(error(parseZeek("#fields\tindicator\tindicator_type\tmeta.severity\n"
                            "10.0.0.1\tIntel::ADDR\t4\n",
                            "f")),
            "f:2: meta.severity '4' is not 1, 2 or 3");
  EXPECT_EQ(error(parseZeek(h + std::string(70000, 'a') + "\n", "f")),
            "f:2: line longer than 65536 bytes (intel::kMaxFieldBytes)");
  EXPECT_EQ(error(parseZeek(h + std::string("a\0b\tIntel::DOMAIN\n", 17), "f")),
            "f:2: a NUL byte; not a text file");
}

TEST(CsvPack, ReadsTheDocumentedHeader) {
  auto r = parseCsv(
      "indicator,type,description,severity\r\n"
      "203.0.113.0/24,subnet,\"ACME, Inc. C2 range\",1\r\n"
      "telemetry.medcloud-sync.net,DOMAIN,,\r\n"
      "2001:db8::7,addr,v6 host,3\r\n",
      "feed.csv");
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->indicators.size(), 3u);
  EXPECT_EQ(r->indicators[0].value, "203.0.113.0/24");
  EXPECT_EQ(r->indicators[0].description, "ACME, Inc. C2 range");
  EXPECT_EQ(r->indicators[0].severity, 1);
  EXPECT_EQ(r->indicators[1].type, IndicatorType::Domain);
  EXPECT_EQ(r->indicators[1].severity, kDefaultSeverity);
  EXPECT_EQ(r->indicators[2].value, "2001:db8::7");
}

TEST(CsvPack, ColumnsInAnyOrderWithSource) {
  auto r = parseCsv("type,indicator,source\nurl,http://x.example/a,vendor\n", "f.csv");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->indicators[0].value, "x.example/a");
  EXPECT_EQ(r->indicators[0].source, "vendor");
}

TEST(CsvPack, BadLinesAreOneLineErrorsWithTheirPlace) {
  EXPECT_EQ(error(parseCsv("", "f")), "f:1: empty; a CSV pack starts with its header row");
  EXPECT_EQ(error(parseCsv("indicator,kind\n", "f")),
            "f:1: unknown column 'kind'; the header is "
            "indicator,type,description[,severity][,source]");
  EXPECT_EQ(error(parseCsv("indicator,description\n", "f")),
            "f:1: the header must name indicator and type");
  EXPECT_EQ(error(parseCsv("indicator,type\n10.0.0.1,addr\n10.0.0.2\n", "f")),
            "f:3: 1 fields; the header names 2");
  EXPECT_EQ(error(parseCsv("indicator,type\n10.0.0.1,ip\n", "f")),
            "f:2: type 'ip' is not addr, subnet, domain or url");
  EXPECT_EQ(error(parseCsv("indicator,type,severity\nexample.com,domain,high\n", "f")),
            "f:2: severity 'high' is not 1, 2 or 3");
  EXPECT_EQ(error(parseCsv("indicator,type\n\"example.com,domain\n", "f")),
            "f:2: a quoted field is never closed");
  // The first bad row is reported, not a later one.
  EXPECT_EQ(error(parseCsv("indicator,type\nx y,domain\n1.2.3.400,addr\n", "f")),
            "f:2: 'x y' is not a domain name");
}

TEST(StixPattern, TheSubsetAndNothingElse) {
  auto one = parseStixPattern("[ipv4-addr:value = '198.51.100.7']");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].type, IndicatorType::Addr);
  auto ors = parseStixPattern(
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24' OR domain-name:value = 'it\\'s.example'] OR "
      "[url:value = 'http://x.example/a'] OR [ipv6-addr:value = '2001:db8::/32']");
  ASSERT_TRUE(ors);
  ASSERT_EQ(ors->size(), 4u);
  EXPECT_EQ((*ors)[0].type, IndicatorType::Subnet);
  EXPECT_EQ((*ors)[1].value, "it's.example");
  EXPECT_EQ((*ors)[2].type, IndicatorType::Url);
  EXPECT_EQ((*ors)[3].type, IndicatorType::Subnet);
  for (const char* bad : {"[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'a.b']",
                          "[ipv4-addr:value = '1.2.3.4' AND domain-name:value = 'a.b']",
                          "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
                          "[ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS",
                          "[domain-name:value MATCHES '^a']", "[ipv4-addr:value = '1.2.3.4'",
                          "([ipv4-addr:value = '1.2.3.4'])", "", "[url:value = 'unterminated]"}) {
    EXPECT_FALSE(parseStixPattern(bad)) << bad;
  }
}

constexpr std::string_view kStix = R"({
  "type": "bundle",
  "id": "bundle--1",
  "objects": [
    {"type": "identity", "id": "identity--acme", "name": "ACME CERT"},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--a",
     "name": "Sync cloud", "description": "exfil endpoint", "created_by_ref": "identity--acme",
     "pattern_type": "stix", "x_medtap_severity": 1,
     "pattern": "[domain-name:value = 'telemetry.medcloud-sync.net'] OR [ipv4-addr:value = '203.0.113.77']"},
    {"type": "indicator", "id": "indicator--b", "pattern_type": "stix",
     "pattern": "[file:hashes.'SHA-256' = 'aa']"},
    {"type": "indicator", "id": "indicator--c", "pattern_type": "yara", "pattern": "rule x {}"},
    {"type": "indicator", "id": "indicator--d", "revoked": true,
     "pattern": "[ipv4-addr:value = '192.0.2.1']"},
    {"type": "ipv6-addr", "id": "ipv6-addr--e", "value": "2001:db8::/48"},
    {"type": "url", "id": "url--f", "value": "https://x.example/pm"},
    {"type": "relationship", "id": "relationship--g"}
  ]
})";

TEST(StixPack, IndicatorsAndBareObservables) {
  auto r = parseStix(kStix, "bundle.json");
  ASSERT_TRUE(r.ok()) << r.error();
  const auto& v = r->indicators;
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].value, "telemetry.medcloud-sync.net");
  EXPECT_EQ(v[0].name, "Sync cloud");
  EXPECT_EQ(v[0].source, "ACME CERT");
  EXPECT_EQ(v[0].description, "exfil endpoint");
  EXPECT_EQ(v[0].severity, 1);
  EXPECT_EQ(v[1].value, "203.0.113.77");
  EXPECT_EQ(v[1].name, "Sync cloud");
  EXPECT_EQ(v[2].type, IndicatorType::Subnet);
  EXPECT_EQ(v[2].value, "2001:db8::/48");
  EXPECT_EQ(v[2].name, "ipv6-addr--e");
  EXPECT_EQ(v[3].value, "x.example/pm");
  EXPECT_EQ(r->unsupported, 2u);
  EXPECT_EQ(r->unsupported_kinds, "pattern [file:hashes.'SHA-256' = 'aa'], pattern_type yara");
}

TEST(StixPack, BadObjectsAreOneLineErrorsWithTheirPlace) {
  EXPECT_EQ(error(parseStix("{\"type\": \"bundle\",\n \"objects\": [\n}", "b.json")),
            "b.json:3: not valid JSON: syntax error while parsing value - unexpected '}'; "
            "expected '[', '{', or a literal");
  EXPECT_EQ(error(parseStix("[1]", "b.json")),
            "b.json:1: not a STIX bundle (an object with \"type\": \"bundle\")");
  EXPECT_EQ(error(parseStix("{\"type\": \"bundle\", \"objects\": [\n"
                            "{\"type\": \"indicator\",\n \"id\": \"indicator--x\",\n"
                            " \"pattern\": \"[ipv4-addr:value = '1.2.3.999']\"}]}",
                            "b.json")),
            "b.json:3: indicator--x: '1.2.3.999' is not an IP address");
  EXPECT_EQ(error(parseStix("{\"type\": \"bundle\", \"objects\": [\n"
                            "{\"type\": \"indicator\", \"id\": \"indicator--y\"}]}",
                            "b.json")),
            "b.json:2: indicator--y: an indicator without a pattern string");
  EXPECT_EQ(error(parseStix(std::string(100, '[') + std::string(100, ']'), "b.json")),
            "b.json:1: JSON nested deeper than 64");
}

TEST(LoadPack, RecognisesTheFormatAndIsAllOrNothing) {
  EXPECT_EQ(detectFormat(kZeek), PackFormat::Zeek);
  EXPECT_EQ(detectFormat(" \n{\"type\": \"bundle\"}"), PackFormat::Stix);
  EXPECT_EQ(detectFormat("indicator,type\n"), PackFormat::Csv);
  IndicatorSet set;
  auto ok = loadPack(kZeek, "feed.intel", set);
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok->indicators, 4u);
  EXPECT_EQ(ok->warning,
            "feed.intel: 1 indicators skipped, of kinds medtap does not match (Intel::FILE_HASH)");
  // The good first row of a bad pack is not used.
  auto bad = loadPack("indicator,type\n192.0.2.1,addr\n192.0.2.x,addr\n", "bad.csv", set);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "bad.csv:3: '192.0.2.x' is not an IP address");
  EXPECT_EQ(set.size(), 4u);
  EXPECT_EQ(set.matchAddress(ip("192.0.2.1")), nullptr);
}

TEST(LoadPack, FileErrorsNameThePath) {
  IndicatorSet set;
  EXPECT_EQ(loadPackFile("/nonexistent/feed.csv", set).error(),
            "/nonexistent/feed.csv: No such file or directory");
  EXPECT_EQ(loadPackFile("/tmp", set).error(), "/tmp: not a regular file");
  const std::string path = testing::TempDir() + "/intel_pack_test.csv";
  std::ofstream(path) << "indicator,type\nexample.com,domian\n";
  EXPECT_EQ(loadPackFile(path, set).error(),
            path + ":2: type 'domian' is not addr, subnet, domain or url");
}

TEST(LoadPack, APackBeyondTheLimitIsRefused) {
  std::string text = "#fields\tindicator\tindicator_type\n";
  text.reserve(kMaxIndicators * 22);
  for (uint32_t i = 0; i <= kMaxIndicators; ++i) {
    text += IpAddress::v4(0x0a000000u + i).toString();
    text += "\tIntel::ADDR\n";
  }
  EXPECT_EQ(error(parseZeek(text, "big.intel")),
            "big.intel:1000002: more than 1000000 indicators (intel::kMaxIndicators)");
}

}  // namespace
}  // namespace medtap::intel
