// The Contec indicators as a Zeek intel file (Zeek's frameworks/intel, Intel::read_files) and as
// a STIX 2.1 bundle (OASIS STIX 2.1). medtap's own pack loader reads both back (tests).
#include <openssl/sha.h>

#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "remediate/contec.h"
#include "remediate/export.h"

namespace medtap::remediate {

namespace {

// STIX 2.1 2.9: the namespace for deterministic identifiers.
constexpr std::array<uint8_t, 16> kStixNamespace = {0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
                                                    0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7};

// A Zeek intel field: tabs and line breaks would split it, "-" alone means unset.
std::string zeekField(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
  return out.empty() ? "-" : out;
}

std::string_view zeekType(intel::IndicatorType t) {
  switch (t) {
    case intel::IndicatorType::Addr:
      return "Intel::ADDR";
    case intel::IndicatorType::Subnet:
      return "Intel::SUBNET";
    case intel::IndicatorType::Domain:
      return "Intel::DOMAIN";
    case intel::IndicatorType::Url:
      return "Intel::URL";
  }
  return "Intel::ADDR";
}

// A STIX pattern for an indicator (STIX 2.1 9): a network with ISSUBSET, anything else by value.
std::string stixPattern(const intel::Indicator& ind) {
  const bool v6 = ind.value.find(':') != std::string::npos;
  switch (ind.type) {
    case intel::IndicatorType::Addr:
      return fmt::format("[{}:value = '{}']", v6 ? "ipv6-addr" : "ipv4-addr", ind.value);
    case intel::IndicatorType::Subnet:
      return fmt::format("[{}:value ISSUBSET '{}']", v6 ? "ipv6-addr" : "ipv4-addr", ind.value);
    case intel::IndicatorType::Domain:
      return fmt::format("[domain-name:value = '{}']", ind.value);
    case intel::IndicatorType::Url:
      return fmt::format("[url:value = 'http://{}']", ind.value);
  }
  return "";
}

using Json = nlohmann::ordered_json;

Json externalReference(const ContecFacts& c) {
  return {{"source_name", c.advisory_id}, {"url", c.advisory_url}};
}

}  // namespace

std::string uuid5(std::string_view name) {
  std::string input(kStixNamespace.begin(), kStixNamespace.end());
  input.append(name);
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50);  // version 5
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // the RFC variant
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out += fmt::format("{:02x}", digest[i]);
  }
  return out;
}

std::string zeekIntel() {
  const ContecFacts& contec = contecFacts();
  std::string out =
      fmt::format("#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n");
  for (const intel::Indicator* ind : contec.indicators) {
    out +=
        fmt::format("{}\t{}\t{}\t{}\t{}\n", ind->value, zeekType(ind->type), zeekField(ind->source),
                    zeekField(ind->description), zeekField(contec.advisory_url));
  }
  return out;
}

std::string stixBundle() {
  const ContecFacts& c = contecFacts();
  const std::string created = c.initial_release, modified = c.current_release;
  Json objects = Json::array();
  auto sdo = [&](std::string_view type, std::string_view key) {
    Json o;
    o["type"] = type;
    o["spec_version"] = "2.1";
    o["id"] = fmt::format("{}--{}", type, uuid5(fmt::format("medtap:{}:{}", type, key)));
    o["created"] = created;
    o["modified"] = modified;
    return o;
  };

  Json infra = sdo("infrastructure", "contec-cms8000-hard-coded-network");
  infra["name"] = "Contec CMS8000 hard-coded network";
  infra["description"] =
      "Addresses the Contec CMS8000 firmware sends patient data to and mounts an NFS share from "
      "(" +
      c.advisory_id + ").";
  infra["infrastructure_types"] = {"exfiltration"};
  infra["external_references"] = Json::array({externalReference(c)});
  objects.push_back(infra);

  std::vector<std::string> vulnerability_ids;
  for (const ContecCve& cve : c.cves) {
    Json v = sdo("vulnerability", cve.id);
    v["name"] = cve.id;
    if (!cve.title.empty()) v["description"] = cve.title;
    Json refs = Json::array({{{"source_name", "cve"}, {"external_id", cve.id}}});
    if (!cve.cwe.empty()) refs.push_back({{"source_name", "cwe"}, {"external_id", cve.cwe}});
    refs.push_back(externalReference(c));
    v["external_references"] = refs;
    vulnerability_ids.push_back(v["id"]);
    objects.push_back(v);
  }

  auto relationship = [&](const std::string& type, const std::string& from, const std::string& to) {
    Json r = sdo("relationship", type + ":" + from + ":" + to);
    r["relationship_type"] = type;
    r["source_ref"] = from;
    r["target_ref"] = to;
    return r;
  };
  std::vector<Json> relationships;
  for (const intel::Indicator* ind : c.indicators) {
    Json i = sdo("indicator", ind->value);
    i["name"] = ind->name.empty() ? ind->value : ind->name;
    i["description"] = ind->description;
    i["indicator_types"] = {"malicious-activity"};
    i["pattern"] = stixPattern(*ind);
    i["pattern_type"] = "stix";
    i["valid_from"] = created;
    i["external_references"] = Json::array({externalReference(c)});
    relationships.push_back(relationship("indicates", i["id"], infra["id"]));
    objects.push_back(i);
  }
  for (const auto& v : vulnerability_ids) {
    relationships.push_back(relationship("related-to", infra["id"], v));
  }
  for (auto& r : relationships) objects.push_back(std::move(r));

  Json bundle;
  bundle["type"] = "bundle";
  bundle["id"] = "bundle--" + uuid5("medtap:bundle:" + c.advisory_id + ":" + modified);
  bundle["objects"] = objects;
  return bundle.dump(2) + "\n";
}

}  // namespace medtap::remediate
