// Zeek's intel framework input format (Zeek docs, "Intelligence Framework"; the input framework's
// ASCII reader): tab-separated, a `#fields` line naming the columns, `-` for an unset field,
// other lines starting with '#' are comments. medtap reads `indicator`, `indicator_type`,
// `meta.source`, `meta.desc`, and its own `meta.name` and `meta.severity` (1-3); every other
// column is kept in the description as "column=value".
#include <optional>
#include <vector>

#include "intel/pack.h"
#include "intel/pack_util.h"

namespace medtap::intel {

namespace {

using detail::placeError;
using detail::shown;

constexpr std::string_view kUnset = "-";

std::vector<std::string_view> splitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t tab = line.find('\t', pos);
    out.push_back(line.substr(pos, tab == std::string_view::npos ? tab : tab - pos));
    if (tab == std::string_view::npos) return out;
    pos = tab + 1;
  }
}

// The Intel::Type values Zeek defines (base/frameworks/intel/main.zeek) that medtap does not
// match: skipped, counted.
bool isOtherZeekType(std::string_view t) {
  for (std::string_view known :
       {"Intel::EMAIL", "Intel::SOFTWARE", "Intel::USER_NAME", "Intel::CERT_HASH",
        "Intel::PUBKEY_HASH", "Intel::FILE_HASH", "Intel::FILE_NAME", "Intel::JA3"}) {
    if (t == known) return true;
  }
  return false;
}

std::optional<IndicatorType> zeekType(std::string_view t) {
  if (t == "Intel::ADDR") return IndicatorType::Addr;
  if (t == "Intel::SUBNET") return IndicatorType::Subnet;
  if (t == "Intel::DOMAIN") return IndicatorType::Domain;
  if (t == "Intel::URL") return IndicatorType::Url;
  return std::nullopt;
}

struct Columns {
  std::vector<std::string> names;
  std::optional<size_t> indicator, type, source, desc, name, severity;
};

Result<Columns> parseFieldsHeader(std::string_view line, std::string_view pack, size_t line_no) {
  Columns c;
  auto fields = splitTabs(line);
  for (size_t i = 1; i < fields.size(); ++i) {  // fields[0] is "#fields"
    std::string_view f = fields[i];
    for (const auto& seen : c.names) {
      if (seen == f)
        return placeError(pack, line_no, "column " + detail::quotedValue(f) + " named twice");
    }
    c.names.emplace_back(f);
    if (f == "indicator") c.indicator = i - 1;
    if (f == "indicator_type") c.type = i - 1;
    if (f == "meta.source") c.source = i - 1;
    if (f == "meta.desc") c.desc = i - 1;
    if (f == "meta.name") c.name = i - 1;
    if (f == "meta.severity") c.severity = i - 1;
  }
  if (!c.indicator || !c.type) {
    return placeError(pack, line_no, "#fields must name indicator and indicator_type");
  }
  return c;
}

std::string valueOf(const std::vector<std::string_view>& fields, std::optional<size_t> column) {
  if (!column || fields[*column] == kUnset) return {};
  return std::string(fields[*column]);
}

}  // namespace

Result<ParsedPack> parseZeek(std::string_view text, std::string_view name) {
  ParsedPack pack;
  std::optional<Columns> columns;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxFieldBytes) {
      return placeError(
          name, line_no,
          "line longer than " + std::to_string(kMaxFieldBytes) + " bytes (intel::kMaxFieldBytes)");
    }
    if (line.find('\0') != std::string_view::npos) {
      return placeError(name, line_no, "a NUL byte; not a text file");
    }
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (line.substr(0, 8) == "#fields\t") {
        auto c = parseFieldsHeader(line, name, line_no);
        if (!c) return Error{c.error()};
        columns = std::move(c.value());
      } else if (line.substr(0, 10) == "#separator" && line != "#separator \\x09") {
        return placeError(name, line_no, "only the tab separator (#separator \\x09) is read");
      }
      continue;
    }
    if (!columns) return placeError(name, line_no, "data before the #fields header");
    auto fields = splitTabs(line);
    if (fields.size() != columns->names.size()) {
      return placeError(name, line_no,
                        std::to_string(fields.size()) + " fields; #fields names " +
                            std::to_string(columns->names.size()));
    }
    std::string_view type_text = fields[*columns->type];
    auto type = zeekType(type_text);
    if (!type) {
      if (isOtherZeekType(type_text)) {
        detail::noteUnsupported(pack, type_text);
        continue;
      }
      return placeError(name, line_no, "unknown indicator_type " + detail::quotedValue(type_text));
    }
    auto value = canonicalValue(*type, fields[*columns->indicator]);
    if (!value) return placeError(name, line_no, value.error());
    if (pack.indicators.size() >= kMaxIndicators) {
      return placeError(
          name, line_no,
          "more than " + std::to_string(kMaxIndicators) + " indicators (intel::kMaxIndicators)");
    }
    Indicator ind;
    ind.type = *type;
    ind.value = std::move(value.value());
    ind.pack = std::string(name);
    ind.source = valueOf(fields, columns->source);
    ind.name = valueOf(fields, columns->name);
    ind.description = valueOf(fields, columns->desc);
    if (columns->severity) {
      std::string s = valueOf(fields, columns->severity);
      if (!s.empty()) {
        ind.severity = detail::parseSeverity(s);
        if (ind.severity == 0) {
          return placeError(name, line_no,
                            "meta.severity " + detail::quotedValue(s) + " is not 1, 2 or 3");
        }
      }
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i == columns->indicator || i == columns->type || i == columns->source ||
          i == columns->desc || i == columns->name || i == columns->severity ||
          fields[i] == kUnset || fields[i].empty()) {
        continue;
      }
      if (!ind.description.empty()) ind.description += "; ";
      ind.description += columns->names[i] + "=" + std::string(fields[i]);
    }
    pack.indicators.push_back(std::move(ind));
  }
  return pack;
}

}  // namespace medtap::intel
