// RSS 2.0 and Atom (RFC 4287) feeds, as the FDA (medical device safety communications, recalls)
// and the Canadian Centre for Cyber Security publish them, read with Debian's libexpat. Only the
// items matter: title, link, date and summary (RSS item/title, link, pubDate, description, guid;
// Atom entry/title, link href, updated or published, summary or content, id).
//
// Hostile XML: a DOCTYPE that declares entities is refused (no entity is ever expanded, so no
// "billion laughs"; expat never reads external ones), nesting deeper than kMaxXmlDepth and
// documents over kMaxFileBytes are refused, and each field is cut to kMaxNoticeFieldBytes.
#pragma once

#include <string_view>
#include <vector>

#include "advisories/notice.h"
#include "core/result.h"

namespace medtap::advisories {

struct ParsedFeed {
  NoticeKind kind = NoticeKind::Rss;  // Rss or Atom, from the root element
  std::vector<NoticeItem> items;
};

// Whether the text looks like XML (its first non-blank byte, after a BOM, is '<').
bool looksLikeXml(std::string_view text);

// Error, one line: "NAME:LINE:COLUMN: what".
Result<ParsedFeed> parseFeed(std::string_view text, std::string_view name);

}  // namespace medtap::advisories
