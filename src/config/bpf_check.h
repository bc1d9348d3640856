// Checks a capture filter expression at configuration time, so that `medtap config check` names
// a bad filter with its line in the file instead of `medtap watch` failing when it opens the
// interface.
#pragma once

#include <string_view>

#include "core/result.h"

namespace medtap::config {

// Compiles `filter` with libpcap for an Ethernet link (the link type of every SPAN or TAP port
// medtap is meant for) and discards the program. An empty filter is valid. Error: libpcap's own
// message, such as "syntax error".
Status checkBpfFilter(std::string_view filter);

}  // namespace medtap::config
