// HL7 v2 escape sequences (HL7 v2.5.1 2.7 "Use of escape sequences in text fields"), decoded with
// the escape character and delimiters the message declares in MSH-2, never assumed.
#pragma once

#include <string>
#include <string_view>

#include "analyzers/hl7/hl7_header.h"

namespace medtap::analyzers::hl7 {

// What unescape() met besides plain text.
enum class EscapeStatus : uint8_t {
  Ok,            // no escape sequence, or only well-formed ones
  Unterminated,  // an escape character without its closing one: kept literally
};

// Appends `text` to `out` with its escape sequences decoded (E = the escape character):
//   EFE EST ETE ERE EEE   -> field, component, subcomponent, repetition, escape character
//   EPE (v2.7 truncation) -> the truncation character
//   EXhhhh..E             -> the bytes the hex pairs spell (an odd digit or a non-hex one:
//                            kept literally)
//   EHE ENE               -> dropped (start/end highlighting carries no text)
// Every other sequence (formatting .br .sp .in .ti .sk .ce, Cxxyy and Mxxyyzz character sets,
// Z local escapes) and an escape character without its closing one are kept literally. A
// delimiter the message leaves out ('\0') is never produced.
EscapeStatus unescape(std::string_view text, const EncodingCharacters& encoding, std::string& out);

}  // namespace medtap::analyzers::hl7
