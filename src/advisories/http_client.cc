#include "advisories/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace medtap::advisories {

namespace {

// Enough for a CDN's http -> https and a trailing-slash redirect; a loop stops here.
constexpr long kMaxRedirects = 5;
// Connecting should not take long even on a slow hospital proxy; the rest of the transfer has the
// whole timeout.
constexpr long kMaxConnectSeconds = 20;

struct Body {
  std::string text;
  size_t cap;
  bool over = false;
};

// libcurl's write callback: returning less than given stops the transfer (CURLE_WRITE_ERROR).
size_t append(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<Body*>(user);
  const size_t n = size * count;
  if (body->text.size() + n > body->cap) {
    body->over = true;
    return 0;
  }
  body->text.append(data, n);
  return n;
}

// A header value of the last response (after redirects), "" when absent. Stripped of CR/LF so
// that it can go back into a request header.
std::string lastHeader(CURL* curl, const char* name) {
  struct curl_header* h = nullptr;
  if (curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || h == nullptr) {
    return {};
  }
  std::string v = h->value;
  v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == '\r' || c == '\n'; }),
          v.end());
  return v;
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& h) { list = curl_slist_append(list, h.c_str()); }
};

void globalInit() {
  static const bool kDone = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)kDone;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

bool isHttpUrl(std::string_view url) {
  const std::string l = lower(url.substr(0, 8));
  return l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0;
}

std::string resolveUrl(std::string_view base, std::string_view ref) {
  const std::string l = lower(ref.substr(0, 8));
  if (l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0) return std::string(ref);
  const size_t scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) return std::string(ref);
  if (ref.rfind("//", 0) == 0)
    return std::string(base.substr(0, scheme_end + 1)) + std::string(ref);
  const size_t path_start = base.find('/', scheme_end + 3);
  const std::string origin(base.substr(0, path_start));
  std::string path =
      path_start == std::string_view::npos ? "/" : std::string(base.substr(path_start));
  path = path.substr(0, path.find_first_of("?#"));
  std::string joined;
  if (ref.rfind('/', 0) == 0) {
    joined = std::string(ref);
  } else {
    joined = path.substr(0, path.rfind('/') + 1) + std::string(ref);
  }
  // Remove dot segments (RFC 3986 section 5.2.4), on the path only.
  const size_t query = joined.find_first_of("?#");
  const std::string tail = query == std::string::npos ? "" : joined.substr(query);
  joined = joined.substr(0, query);
  std::vector<std::string> segments;
  size_t pos = 1;
  while (pos <= joined.size()) {
    size_t next = joined.find('/', pos);
    if (next == std::string::npos) next = joined.size();
    const std::string seg = joined.substr(pos, next - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      if (next == joined.size()) segments.emplace_back();
    } else if (seg == ".") {
      if (next == joined.size()) segments.emplace_back();
    } else {
      segments.push_back(seg);
    }
    pos = next + 1;
  }
  std::string out = origin;
  for (const auto& s : segments) out += "/" + s;
  if (segments.empty()) out += "/";
  return out + tail;
}

CurlFetcher::CurlFetcher(HttpOptions options) : options_(std::move(options)) {
  globalInit();
  curl_ = curl_easy_init();
}

CurlFetcher::~CurlFetcher() {
  curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> CurlFetcher::get(const std::string& url, const Validators& known) {
  auto* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return Error{url + ": cannot start libcurl"};
  if (!isHttpUrl(url)) return Error{url + ": only http:// and https:// URLs are fetched"};
  curl_easy_reset(curl);
  Body body{{}, options_.max_response_bytes};
  HeaderList headers;
  if (!known.etag.empty()) headers.add("If-None-Match: " + known.etag);
  if (!known.last_modified.empty()) headers.add("If-Modified-Since: " + known.last_modified);
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, kMaxRedirects);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                   std::min(kMaxConnectSeconds, options_.timeout_seconds));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_response_bytes));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip and deflate, capped once decoded
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "medtap-advisories-sync");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const CURLcode rc = curl_easy_perform(curl);
  const std::string cap = std::to_string(options_.max_response_bytes);
  if (body.over || rc == CURLE_FILESIZE_EXCEEDED) {
    return Error{url + ": response larger than " + cap + " bytes (advisories.max_response_bytes)"};
  }
  if (rc != CURLE_OK) {
    return Error{url + ": " + (error[0] != 0 ? std::string(error) : curl_easy_strerror(rc))};
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  HttpResponse r;
  r.status = status;
  r.validators = {lastHeader(curl, "ETag"), lastHeader(curl, "Last-Modified")};
  if (status == 304) {
    r.outcome = FetchOutcome::NotModified;
    r.validators = known;
    return r;
  }
  if (status < 200 || status > 299) return Error{url + ": HTTP " + std::to_string(status)};
  r.body = std::move(body.text);
  return r;
}

}  // namespace medtap::advisories
