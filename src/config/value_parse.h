// Small pure parsers for the value types of medtap.yaml: sizes, durations, counts, booleans,
// CIDR networks, plus the near-miss matcher behind "did you mean". Each returns the value or a
// message that says what was wrong with the text; the caller adds the file, line and key.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/address.h"
#include "core/result.h"
#include "core/timestamp.h"

namespace medtap::config {

// A byte size: a whole number with an optional unit, "262144", "256KiB", "16 MiB", "1GB".
// Units are case-sensitive: B; KB, MB, GB are powers of 1000 (SI); KiB, MiB, GiB are powers of
// 1024 (IEC 80000-13). Fractions ("1.5GiB") are refused rather than rounded.
Result<uint64_t> parseSize(std::string_view text);

// A length of time: a whole number with an optional unit, "250ms", "30s", "5m", "1h", "7d".
// A plain number is seconds.
Result<Duration> parseDuration(std::string_view text);

// A non-negative whole number, "1000000"; "_" may separate digits ("1_000_000").
Result<uint64_t> parseCount(std::string_view text);

// true/false, also yes/no and on/off (YAML 1.1 spellings people still write), any letter case.
Result<bool> parseBool(std::string_view text);

// A CIDR network, "10.0.0.0/8", "fd00::/8"; a bare address is a /32 or /128. Refuses networks with
// host bits set ("10.0.0.1/8"): the reader most likely meant something else, and the message says
// which network the prefix would cover.
Result<IpNetwork> parseNetwork(std::string_view text);

// The inverse of parseSize / parseDuration, in the largest unit that is exact: 262144 -> "256KiB",
// 16000000 -> "16MB", 1000 -> "1KB", 1023 -> "1023B"; 3600 s -> "1h", 90 s -> "90s",
// 250 ms -> "250ms". Binary units win when both are exact (1 MiB is also 1048.576 KB: not exact).
std::string formatSize(uint64_t bytes);
std::string formatDuration(Duration d);

// Text from the file quoted for an error message: 'like this', control characters written as
// \xNN so that every message stays one line, and cut to kMaxQuotedChars with "..." so that a
// pasted blob does not flood the terminal.
constexpr size_t kMaxQuotedChars = 64;
std::string quoteForMessage(std::string_view text);

// Replaces control characters (newlines included) with \xNN: messages are one line each.
std::string oneLine(std::string_view message);

// Levenshtein distance (insertions, deletions, substitutions each cost 1). Inputs are key names,
// a few dozen characters; longer inputs are compared only by their first kMaxEditInput characters.
constexpr size_t kMaxEditInput = 64;
size_t editDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is a plausible typo of it (distance at most 2, and at most
// a third of the word's length rounded up), else empty.
std::string_view closestMatch(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace medtap::config
