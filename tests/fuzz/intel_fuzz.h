// What the three pack fuzz targets share: parse with one loader; an error is one non-empty line
// naming the pack; a pack that loads fills a set whose lookups, fed fixed values and the input's
// own tail, neither crash nor find an indicator of the wrong kind.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "intel/pack.h"

namespace medtap::intel {

template <typename Parse>
int fuzzPack(const uint8_t* data, size_t size, Parse parse) {
  // Packs are read whole; the fuzzer explores the grammar, not the size limits (unit-tested).
  if (size > 256 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse(text, "fuzz.pack");
  if (!parsed) {
    const std::string& e = parsed.error();
    if (e.empty() || e.find('\n') != std::string::npos || e.rfind("fuzz.pack:", 0) != 0) {
      std::abort();
    }
    return 0;
  }
  IndicatorSet set;
  for (Indicator& i : parsed->indicators) {
    if (!set.add(std::move(i))) std::abort();  // canonical values always add
  }
  const std::string tail(text.substr(text.size() > 128 ? text.size() - 128 : 0));
  for (std::string_view v : {std::string_view("203.0.113.77"), std::string_view("2001:db8::1"),
                             std::string_view(tail)}) {
    if (auto ip = IpAddress::parse(v)) {
      const Indicator* i = set.matchAddress(*ip);
      if (i != nullptr && i->type != IndicatorType::Addr && i->type != IndicatorType::Subnet) {
        std::abort();
      }
    }
    const Indicator* d = set.matchDomain(v);
    if (d != nullptr && d->type != IndicatorType::Domain) std::abort();
    const Indicator* u = set.matchUrl(v, "/pm");
    if (u != nullptr && u->type != IndicatorType::Url) std::abort();
  }
  return 0;
}

}  // namespace medtap::intel
