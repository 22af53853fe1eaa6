#include "run_folder.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "repot/error.hpp"
#include "repot/text_table.hpp"

namespace fs = std::filesystem;

namespace repot {

namespace {

std::string read_if_exists(const fs::path& p, bool required) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
        if (required) throw DataError(fmt::format("{}: not found: not the folder of a finished repot run", p.string()));
        return "";
    }
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) throw DataError(fmt::format("{}: cannot be read", p.string()));
    return ss.str();
}

CsvRows parse_rows(const std::string& text, const fs::path& origin) {
    CsvRows out;
    if (text.empty()) return out;
    auto records = split_csv(text);
    if (records.empty()) throw DataError(fmt::format("{}: no header line", origin.string()));
    out.header = std::move(records.front());
    for (size_t r = 1; r < records.size(); ++r) {
        if (records[r].size() != out.header.size())
            throw DataError(fmt::format("{}: line {} has {} fields, the header {}", origin.string(), r + 1,
                                        records[r].size(), out.header.size()));
        out.rows.push_back(std::move(records[r]));
    }
    return out;
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    for (size_t a = 0;;) {
        const size_t b = s.find(sep, a);
        out.push_back(s.substr(a, b == std::string::npos ? std::string::npos : b - a));
        if (b == std::string::npos) return out;
        a = b + sep.size();
    }
}

// potential.csv back into the results model: every column between zone_name and note_codes is a value.
ResultsTable as_table(const CsvRows& csv, const fs::path& origin) {
    if (csv.header.size() < 4 || csv.header[0] != "zone_id" || csv.header[1] != "zone_name" ||
        csv.header[csv.header.size() - 2] != "note_codes" || csv.header.back() != "notes")
        throw DataError(fmt::format("{}: not a repot potential.csv (zone_id, zone_name ... note_codes, notes)",
                                    origin.string()));
    ResultsTable t;
    for (size_t c = 2; c + 2 < csv.header.size(); ++c) t.columns.push_back({csv.header[c]});
    for (const auto& r : csv.rows) {
        ResultRow row{r[0], r[1], {}, {}};
        for (size_t c = 2; c + 2 < r.size(); ++c) {
            if (r[c].empty()) {
                row.values.push_back(std::nullopt);
                continue;
            }
            const auto v = parse_finite(r[c]);
            if (!v) throw DataError(fmt::format("{}: zone {} column {}: '{}' is not a number", origin.string(), r[0],
                                                csv.header[c], r[c]));
            row.values.push_back(v);
        }
        const auto codes = split(r[r.size() - 2], ";"), texts = split(r.back(), "; ");
        for (size_t k = 0; k < codes.size(); ++k) row.notes.push_back({codes[k], k < texts.size() ? texts[k] : ""});
        t.rows.push_back(std::move(row));
    }
    return t;
}

}  // namespace

int CsvRows::col(const std::string& name) const {
    for (size_t c = 0; c < header.size(); ++c)
        if (header[c] == name) return int(c);
    return -1;
}

std::optional<double> CsvRows::number(size_t row, const std::string& column) const {
    const int c = col(column);
    if (c < 0 || rows[row][size_t(c)].empty()) return std::nullopt;
    return parse_finite(rows[row][size_t(c)]);
}

const std::string& CsvRows::text(size_t row, const std::string& column) const {
    static const std::string empty;
    const int c = col(column);
    return c < 0 ? empty : rows[row][size_t(c)];
}

std::string RunFolder::map_path(const std::string& name) const {
    const fs::path p = fs::path(dir) / "maps" / name;
    std::error_code ec;
    return fs::is_regular_file(p, ec) ? p.string() : "";
}

std::string RunFolder::gpkg_path() const {
    const fs::path p = fs::path(dir) / "municipalities.gpkg";
    std::error_code ec;
    return fs::is_regular_file(p, ec) ? p.string() : "";
}

std::string RunFolder::scenario_name() const {
    const JsonValue* n = manifest.find("scenario_name");
    return n && n->kind == JsonValue::string ? n->str : "default";
}

RunFolder read_run_folder(const std::string& dir) {
    RunFolder f;
    f.dir = dir;
    const fs::path d(dir);
    const std::string manifest = read_if_exists(d / "run.json", true);
    try {
        f.manifest = parse_json(manifest);
    } catch (const std::runtime_error& e) {
        throw DataError(fmt::format("{}: not valid JSON: {}", (d / "run.json").string(), e.what()));
    }
    f.potential_csv = read_if_exists(d / "potential.csv", true);
    f.long_csv = read_if_exists(d / "potential_long.csv", false);
    f.monthly_csv = read_if_exists(d / "potential_monthly.csv", false);
    f.plants_csv = read_if_exists(d / "plants.csv", false);
    f.potential = parse_rows(f.potential_csv, d / "potential.csv");
    f.monthly = parse_rows(f.monthly_csv, d / "potential_monthly.csv");
    f.plants = parse_rows(f.plants_csv, d / "plants.csv");
    f.table = as_table(f.potential, d / "potential.csv");
    return f;
}

}  // namespace repot
