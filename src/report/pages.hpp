#pragma once
// The HTML pages of `repot report`: one per municipality and an index of all of them. Every number
// on a page is read from the run's files (potential.csv, potential_monthly.csv, plants.csv, run.json).
#include <map>
#include <string>
#include <vector>

#include "html.hpp"
#include "run_folder.hpp"
#include "smart_community.hpp"

namespace repot::report {

// What the pages share, computed once for all of them.
struct ReportContext {
    const RunFolder* run = nullptr;
    html::Lang lang;
    bool has_maps = false;                                   // the run wrote maps (--maps)
    std::map<std::string, std::vector<ZoneModelScore>> scores;  // zone_id -> its 12 model scores
    std::string rules_origin;                                // the smart-community rules table used
    bool has_facilities = false;
};

// `map_png`: the zone's map as PNG bytes ("" when the run has no maps or the zone no outline).
std::string zone_page(const ReportContext& c, size_t row, const std::string& map_png);
// `overview_png`: maps/overview.png ("" without maps).
std::string index_page(const ReportContext& c, const std::string& overview_png);

// The page's file name for a zone: <zone_id>.html with any character outside [A-Za-z0-9_-] as '_'.
std::string page_name(const std::string& zone_id);

}  // namespace repot::report
