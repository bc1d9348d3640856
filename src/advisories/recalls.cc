#include "advisories/recalls.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "advisories/json_bounded.h"
#include "advisories/limits.h"
#include "core/csv.h"

namespace medtap::advisories {

namespace {

using nlohmann::json;

enum class Column { Id, Title, Link, Date, Summary, Other };

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Field names of the open-data export and of the API, compared without case, spaces or
// underscores ("Last updated", "date_published").
Column columnOf(std::string_view field) {
  const std::string f = lower(field);
  if (f == "nid" || f == "recallid" || f == "id") return Column::Id;
  if (f == "title") return Column::Title;
  if (f == "url" || f == "link") return Column::Link;
  if (f == "lastupdated" || f == "datepublished" || f == "date" || f == "startdate") {
    return Column::Date;
  }
  if (f == "organization" || f == "product" || f == "issue" || f == "category" ||
      f == "recallclass" || f == "hazard" || f == "summary") {
    return Column::Summary;
  }
  return Column::Other;
}

std::string cut(std::string s) {
  if (s.size() > kMaxNoticeFieldBytes) s.resize(kMaxNoticeFieldBytes);
  return s;
}

// Adds one field to the item by its column; the summary keeps every summary field as
// "Name: value".
void addField(NoticeItem& item, std::string_view name, std::string value) {
  if (value.empty()) return;
  switch (columnOf(name)) {
    case Column::Id:
      item.id = cut(std::move(value));
      break;
    case Column::Title:
      item.title = cut(std::move(value));
      break;
    case Column::Link:
      item.link = cut(std::move(value));
      break;
    case Column::Date:
      if (item.date.empty()) item.date = cut(std::move(value));
      break;
    case Column::Summary:
      item.summary =
          cut(item.summary + (item.summary.empty() ? "" : "; ") + std::string(name) + ": " + value);
      break;
    case Column::Other:
      break;
  }
}

std::string scalarText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_array()) {  // the API's category: [3]
    std::string out;
    for (const auto& e : v) {
      if (e.is_string() || e.is_number()) out += (out.empty() ? "" : ", ") + scalarText(e);
    }
    return out;
  }
  return {};
}

// Every array of record objects in the document: the root array, or the arrays under the root
// object (the API's {"results": {"ALL": [...], "HEALTH": [...]}} and similar), two levels down.
void collectRecords(const json& node, int level, std::vector<const json*>& out) {
  if (node.is_array()) {
    for (const auto& r : node) {
      if (r.is_object()) out.push_back(&r);
    }
    return;
  }
  if (node.is_object() && level < 2) {
    for (const auto& [key, value] : node.items()) {
      if (value.is_array() || value.is_object()) collectRecords(value, level + 1, out);
    }
  }
}

Result<std::vector<NoticeItem>> parseJsonRecalls(std::string_view text, std::string_view name) {
  auto parsed = parseJsonBounded(text, name);
  if (!parsed) return Error{parsed.error()};
  std::vector<const json*> records;
  collectRecords(parsed.value(), 0, records);
  std::vector<NoticeItem> out;
  for (const json* r : records) {
    NoticeItem item;
    for (const auto& [key, value] : r->items()) addField(item, key, scalarText(value));
    if (item.title.empty()) continue;
    // The API lists a recall under ALL and under its category: keep one.
    const bool seen = !item.id.empty() && std::any_of(out.begin(), out.end(), [&](const auto& o) {
      return o.id == item.id;
    });
    if (seen) continue;
    if (out.size() >= kMaxNoticeItems) {
      return Error{std::string(name) + ": more than " + std::to_string(kMaxNoticeItems) +
                   " records"};
    }
    out.push_back(std::move(item));
  }
  if (records.empty()) return Error{std::string(name) + ": no recall records (at /)"};
  return out;
}

Result<std::vector<NoticeItem>> parseCsvRecalls(std::string_view text, std::string_view name) {
  std::vector<std::string> header;
  std::vector<NoticeItem> out;
  std::string problem;
  auto status = forEachCsvRow(text, [&](size_t line, std::vector<std::string>& f) {
    if (!problem.empty()) return;
    if (header.empty()) {
      header = f;
      const bool has_title = std::any_of(
          header.begin(), header.end(), [](const auto& h) { return columnOf(h) == Column::Title; });
      if (!has_title) {
        problem = std::string(name) + ":" + std::to_string(line) +
                  ": not a recall export: no Title column in the header";
      }
      return;
    }
    NoticeItem item;
    for (size_t i = 0; i < f.size() && i < header.size(); ++i) {
      addField(item, header[i], std::move(f[i]));
    }
    if (item.title.empty()) return;
    if (out.size() >= kMaxNoticeItems) {
      problem = std::string(name) + ":" + std::to_string(line) + ": more than " +
                std::to_string(kMaxNoticeItems) + " records";
      return;
    }
    out.push_back(std::move(item));
  });
  if (!status) return Error{std::string(name) + ": " + status.error()};
  if (!problem.empty()) return Error{problem};
  if (header.empty()) return Error{std::string(name) + ": empty"};
  return out;
}

std::string_view skipBlank(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  return text;
}

}  // namespace

bool looksLikeRecalls(std::string_view text) {
  text = skipBlank(text);
  if (text.empty()) return false;
  if (text.front() == '[' || text.front() == '{') {
    // JSON: a record key appears early on.
    const std::string head = lower(text.substr(0, 4096));
    return head.find("\"title\"") != std::string::npos &&
           (head.find("\"nid\"") != std::string::npos ||
            head.find("\"recallid\"") != std::string::npos);
  }
  const std::string first = lower(text.substr(0, text.find('\n')));
  return first.find("title") != std::string::npos &&
         (first.find("nid") != std::string::npos || first.find("recallid") != std::string::npos);
}

Result<std::vector<NoticeItem>> parseRecalls(std::string_view text, std::string_view name) {
  if (text.size() > kMaxFileBytes) {
    return Error{std::string(name) + ": larger than " + std::to_string(kMaxFileBytes) + " bytes"};
  }
  const std::string_view body = skipBlank(text);
  if (!body.empty() && (body.front() == '[' || body.front() == '{')) {
    return parseJsonRecalls(body, name);
  }
  return parseCsvRecalls(body, name);
}

}  // namespace medtap::advisories
