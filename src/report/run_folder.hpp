#pragma once
// A finished `repot run` folder read back for `repot report`: the CSVs as tables, run.json, and which
// maps exist. The report never reruns the survey: everything on its pages comes from these files.
#include <optional>
#include <string>
#include <vector>

#include "../io/json_read.hpp"
#include "repot/results.hpp"

namespace repot {

// A CSV as repot writes it: a header and rows of cells (empty = not computed).
struct CsvRows {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    int col(const std::string& name) const;  // -1 if absent
    // The cell of `column` in `row`, nullopt when the column is absent or the cell empty.
    std::optional<double> number(size_t row, const std::string& column) const;
    const std::string& text(size_t row, const std::string& column) const;  // "" when absent
};

struct RunFolder {
    std::string dir;
    std::string potential_csv, long_csv, monthly_csv, plants_csv;  // texts ("" when a file is absent)
    CsvRows potential, monthly, plants;
    JsonValue manifest;  // run.json
    ResultsTable table;  // potential.csv as a results table (values and notes)

    std::string map_path(const std::string& name) const;  // DIR/maps/<name>, "" when absent
    std::string gpkg_path() const;                         // DIR/municipalities.gpkg, "" when absent
    std::string scenario_name() const;
};

// Throws DataError naming the file when the folder is not a finished run (no run.json or
// potential.csv) or a file cannot be read or parsed.
RunFolder read_run_folder(const std::string& dir);

}  // namespace repot
