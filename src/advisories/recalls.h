// Health Canada's recalls and safety alerts, as its open-data export (CSV, or the same records
// as JSON) and its Recalls and Safety Alerts API (JSON: recallId, title, category,
// date_published, url) write them. Columns are found by name, without case: NID or recallId (the
// id), Title, URL, Last updated or date_published (the date), and Organization, Product, Issue,
// Category and Recall class folded into the summary. A record without a title is skipped.
#pragma once

#include <string_view>
#include <vector>

#include "advisories/notice.h"
#include "core/result.h"

namespace medtap::advisories {

// Whether a JSON or CSV text is a recall export (it has a title column and an id or URL one).
bool looksLikeRecalls(std::string_view text);

// Error, one line: "NAME: what (at /pointer)" for JSON, "NAME:LINE: what" for CSV.
Result<std::vector<NoticeItem>> parseRecalls(std::string_view text, std::string_view name);

}  // namespace medtap::advisories
