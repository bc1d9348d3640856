// DNS message parser (RFC 1035 section 4): a pure function from one message (a UDP payload, or a
// TCP message without its length prefix) to a DnsMessage.
#pragma once

#include <cstdint>

#include "core/anomaly.h"
#include "core/bytes.h"
#include "events/dns.h"

namespace medtap::analyzers::dns {

enum class ParseStatus : uint8_t {
  Ok,      // header parsed; questions/answers as far as they parse (anomalies say why not)
  NotDns,  // shorter than the header: nothing to report
};

// Fills `out` (cleared first; its buffers are reused). Parses up to kMaxQuestions questions and
// kMaxAnswers answer records; stops at the first record that is cut short or has a bad name,
// counting the anomaly (dns_truncated_message, dns_name_*, dns_label_too_long).
ParseStatus parseMessage(Bytes message, events::DnsMessage& out, AnomalyCounters& anomalies);

enum class HeaderCheck : uint8_t { Plausible, NotDns, NeedMore };

// Probe helper: the header's counts and opcode are sane, and the first question (or, for a
// response without questions such as an mDNS announcement, the first answer's name) parses.
// NeedMore when `message` is a prefix too short to tell (TCP probing).
HeaderCheck checkHeader(Bytes message);

}  // namespace medtap::analyzers::dns
