#include "core/csv.h"

#include <csv.h>

#include <string>

namespace medtap {

namespace {

struct Reader {
  const std::function<void(size_t, std::vector<std::string>&)>* row;
  std::vector<std::string> fields;
  size_t line = 1;       // line the current record started on
  size_t next_line = 1;  // line after the last complete record
};

void onField(void* data, size_t len, void* reader) {
  auto* r = static_cast<Reader*>(reader);
  r->fields.emplace_back(static_cast<const char*>(data), len);
}

void onRecord(int /*terminator*/, void* reader) {
  auto* r = static_cast<Reader*>(reader);
  (*r->row)(r->line, r->fields);
  r->fields.clear();
}

}  // namespace

Status forEachCsvRow(std::string_view text,
                     const std::function<void(size_t, std::vector<std::string>&)>& row) {
  csv_parser parser{};
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    return Error{"csv: out of memory"};
  Reader reader{&row, {}, 1, 1};
  // Fed a line at a time so that each record knows its line number for error messages.
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end + 1;
    if (reader.fields.empty()) reader.line = reader.next_line;
    if (csv_parse(&parser, text.data() + pos, end - pos, onField, onRecord, &reader) != end - pos) {
      std::string what = csv_strerror(csv_error(&parser));
      csv_free(&parser);
      return Error{"line " + std::to_string(reader.next_line) + ": " + what};
    }
    ++reader.next_line;
    pos = end;
  }
  // Without CSV_STRICT_FINI a quote never closed would take the rest of the text into one field.
  const bool complete = csv_fini(&parser, onField, onRecord, &reader) == 0;
  csv_free(&parser);
  if (!complete) {
    return Error{"line " + std::to_string(reader.line) + ": a quoted field is never closed"};
  }
  return Ok{};
}

void appendCsvField(std::string& out, std::string_view value) {
  const bool formula =
      !value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos;
  const bool quoted = formula || value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quoted) out.push_back('"');
  if (formula) out.push_back('\'');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  if (quoted) out.push_back('"');
}

void appendCsvRecord(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    appendCsvField(out, fields[i]);
  }
  out.append("\r\n");
}

}  // namespace medtap
