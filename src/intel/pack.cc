#include "intel/pack.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace medtap::intel {

std::string_view formatName(PackFormat format) {
  switch (format) {
    case PackFormat::Zeek:
      return "zeek";
    case PackFormat::Csv:
      return "csv";
    case PackFormat::Stix:
      return "stix";
  }
  return "?";
}

PackFormat detectFormat(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return PackFormat::Stix;
  if (!text.empty() && text.front() == '#') return PackFormat::Zeek;
  return PackFormat::Csv;
}

Result<ParsedPack> parsePack(std::string_view text, std::string_view name) {
  switch (detectFormat(text)) {
    case PackFormat::Zeek:
      return parseZeek(text, name);
    case PackFormat::Csv:
      return parseCsv(text, name);
    case PackFormat::Stix:
      return parseStix(text, name);
  }
  return Error{std::string(name) + ": unknown format"};
}

Result<PackReport> loadPack(std::string_view text, std::string_view name, IndicatorSet& set) {
  auto parsed = parsePack(text, name);
  if (!parsed) return Error{parsed.error()};
  ParsedPack& pack = parsed.value();
  if (set.size() + pack.indicators.size() > kMaxIndicators) {
    return Error{std::string(name) + ": " + std::to_string(pack.indicators.size()) +
                 " indicators would take the set beyond " + std::to_string(kMaxIndicators) +
                 " (intel::kMaxIndicators)"};
  }
  PackReport report;
  report.name = std::string(name);
  report.format = detectFormat(text);
  report.indicators = pack.indicators.size();
  report.unsupported = pack.unsupported;
  for (Indicator& i : pack.indicators) {
    // Cannot fail: the count was checked above and every value is canonical.
    (void)set.add(std::move(i));
  }
  if (pack.unsupported > 0) {
    report.warning = report.name + ": " + std::to_string(pack.unsupported) +
                     " indicators skipped, of kinds medtap does not match (" +
                     pack.unsupported_kinds + ")";
  }
  return report;
}

Result<PackReport> loadPackFile(const std::string& path, IndicatorSet& set) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Error{path + ": " + std::strerror(errno)};
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file"};
  if (static_cast<uint64_t>(st.st_size) > kMaxPackBytes) {
    return Error{path + ": " + std::to_string(st.st_size) + " bytes; a pack is at most " +
                 std::to_string(kMaxPackBytes) + " (intel::kMaxPackBytes)"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot be opened"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{path + ": read error"};
  const size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  auto report = loadPack(text.str(), name, set);
  if (!report) {
    // The parsers name the file by its name alone; the user gave a path.
    std::string e = report.error();
    if (e.compare(0, name.size(), name) == 0) e = path + e.substr(name.size());
    return Error{e};
  }
  return report;
}

}  // namespace medtap::intel
