// HL7 v2 message structure: the delimiters a message declares in MSH-1/MSH-2, segments, fields,
// components and the MSH fields medtap reports. Small pure helpers (STYLE.md 12);
// hl7_message.h builds the event on top. References: HL7 v2.5.1 chapter 2 (2.5 "Message
// construction rules", 2.7 "Use of escape sequences", 2.14.9 MSH, 2.14.8 MSA).
//
// PHI: these helpers return views; nothing here copies a field into an event.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace medtap::analyzers::hl7 {

// The delimiters of one message (HL7 v2.5.1 2.5.4). Never assumed: MSH-1 is the byte after "MSH"
// and MSH-2 lists the others in this order. A character MSH-2 leaves out is '\0' (none).
struct EncodingCharacters {
  char field = '\0';
  char component = '\0';
  char repetition = '\0';
  char escape = '\0';
  char subcomponent = '\0';
  char truncation = '\0';  // added in v2.7
};

// Offset of the first byte after an optional UTF-8 byte-order mark and whitespace (space, tab,
// CR, LF) at the start of `message`.
size_t skipPreamble(std::string_view message);

// MSH-1 and MSH-2 of a segment that starts with "MSH" (or FHS-1/2, BHS-1/2 of a batch header,
// which declare delimiters the same way). nullopt when they are unusable: the field
// separator is missing, a letter, digit, space or control character; MSH-2 is empty or longer
// than 5; or its characters repeat, repeat the field separator, or are not printable punctuation.
std::optional<EncodingCharacters> parseEncodingCharacters(std::string_view msh_segment);

// Iterates over the segments of a message. HL7 ends segments with CR; LF and CRLF (common in
// files and in some interfaces) are tolerated, and empty lines are skipped. Linear in the
// message size whatever the line endings.
class SegmentReader {
 public:
  explicit SegmentReader(std::string_view message) : text_(message) {}
  // The next non-empty segment, without its terminator; nullopt at the end.
  std::optional<std::string_view> next();

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t next_cr_ = 0;  // cached offsets of the next CR and LF at or after pos_ (npos: none)
  size_t next_lf_ = 0;
  bool cached_ = false;
};

// Splits `segment` at `separator` into out[0..]: out[0] is the segment id, out[i] the i-th field
// (for MSH, out[i] is MSH-(i+1) because MSH-1 is the separator itself). Fills at most
// out.size() entries (the rest stay empty) and returns the number of parts `segment` has, which
// may be larger.
size_t splitFields(std::string_view segment, char separator, std::span<std::string_view> out);

// The `index`-th (0-based) part of `field` split at `separator`; empty if there is none.
std::string_view component(std::string_view field, char separator, size_t index);

// One segment split at its field separators in a single pass over its bytes (HL7 v2.5.1 2.5),
// which also notes, for each of the first kMaxFields fields, where its first repetition ends and
// whether it holds a component separator or the escape character. Reading a component of a field
// that has no separator, or a field that has no escape, then needs no second look at its bytes.
// The views point into the segment passed to split(), valid as long as it is.
class SplitSegment {
 public:
  // Fields kept: the largest index any segment parser reads (PID-20) plus one.
  static constexpr size_t kMaxFields = 21;

  // Splits `segment` (fields[0] is the segment id, fields[i] SEG-i) with the message's delimiters.
  void split(std::string_view segment, const EncodingCharacters& encoding);

  // The number of fields the segment has, which may be more than kMaxFields.
  size_t count() const { return count_; }
  // Field i whole (every repetition, escapes not decoded); empty beyond the last kept field.
  std::string_view field(size_t i) const;
  // Field i up to its first repetition separator.
  std::string_view firstRepetition(size_t i) const;
  // Components of a field's first repetition component() can read: the most any caller reads
  // (SN: comparator, num1, separator/suffix, num2).
  static constexpr size_t kMaxComponents = 4;
  // Component k (0-based, k < kMaxComponents) of field i's first repetition; empty if there is
  // none.
  std::string_view component(size_t i, size_t k) const;
  // Whether field i may hold an escape sequence (false: its text is already plain).
  bool escaped(size_t i) const { return i < kept() && (fields_[i].flags & kEscape) != 0; }

 private:
  static constexpr uint8_t kEscape = 1;  // the escape character somewhere in the field
  struct Field {
    size_t offset = 0;  // in the segment
    size_t size = 0;
    size_t first_size = 0;  // bytes before the first repetition separator (size if none)
    // Offsets (from the field's start) of the first repetition's first component separators:
    // one per component that component() can read, the last one ending the last component.
    std::array<uint32_t, kMaxComponents> separators{};
    // Components of the first repetition, counted up to kMaxComponents + 1 (more than readable).
    uint8_t components = 1;
    uint8_t flags = 0;
  };
  size_t kept() const { return count_ < kMaxFields ? count_ : kMaxFields; }

  std::string_view segment_;
  size_t count_ = 0;
  std::array<Field, kMaxFields> fields_{};
};

// An HL7 segment id: three characters, an upper-case letter then upper-case letters or digits.
bool isSegmentName(std::string_view name);

// MSH-9 as "ORU^R01": message code and trigger event joined with '^' whatever the message's
// component separator; the message structure (third component) is left out. "ACK" when there is
// no trigger event.
std::string messageTypeText(std::string_view msh9, const EncodingCharacters& encoding);

// `field` cut to at most `max` bytes, without splitting a UTF-8 sequence.
std::string_view cutField(std::string_view field, size_t max);

}  // namespace medtap::analyzers::hl7
