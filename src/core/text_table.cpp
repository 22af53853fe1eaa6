#include "repot/text_table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "repot/error.hpp"
#include "repot/message_text.hpp"

namespace repot {

std::vector<std::vector<std::string>> split_csv(const std::string& text) {
    std::vector<std::vector<std::string>> out;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false, any = false;
    size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    for (; i < text.size(); ++i) {
        char ch = text[i];
        if (quoted) {
            if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (ch == '"') {
                quoted = false;
            } else {
                field += ch;
            }
            continue;
        }
        if (ch == '"') {
            quoted = true;
            any = true;
        } else if (ch == ',') {
            record.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (ch == '\n' || ch == '\r') {
            if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !field.empty()) {
                record.push_back(std::move(field));
                out.push_back(std::move(record));
            }
            record.clear();
            field.clear();
            any = false;
        } else {
            field += ch;
            any = true;
        }
    }
    if (any || !field.empty()) {
        record.push_back(std::move(field));
        out.push_back(std::move(record));
    }
    return out;
}

std::optional<std::size_t> unclosed_quote_line(std::string_view text) {
    bool quoted = false;
    std::size_t line = 1, opened = 0;
    for (char ch : text) {
        if (ch == '\n') ++line;
        if (ch != '"') continue;
        quoted = !quoted;  // a doubled quote inside a field toggles twice: parity is all that counts
        if (quoted) opened = line;
    }
    if (quoted) return opened;
    return std::nullopt;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

TextTable TextTable::parse(const std::string& text, const std::string& origin, int first_line) {
    TextTable t;
    t.origin_ = origin;
    if (const auto line = unclosed_quote_line(text))
        throw DataError(fmt::format("{}: line {}: malformed row: unbalanced quote (a quoted cell opens here and never "
                                    "closes)", origin, *line + std::size_t(first_line) - 1));
    auto records = split_csv(text);
    if (records.empty()) throw DataError(fmt::format("{}: empty table (a header row is required)", origin));
    t.header_ = records.front();
    for (auto& h : t.header_) {
        while (!h.empty() && (h.back() == ' ')) h.pop_back();
        while (!h.empty() && (h.front() == ' ')) h.erase(h.begin());
    }
    for (size_t r = 1; r < records.size(); ++r) {
        if (records[r].size() != t.header_.size())
            throw DataError(fmt::format("{}: row {} has {} fields, the header has {}", origin, r + 1,
                                        records[r].size(), t.header_.size()));
        t.rows_.push_back(std::move(records[r]));
    }
    return t;
}

TextTable TextTable::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(fmt::format("{}: cannot open table", path));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path);
}

int TextTable::column(const std::string& name) const {
    for (size_t i = 0; i < header_.size(); ++i)
        if (header_[i] == name) return int(i);
    return -1;
}

void TextTable::require_column(const std::string& name) const {
    if (column(name) < 0)
        throw DataError(fmt::format("{}: missing required column '{}' (columns: {})", origin_, name,
                                    quote_for_message(fmt::format("{}", fmt::join(header_, ",")), 120)));
}

const std::string& TextTable::text(size_t row, const std::string& col) const {
    require_column(col);
    return rows_.at(row)[size_t(column(col))];
}

std::optional<double> parse_finite(const std::string& s) {
    size_t used = 0;
    double v = NAN;
    try {
        v = std::stod(s, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (s.empty() || used != s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

double TextTable::number(size_t row, const std::string& col) const {
    const std::string& s = text(row, col);
    if (auto v = parse_finite(s)) return *v;
    throw DataError(fmt::format("{}: row {}: column '{}' = {} is not a number", origin_, row + 2, col,
                                quote_for_message(s)));
}

}  // namespace repot
