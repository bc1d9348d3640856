// Patient data never leaves the process (DESIGN.md, "Patient data"). Where an event needs to say
// which patient, it carries a keyed token instead: HMAC-SHA-256 over the normalised value with a
// per-installation secret, so that the same patient correlates across events, flows, protocols
// and runs on one installation, while nobody without the secret can test a guess ("is this
// John Smith?") against a token.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace medtap::privacy {

// The secret is 32 random bytes (the HMAC-SHA-256 block-size guidance of RFC 2104 section 3 asks
// for at least the output length).
constexpr size_t kSecretBytes = 32;

class PhiTokenizer {
 public:
  // Reads the secret from `path`, creating it (32 bytes from the kernel's CSPRNG, file mode 0600,
  // parent folders 0700) when it does not exist. Error: one line naming the file and the reason;
  // a secret file readable by group or others is refused.
  static Result<PhiTokenizer> fromSecretFile(const std::string& path);
  // A fixed secret: tests and golden files only.
  static PhiTokenizer withSecret(std::string_view secret);
  // The default place of the secret: $MEDTAP_SECRET_FILE, else $XDG_STATE_HOME/medtap/secret.key,
  // else $HOME/.local/state/medtap/secret.key, else /var/lib/medtap/secret.key.
  static std::string defaultSecretPath();

  // "pt_" + 16 lowercase hex digits (64 bits of the HMAC): short enough to read in a SIEM,
  // long enough that a ward's patients never collide. The value is normalised first: ASCII
  // letters upper-cased, leading and trailing spaces dropped, so "Doe^John " and "DOE^JOHN"
  // give one token. Empty values give an empty token.
  std::string token(std::string_view value) const;

 private:
  // The HMAC's key schedule (RFC 2104): SHA-256 states that have absorbed the key XOR ipad and
  // opad, computed once, so that a token costs two copies and two short hashes rather than a
  // digest lookup and key setup each time. Shared and never changed: copies of the tokenizer and
  // threads read it at once.
  struct KeySchedule;
  explicit PhiTokenizer(const std::array<uint8_t, kSecretBytes>& secret);
  std::shared_ptr<const KeySchedule> schedule_;
};

}  // namespace medtap::privacy
