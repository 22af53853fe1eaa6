#pragma once
// potential.xlsx: the run's tables in one workbook for people who work in Excel. Sheets, in order:
// municipalities (potential.csv with Japanese and English labels and units above the data), long,
// plants, smart_community, scenario, notes. Built from the CSV texts exactly as repot writes them, so
// the workbook cannot disagree with the CSVs; an empty CSV cell stays an empty cell, never 0.
#include <ctime>
#include <string>
#include <vector>

#include "repot/results.hpp"

namespace repot {

struct ScenarioEntry {
    std::string parameter, value, unit, source;  // value as text: a number, or a list for monthly arrays
    bool is_default = true, assumption = false;
};

struct ZoneNote {
    std::string zone_id, code, text;
};

struct WorkbookInput {
    std::string potential_csv, potential_long_csv;
    std::string plants_csv;           // "" without --waste-plants: the sheet says so
    std::string smart_community_csv;  // "" when not computed: the sheet says so
    std::vector<ScenarioEntry> scenario;
    std::vector<Note> run_notes;       // run.json's notes
    std::vector<ZoneNote> zone_notes;  // the notes column of potential.csv, one row each
    // The creation time stored in the file. Fixed so that reruns give the same bytes; libxlsxwriter
    // takes 0 for "now", hence 2000-01-01T00:00:00Z rather than the epoch.
    std::time_t created = 946684800;
};

// Writes the workbook to `path`; DataError naming the path when libxlsxwriter fails.
void write_workbook(const WorkbookInput& in, const std::string& path);

}  // namespace repot
