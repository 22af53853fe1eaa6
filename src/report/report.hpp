#pragma once
// `repot report DIR`: pages per municipality and an index (report/), smart_community.csv and
// potential.xlsx from a finished run folder, added to it as one transaction (OutputDir::open_existing).
#include <functional>
#include <string>
#include <vector>

namespace repot {

struct ReportOptions {
    std::string dir;                // a finished `repot run --out` folder
    std::string lang = "ja";        // --lang: ja (Japanese labels with English beside them) or en
    bool pdf = false;               // --pdf: report/<zone>.pdf by headless Chromium
    bool csv_bom = false;           // --csv-bom: smart_community.csv with a UTF-8 BOM
    std::string rules;              // --smart-community-rules; "" = the shipped table
};

// The files written (paths in dir). Throws DataError / UsageError naming the file and the problem.
std::vector<std::string> write_report(const ReportOptions& o, const std::function<bool()>& stop);

// The shipped rules table (datasets/smart_community_rules.csv, compiled in).
const char* default_smart_community_rules();

}  // namespace repot
