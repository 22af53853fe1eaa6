#pragma once
// A small RFC 4180 CSV reader for the project's own tables (class tables, membership lists):
// header row, quoted fields, UTF-8 (a BOM is skipped). Errors name the file, row and column.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace repot {

// The whole text as a finite number (std::stod's forms), or nullopt: empty, trailing text, NaN, infinity.
std::optional<double> parse_finite(const std::string& s);

class TextTable {
public:
    // `first_line`: the file line where `text` starts (a caller that removed comment lines passes
    // their count + 1), so that messages give file lines.
    static TextTable parse(const std::string& text, const std::string& origin, int first_line = 1);
    static TextTable load(const std::string& path);

    size_t rows() const { return rows_.size(); }
    const std::vector<std::string>& header() const { return header_; }
    bool has_column(const std::string& name) const { return column(name) >= 0; }
    void require_column(const std::string& name) const;  // DataError naming the file and the column
    const std::string& text(size_t row, const std::string& col) const;
    double number(size_t row, const std::string& col) const;  // DataError if empty or not a finite number

private:
    int column(const std::string& name) const;
    std::string origin_;
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

// Splits CSV text into records of fields (RFC 4180: quotes, doubled quotes, CRLF).
std::vector<std::vector<std::string>> split_csv(const std::string& text);

// The line (1-based) of the quote that opens a quoted field never closed before the end of the text,
// if any. A reader would take the rest of the file for that one cell (split_csv and GDAL's CSV
// driver alike: both toggle on every quote), so the row is malformed, not merely odd.
std::optional<std::size_t> unclosed_quote_line(std::string_view text);

// Quotes a field for CSV output when it contains a comma, quote or line break.
std::string csv_field(const std::string& s);

}  // namespace repot
