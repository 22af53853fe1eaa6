#pragma once
// The result table: one row per zone, a stable column schema with units in the names, and the
// metadata that turns each column into tidy rows (source, tier, quantity, unit).
#include <optional>
#include <string>
#include <vector>

namespace repot {

struct ColumnSpec {
    std::string name;
    int precision = 3;     // decimals in the CSV
    std::string source{};  // "" for columns that are not a potential (ids, coverage, notes)
    std::string tier{};    // theoretical / technical / usable
    std::string quantity{};  // energy / capacity / area / co2
    std::string unit{};
};

// A note with a stable code (e.g. roof_coverage_partial) that scripts match and reports translate.
struct Note {
    std::string code, text;
};

struct ResultRow {
    std::string zone_id, zone_name;
    std::vector<std::optional<double>> values;  // one per column; nullopt is an empty cell
    std::vector<Note> notes;
};

struct ResultsTable {
    std::vector<ColumnSpec> columns;
    std::vector<ResultRow> rows;

    int column(const std::string& name) const;  // -1 if absent
    std::optional<double> value(size_t row, const std::string& name) const;
};

// potential.csv: zone_id, zone_name, every column, note_codes, notes.
std::string to_wide_csv(const ResultsTable& t);
// potential_long.csv: zone_id,zone_name,source,tier,quantity,unit,value for every non-empty potential.
std::string to_long_csv(const ResultsTable& t);
std::string format_number(double v, int precision);
// format_number with thousands separators: 12345.6 -> "12,346" (0 decimals), for people, not for CSVs.
std::string format_grouped(double v, int precision);

}  // namespace repot
