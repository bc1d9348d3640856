// HTTP(S) GET for `medtap advisories sync`, through libcurl: certificates verified against the
// system store or a given CA file, only http and https (redirects included, and at most
// kMaxRedirects of them), a cap on the body (over it, the transfer stops and the error names the
// URL), a timeout, and conditional requests (RFC 9110 section 13: If-None-Match,
// If-Modified-Since) so that what has not changed is not transferred again.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/result.h"

namespace medtap::advisories {

struct HttpOptions {
  std::string ca_file;        // PEM bundle to verify servers with; "" for the system trust store
  long timeout_seconds = 60;  // whole transfer, connection included
  size_t max_response_bytes = 16 << 20;  // one body
};

// What a previous response said about its body (RFC 9110 section 8.8).
struct Validators {
  std::string etag, last_modified;
};

enum class FetchOutcome { Fetched, NotModified };

struct HttpResponse {
  FetchOutcome outcome = FetchOutcome::Fetched;
  long status = 0;   // 200, 304
  std::string body;  // empty when NotModified
  Validators validators;
};

// Where bodies come from: libcurl in medtap, a map of fixtures in unit tests. get() is an error,
// one line naming the URL, for a transport failure or any status other than 2xx and 304.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  virtual Result<HttpResponse> get(const std::string& url, const Validators& known) = 0;
};

class CurlFetcher : public Fetcher {
 public:
  explicit CurlFetcher(HttpOptions options);
  ~CurlFetcher() override;
  CurlFetcher(const CurlFetcher&) = delete;
  CurlFetcher& operator=(const CurlFetcher&) = delete;

  Result<HttpResponse> get(const std::string& url, const Validators& known) override;

 private:
  HttpOptions options_;
  void* curl_;  // one CURL easy handle, reused so that connections are kept alive
};

// Whether a URL is one `sync` may fetch: http:// or https://, case-insensitively.
bool isHttpUrl(std::string_view url);

// `ref` resolved against `base` (RFC 3986 section 5.2, the common cases: an absolute URL, a
// network-path "//host/x", an absolute path "/x", a relative path with "./" and "../").
std::string resolveUrl(std::string_view base, std::string_view ref);

}  // namespace medtap::advisories
