#pragma once
// `repot diff A B`: what changed between two finished run folders, cell by cell, beyond a tolerance.
// Nightly pipelines compare last night's output with tonight's; the result is a list of changes that
// a person reads (diff_text) or a script parses (diff_json).
#include <optional>
#include <string>
#include <vector>

namespace repot {

struct DiffOptions {
    std::string a, b;                // the two `repot run --out` folders
    double rel_tol = 1e-9;           // a number changed when |a-b| > max(abs_tol, rel_tol * max(|a|,|b|))
    double abs_tol = 0;
    std::vector<std::string> files;  // CSVs to compare; empty: diff_default_files()
};

struct DiffChange {
    enum Kind { value, added, removed, column_added, column_removed, text };
    Kind kind = value;
    std::string file;    // e.g. potential.csv, run.json
    std::string key;     // the row's key cells joined by '/' ("" for a whole file or column)
    std::string column;  // "" for a whole row or file
    std::optional<std::string> a, b;    // the cells as written ("" = empty); nullopt where there is none
    std::optional<double> abs, rel;     // numbers only: b - a and (b - a) / max(|a|, |b|)
};

struct DiffResult {
    DiffOptions options;
    std::vector<std::string> files_compared;
    std::vector<DiffChange> changes;
};

// The CSVs compared without --files, each when present in either folder.
const std::vector<std::string>& diff_default_files();
// The CSVs diff knows the key of (others are refused: a row cannot be matched without one).
std::vector<std::string> diff_known_files();

// Throws DataError when a folder is not a finished run or a file cannot be read; UsageError for a
// file name diff does not know.
DiffResult compare_runs(const DiffOptions& o);

std::string diff_text(const DiffResult& r);  // one line per change, then a summary line
std::string diff_json(const DiffResult& r);  // one JSON document

const char* diff_kind_name(DiffChange::Kind k);

}  // namespace repot
