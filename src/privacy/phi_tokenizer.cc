#include "privacy/phi_tokenizer.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

namespace medtap::privacy {

namespace {

std::string errnoText(const std::string& path) {
  return path + ": " + std::strerror(errno);
}

Status createSecret(const std::string& path) {
  std::array<uint8_t, kSecretBytes> secret{};
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
    return Error{path + ": the system random generator failed"};
  }
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return Error{parent.string() + ": " + ec.message()};
    ::chmod(parent.c_str(), 0700);
  }
  // O_EXCL: two processes starting at once must not both write a secret.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno == EEXIST ? Status{Ok{}} : Status{Error{errnoText(path)}};
  ssize_t n = ::write(fd, secret.data(), secret.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(secret.size())) return Error{errnoText(path)};
  return Ok{};
}

}  // namespace

std::string PhiTokenizer::defaultSecretPath() {
  if (const char* p = std::getenv("MEDTAP_SECRET_FILE"); p != nullptr && *p != '\0') return p;
  if (const char* p = std::getenv("XDG_STATE_HOME"); p != nullptr && *p != '\0') {
    return std::string(p) + "/medtap/secret.key";
  }
  if (const char* p = std::getenv("HOME"); p != nullptr && *p != '\0') {
    return std::string(p) + "/.local/state/medtap/secret.key";
  }
  return "/var/lib/medtap/secret.key";
}

Result<PhiTokenizer> PhiTokenizer::fromSecretFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Error{errnoText(path)};
    if (auto created = createSecret(path); !created) return Error{created.error()};
    if (::stat(path.c_str(), &st) != 0) return Error{errnoText(path)};
  }
  if ((st.st_mode & 077) != 0) {
    return Error{path + ": the token secret is readable by others; chmod 600 it"};
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{errnoText(path)};
  std::array<uint8_t, kSecretBytes> secret{};
  ssize_t n = ::read(fd, secret.data(), secret.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(secret.size())) {
    return Error{path + ": not a token secret (expected " + std::to_string(kSecretBytes) +
                 " bytes)"};
  }
  return PhiTokenizer(secret);
}

PhiTokenizer PhiTokenizer::withSecret(std::string_view secret) {
  // Stretch any test string to the key size through SHA-256, so tests can name a short secret.
  std::array<uint8_t, kSecretBytes> key{};
  unsigned int len = 0;
  EVP_Digest(secret.data(), secret.size(), key.data(), &len, EVP_sha256(), nullptr);
  return PhiTokenizer(key);
}

struct PhiTokenizer::KeySchedule {
  EVP_MD_CTX* inner = EVP_MD_CTX_new();
  EVP_MD_CTX* outer = EVP_MD_CTX_new();
  ~KeySchedule() {
    EVP_MD_CTX_free(inner);
    EVP_MD_CTX_free(outer);
  }
};

PhiTokenizer::PhiTokenizer(const std::array<uint8_t, kSecretBytes>& secret) {
  // RFC 2104 section 2: the key padded to SHA-256's 64-byte block, XOR 0x36 and 0x5c.
  constexpr size_t kBlock = 64;
  std::array<uint8_t, kBlock> ipad{}, opad{};
  for (size_t i = 0; i < kBlock; ++i) {
    const uint8_t k = i < secret.size() ? secret[i] : 0;
    ipad[i] = k ^ 0x36;
    opad[i] = k ^ 0x5c;
  }
  auto schedule = std::make_shared<KeySchedule>();
  if (schedule->inner == nullptr || schedule->outer == nullptr ||
      EVP_DigestInit_ex(schedule->inner, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(schedule->inner, ipad.data(), ipad.size()) != 1 ||
      EVP_DigestInit_ex(schedule->outer, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(schedule->outer, opad.data(), opad.size()) != 1) {
    std::abort();  // out of memory in OpenSSL: nothing sensible to tokenise with
  }
  schedule_ = std::move(schedule);
}

std::string PhiTokenizer::token(std::string_view value) const {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return {};
  std::string normalised(value);
  for (char& c : normalised) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  // One scratch context per thread, reused: no allocation per token.
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           EVP_MD_CTX_free);
  uint8_t inner[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
  unsigned int inner_len = 0, mac_len = 0;
  if (ctx == nullptr || EVP_MD_CTX_copy_ex(ctx.get(), schedule_->inner) != 1 ||
      EVP_DigestUpdate(ctx.get(), normalised.data(), normalised.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), inner, &inner_len) != 1 ||
      EVP_MD_CTX_copy_ex(ctx.get(), schedule_->outer) != 1 ||
      EVP_DigestUpdate(ctx.get(), inner, inner_len) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), mac, &mac_len) != 1) {
    std::abort();  // as above: never emit a value in place of its token
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "pt_";
  for (int i = 0; i < 8; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 0xF]);
  }
  return out;
}

}  // namespace medtap::privacy
