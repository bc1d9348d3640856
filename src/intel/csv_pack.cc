// CSV packs (RFC 4180, through core/csv.h): a header row naming the columns, then one indicator a
// row. Columns: `indicator` and `type` (addr, subnet, domain, url), and optionally `description`,
// `severity` (1-3, empty for the default 2) and `source`, in any order. docs/DETECTIONS.md.
#include <algorithm>
#include <optional>

#include "core/csv.h"
#include "intel/pack.h"
#include "intel/pack_util.h"

namespace medtap::intel {

namespace {

using detail::placeError;
using detail::shown;

std::optional<IndicatorType> csvType(std::string t) {
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "addr") return IndicatorType::Addr;
  if (t == "subnet") return IndicatorType::Subnet;
  if (t == "domain") return IndicatorType::Domain;
  if (t == "url") return IndicatorType::Url;
  return std::nullopt;
}

struct Header {
  size_t columns = 0;
  std::optional<size_t> indicator, type, description, severity, source;
};

Result<Header> parseHeader(const std::vector<std::string>& fields, std::string_view name,
                           size_t line) {
  Header h;
  h.columns = fields.size();
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string f = fields[i];
    std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return std::tolower(c); });
    std::optional<size_t>* slot = f == "indicator"     ? &h.indicator
                                  : f == "type"        ? &h.type
                                  : f == "description" ? &h.description
                                  : f == "severity"    ? &h.severity
                                  : f == "source"      ? &h.source
                                                       : nullptr;
    if (slot == nullptr) {
      return placeError(name, line,
                        "unknown column " + detail::quotedValue(f) +
                            "; the header is indicator,type,description[,severity][,source]");
    }
    if (*slot) return placeError(name, line, "column " + f + " named twice");
    *slot = i;
  }
  if (!h.indicator || !h.type) {
    return placeError(name, line, "the header must name indicator and type");
  }
  return h;
}

Status parseRow(const Header& h, const std::vector<std::string>& f, std::string_view name,
                size_t line, ParsedPack& pack) {
  if (f.size() != h.columns) {
    return placeError(
        name, line,
        std::to_string(f.size()) + " fields; the header names " + std::to_string(h.columns));
  }
  for (const std::string& v : f) {
    if (v.size() > kMaxFieldBytes) {
      return placeError(name, line,
                        "a field longer than " + std::to_string(kMaxFieldBytes) +
                            " bytes (intel::kMaxFieldBytes)");
    }
  }
  auto type = csvType(f[*h.type]);
  if (!type) {
    return placeError(
        name, line,
        "type " + detail::quotedValue(f[*h.type]) + " is not addr, subnet, domain or url");
  }
  auto value = canonicalValue(*type, f[*h.indicator]);
  if (!value) return placeError(name, line, value.error());
  if (pack.indicators.size() >= kMaxIndicators) {
    return placeError(
        name, line,
        "more than " + std::to_string(kMaxIndicators) + " indicators (intel::kMaxIndicators)");
  }
  Indicator ind;
  ind.type = *type;
  ind.value = std::move(value.value());
  ind.pack = std::string(name);
  if (h.description) ind.description = f[*h.description];
  if (h.source) ind.source = f[*h.source];
  if (h.severity && !f[*h.severity].empty()) {
    ind.severity = detail::parseSeverity(f[*h.severity]);
    if (ind.severity == 0) {
      return placeError(name, line,
                        "severity " + detail::quotedValue(f[*h.severity]) + " is not 1, 2 or 3");
    }
  }
  pack.indicators.push_back(std::move(ind));
  return Ok{};
}

}  // namespace

Result<ParsedPack> parseCsv(std::string_view text, std::string_view name) {
  if (text.find('\0') != std::string_view::npos) {
    size_t line =
        1 + static_cast<size_t>(std::count(text.begin(), text.begin() + text.find('\0'), '\n'));
    return placeError(name, line, "a NUL byte; not a text file");
  }
  ParsedPack pack;
  std::optional<Header> header;
  std::optional<Error> failed;  // the first bad row; the rows after it are not looked at
  auto status = forEachCsvRow(text, [&](size_t line, std::vector<std::string>& fields) {
    if (failed) return;
    if (!header) {
      auto h = parseHeader(fields, name, line);
      if (!h) {
        failed = Error{h.error()};
        return;
      }
      header = h.value();
      return;
    }
    if (auto s = parseRow(*header, fields, name, line, pack); !s) failed = Error{s.error()};
  });
  if (failed) return *failed;
  if (!status) {
    // core/csv.h says "line N: what".
    std::string e = status.error();
    return Error{std::string(name) + ":" + (e.compare(0, 5, "line ") == 0 ? e.substr(5) : " " + e)};
  }
  if (!header) return placeError(name, 1, "empty; a CSV pack starts with its header row");
  return pack;
}

}  // namespace medtap::intel
