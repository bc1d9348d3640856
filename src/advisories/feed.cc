#include "advisories/feed.h"

#include <expat.h>

#include <cctype>
#include <cstring>
#include <memory>

#include "advisories/limits.h"

namespace medtap::advisories {

namespace {

// expat reports names as "namespace-URI|local" with this separator (XML_ParserCreateNS); only
// the local name is compared, so RSS with Dublin Core (dc:date) and Atom read alike.
constexpr char kNsSeparator = '|';

enum class Field { None, Title, Link, Date, Summary, Id };

std::string_view localName(const XML_Char* name) {
  std::string_view n(name);
  const size_t sep = n.rfind(kNsSeparator);
  return sep == std::string_view::npos ? n : n.substr(sep + 1);
}

struct State {
  XML_Parser parser = nullptr;
  ParsedFeed feed;
  bool root_seen = false;
  std::string error;
  size_t depth = 0;
  bool in_item = false;
  size_t item_depth = 0;
  NoticeItem item;
  Field field = Field::None;
  size_t field_depth = 0;
  std::string text;

  void fail(const std::string& what) {
    if (error.empty()) error = what;
    XML_StopParser(parser, XML_FALSE);
  }
};

Field fieldOf(std::string_view n) {
  if (n == "title") return Field::Title;
  if (n == "link") return Field::Link;
  if (n == "pubDate" || n == "updated" || n == "published" || n == "date") return Field::Date;
  if (n == "description" || n == "summary" || n == "content") return Field::Summary;
  if (n == "guid" || n == "id") return Field::Id;
  return Field::None;
}

std::string* slot(NoticeItem& item, Field f) {
  switch (f) {
    case Field::Title:
      return &item.title;
    case Field::Link:
      return &item.link;
    case Field::Date:
      return &item.date;
    case Field::Summary:
      return &item.summary;
    case Field::Id:
      return &item.id;
    case Field::None:
      return nullptr;
  }
  return nullptr;
}

// Atom: <link href="..." rel="alternate"/>; a link without rel is alternate (RFC 4287 4.2.7.2).
void atomLink(State& s, const XML_Char** attrs) {
  std::string href, rel = "alternate";
  for (size_t i = 0; attrs[i] != nullptr && attrs[i + 1] != nullptr; i += 2) {
    const std::string_view key = localName(attrs[i]);
    if (key == "href") href = attrs[i + 1];
    if (key == "rel") rel = attrs[i + 1];
  }
  if (rel == "alternate" && s.item.link.empty() && href.size() <= kMaxNoticeFieldBytes) {
    s.item.link = href;
  }
}

void XMLCALL onStart(void* user, const XML_Char* name, const XML_Char** attrs) {
  auto& s = *static_cast<State*>(user);
  if (++s.depth > kMaxXmlDepth) {
    s.fail("nested deeper than " + std::to_string(kMaxXmlDepth) + " elements");
    return;
  }
  const std::string_view n = localName(name);
  if (!s.root_seen) {
    s.root_seen = true;
    if (n == "feed") {
      s.feed.kind = NoticeKind::Atom;
    } else if (n == "rss" || n == "RDF") {
      s.feed.kind = NoticeKind::Rss;
    } else {
      s.fail("not an RSS or Atom feed (root element <" + std::string(n) + ">)");
    }
    return;
  }
  if (!s.in_item && (n == "item" || n == "entry")) {
    s.in_item = true;
    s.item_depth = s.depth;
    s.item = {};
    return;
  }
  // Fields are the item's own children; a title inside an Atom <source> is not the entry's.
  if (s.in_item && s.field == Field::None && s.depth == s.item_depth + 1) {
    s.field = fieldOf(n);
    s.field_depth = s.depth;
    s.text.clear();
    if (s.field == Field::Link && s.feed.kind == NoticeKind::Atom) {
      atomLink(s, attrs);
      s.field = Field::None;
    }
  }
}

void XMLCALL onEnd(void* user, const XML_Char*) {
  auto& s = *static_cast<State*>(user);
  if (s.field != Field::None && s.depth == s.field_depth) {
    std::string* out = slot(s.item, s.field);
    // The first of a repeated field wins (Atom's published after updated, content after summary).
    if (out != nullptr && out->empty()) {
      size_t b = 0, e = s.text.size();
      while (b < e && std::isspace(static_cast<unsigned char>(s.text[b]))) ++b;
      while (e > b && std::isspace(static_cast<unsigned char>(s.text[e - 1]))) --e;
      *out = s.text.substr(b, e - b);
    }
    s.field = Field::None;
  }
  if (s.in_item && s.depth == s.item_depth) {
    s.in_item = false;
    if (s.feed.items.size() >= kMaxNoticeItems) {
      s.fail("more than " + std::to_string(kMaxNoticeItems) + " items");
    } else {
      s.feed.items.push_back(std::move(s.item));
    }
  }
  --s.depth;
}

void XMLCALL onText(void* user, const XML_Char* text, int len) {
  auto& s = *static_cast<State*>(user);
  if (s.field == Field::None) return;
  const size_t room = kMaxNoticeFieldBytes - std::min(kMaxNoticeFieldBytes, s.text.size());
  s.text.append(text, std::min(room, static_cast<size_t>(len)));
}

// Entity declarations are where entity expansion attacks live; feeds have no use for them.
void XMLCALL onEntityDecl(void* user, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                          const XML_Char*, const XML_Char*, const XML_Char*) {
  static_cast<State*>(user)->fail("entity declarations are refused");
}

struct ParserFree {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

}  // namespace

bool looksLikeXml(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  return !text.empty() && text.front() == '<';
}

Result<ParsedFeed> parseFeed(std::string_view text, std::string_view name) {
  if (text.size() > kMaxFileBytes) {
    return Error{std::string(name) + ": larger than " + std::to_string(kMaxFileBytes) + " bytes"};
  }
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserFree> parser(
      XML_ParserCreateNS(nullptr, kNsSeparator));
  if (!parser) return Error{std::string(name) + ": cannot start the XML parser"};
  State s;
  s.parser = parser.get();
  XML_SetUserData(parser.get(), &s);
  XML_SetElementHandler(parser.get(), onStart, onEnd);
  XML_SetCharacterDataHandler(parser.get(), onText);
  XML_SetEntityDeclHandler(parser.get(), onEntityDecl);
  XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  const auto ok = XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE);
  if (ok == XML_STATUS_ERROR || !s.error.empty()) {
    const std::string where = std::string(name) + ":" +
                              std::to_string(XML_GetCurrentLineNumber(parser.get())) + ":" +
                              std::to_string(XML_GetCurrentColumnNumber(parser.get()) + 1) + ": ";
    return Error{where +
                 (s.error.empty() ? XML_ErrorString(XML_GetErrorCode(parser.get())) : s.error)};
  }
  if (!s.root_seen) return Error{std::string(name) + ": empty document"};
  return std::move(s.feed);
}

}  // namespace medtap::advisories
