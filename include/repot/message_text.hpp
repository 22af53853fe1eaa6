#pragma once
// Text from input files shown inside an error message. Every error is one line on a terminal: a cell
// holding a line break, a stray control byte or a file that is not UTF-8 must not break the line,
// ring the bell or print raw bytes, and a whole swallowed file must not become the message.
#include <cstddef>
#include <string>
#include <string_view>

namespace repot {

// `text` with control characters escaped (\n, \r, \t; other bytes below 0x20 and 0x7F as \xNN) and
// every byte that is not part of valid UTF-8 as \xNN. Valid UTF-8 (Japanese names) is kept as is.
std::string escape_for_message(std::string_view text);

// escape_for_message(text) in single quotes, cut to at most `max` characters (escapes counted as
// printed) with "…" marking the cut.
std::string quote_for_message(std::string_view text, std::size_t max = 60);

}  // namespace repot
