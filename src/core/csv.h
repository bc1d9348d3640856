// CSV (RFC 4180) through Debian's libcsv: quoted fields, embedded commas, quotes and newlines.
// Used for the IEEE registry (inventory/oui.cc) and the hospital's asset lists (inventory
// reconcile).
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

}  // namespace medtap
