#include "repot/results.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <cmath>

#include "repot/text_table.hpp"

namespace repot {

int ResultsTable::column(const std::string& name) const {
    for (size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == name) return int(i);
    return -1;
}

std::optional<double> ResultsTable::value(size_t row, const std::string& name) const {
    int c = column(name);
    if (c < 0) return std::nullopt;
    return rows.at(row).values[size_t(c)];
}

std::string format_number(double v, int precision) {
    std::string s = fmt::format("{:.{}f}", v, precision);
    // "-0.000" reads as a sign error to people; it is zero.
    if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
    return s;
}

std::string to_wide_csv(const ResultsTable& t) {
    std::string out = "zone_id,zone_name";
    for (const auto& c : t.columns) out += "," + c.name;
    out += ",note_codes,notes\n";
    for (const auto& r : t.rows) {
        out += csv_field(r.zone_id) + "," + csv_field(r.zone_name);
        for (size_t i = 0; i < t.columns.size(); ++i) {
            out += ",";
            if (r.values[i]) out += format_number(*r.values[i], t.columns[i].precision);
        }
        std::string codes, notes;
        for (size_t i = 0; i < r.notes.size(); ++i) {
            codes.append(i ? ";" : "").append(r.notes[i].code);
            notes.append(i ? "; " : "").append(r.notes[i].text);
        }
        out.append(",").append(csv_field(codes)).append(",").append(csv_field(notes)).append("\n");
    }
    return out;
}

std::string to_long_csv(const ResultsTable& t) {
    std::string out = "zone_id,zone_name,source,tier,quantity,unit,value\n";
    for (const auto& r : t.rows)
        for (size_t i = 0; i < t.columns.size(); ++i) {
            const auto& c = t.columns[i];
            if (c.source.empty() || !r.values[i]) continue;
            out += fmt::format("{},{},{},{},{},{},{}\n", csv_field(r.zone_id), csv_field(r.zone_name), c.source, c.tier,
                               c.quantity, c.unit, format_number(*r.values[i], c.precision));
        }
    return out;
}

std::string format_grouped(double v, int precision) {
    const std::string s = format_number(v, precision);
    const size_t start = s[0] == '-' ? 1 : 0, end = std::min(s.find('.'), s.size());
    std::string out = s.substr(0, start);
    for (size_t i = start; i < end; ++i) {
        if (i > start && (end - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out + s.substr(end);
}

}  // namespace repot
