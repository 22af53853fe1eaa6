#pragma once
// --csv-bom: a UTF-8 byte order mark before a CSV, so that Excel opens the Japanese names as UTF-8
// instead of the system code page (mojibake). repot's own readers skip it (split_csv).
#include <string>

namespace repot {

// `csv` with the BOM in front; unchanged when it already starts with one.
std::string with_bom(const std::string& csv);

}  // namespace repot
