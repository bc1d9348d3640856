// CSV (RFC 4180) through Debian's libcsv: quoted fields, embedded commas, quotes and newlines.
// Used for the IEEE registry (inventory/oui.cc) and the hospital's asset lists (inventory
// reconcile), and written for `medtap inventory --format csv`.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace medtap {

// Calls `row` for every record of `text`, with its 1-based line number. An error names the byte
// offset where the text stopped being CSV; the rows before it were delivered.
Status forEachCsvRow(std::string_view text,
                     const std::function<void(size_t line, std::vector<std::string>& fields)>& row);

// Appends `value` as one RFC 4180 field: quoted, quotes doubled, when it holds a comma, quote, CR
// or LF. A value that a spreadsheet would run as a formula (first character = + - @ TAB CR; device
// names come off the wire) gets a leading apostrophe, as OWASP's "CSV injection" advises.
void appendCsvField(std::string& out, std::string_view value);

// One record: the fields separated by commas, ended with CRLF (RFC 4180 section 2).
void appendCsvRecord(std::string& out, const std::vector<std::string>& fields);

}  // namespace medtap
