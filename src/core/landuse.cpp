#include "repot/landuse.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "repot/error.hpp"
#include "repot/message_text.hpp"
#include "repot/text_table.hpp"

namespace repot {

namespace {
constexpr int kMaxCode = 1 << 20;  // class codes are small integers; a dense lookup keeps the hot path branch-free

// Leading '#' lines are comments: the built-in tables carry their "assumptions" note in the CSV itself,
// so that `repot params --landuse-classes > t.csv` can be edited and passed back to --landuse-classes.
// Returns the number of lines removed so that row numbers in messages stay file line numbers.
int strip_leading_comments(std::string& text) {
    size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    int lines = 0;
    while (pos < text.size() && text[pos] == '#') {
        size_t eol = text.find('\n', pos);
        pos = eol == std::string::npos ? text.size() : eol + 1;
        ++lines;
    }
    text.erase(0, pos);
    return lines;
}

// Like TextTable::number, but the message gives the file line (comments counted).
double number_at(const TextTable& t, size_t r, const char* col, const std::string& origin, int line) {
    const std::string& s = t.text(r, col);
    if (auto v = parse_finite(s)) return *v;
    throw DataError(fmt::format("{}: row {}: column '{}' = {} is not a number", origin, line, col, quote_for_message(s)));
}

}  // namespace

const char* LandUseTable::l03b_default_csv() {
    // Same text as datasets/landuse/l03b_classes.csv (a test keeps them equal). Reasons for every
    // value: docs/method.md, "Land-use class tables".
    return "# repot built-in table builtin:l03b (MLIT L03-b): pv_fraction, gsh_fraction and built_share are "
           "assumptions (docs/method.md; Land-use class tables); replace them with local planning data\n"
           "code,name,pv_fraction,gsh_fraction,excluded,existing_pv,built_share\n"
           "100,田 (paddy fields),0.05,0.10,0,0,0.00\n"
           "200,その他の農用地 (other farmland),0.05,0.10,0,0,0.00\n"
           "500,森林 (forest),0.00,0.00,0,0,0.00\n"
           "600,荒地 (wasteland),0.30,0.20,0,0,0.00\n"
           "700,建物用地 (building land),0.00,0.10,0,0,0.35\n"
           "901,道路 (roads),0.00,0.05,0,0,0.00\n"
           "902,鉄道 (railways),0.00,0.00,0,0,0.00\n"
           "1000,その他の用地 (other land),0.10,0.20,0,0,0.00\n"
           "1100,河川地及び湖沼 (rivers and lakes),0.00,0.00,1,0,0.00\n"
           "1400,海浜 (beaches),0.00,0.00,0,0,0.00\n"
           "1500,海水域 (sea),0.00,0.00,1,0,0.00\n"
           "1600,ゴルフ場 (golf courses),0.10,0.20,0,0,0.00\n";
}

const char* LandUseTable::jaxa_csv() {
    // Same text as datasets/landuse/jaxa_hrlulc_classes.csv. Code 0 (no data) is the raster's nodata,
    // not a class: a 0 pixel has no land use, exactly like a pixel outside the layer.
    return "# repot built-in table builtin:jaxa (JAXA High-Resolution Land Use and Land Cover Map of Japan ver. "
           "21.11): pv_fraction, gsh_fraction and built_share are assumptions (docs/method.md; Land-use class "
           "tables); replace them with local planning data\n"
           "code,name,pv_fraction,gsh_fraction,excluded,existing_pv,built_share\n"
           "1,Water,0.00,0.00,1,0,0.00\n"
           "2,Urban,0.00,0.10,0,0,0.35\n"
           "3,Rice paddy,0.05,0.10,0,0,0.00\n"
           "4,Crop,0.05,0.10,0,0,0.00\n"
           "5,Grass,0.20,0.20,0,0,0.00\n"
           "6,DBF (deciduous broad-leaf forest),0.00,0.00,0,0,0.00\n"
           "7,DNF (deciduous needle-leaf forest),0.00,0.00,0,0,0.00\n"
           "8,EBF (evergreen broad-leaf forest),0.00,0.00,0,0,0.00\n"
           "9,ENF (evergreen needle-leaf forest),0.00,0.00,0,0,0.00\n"
           "10,Bare land,0.30,0.20,0,0,0.00\n"
           "11,Bamboo,0.00,0.00,0,0,0.00\n"
           "12,Solar panel (existing ground-mounted PV),0.00,0.00,0,1,0.00\n";
}

const char* LandUseTable::builtin_csv(const std::string& spec) {
    if (spec == "builtin:l03b") return l03b_default_csv();
    if (spec == "builtin:jaxa") return jaxa_csv();
    return nullptr;
}

LandUseTable LandUseTable::l03b_default() { return select(default_id); }

LandUseTable LandUseTable::select(const std::string& spec) {
    if (const char* csv = builtin_csv(spec)) {
        LandUseTable t = parse(csv, fmt::format("built-in class table {}", spec));
        t.id_ = spec;
        return t;
    }
    if (spec.rfind("builtin:", 0) == 0)
        throw UsageError(fmt::format("--landuse-classes {}: unknown built-in table (builtin:l03b, builtin:jaxa)",
                                     quote_for_message(spec)));
    return load(spec);
}

LandUseTable LandUseTable::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(fmt::format("{}: cannot open land-use class table", path));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path);
}

LandUseTable LandUseTable::parse(const std::string& csv_text, const std::string& origin) {
    std::string text = csv_text;
    const int comments = strip_leading_comments(text);
    TextTable t = TextTable::parse(text, origin, comments + 1);
    for (const char* col : {"code", "name", "pv_fraction", "gsh_fraction", "excluded"})
        t.require_column(col);
    const bool has_existing = t.has_column("existing_pv"), has_built = t.has_column("built_share");
    LandUseTable table;
    table.origin_ = origin;
    table.id_ = origin;
    table.index_.assign(kMaxCode, -1);
    for (size_t r = 0; r < t.rows(); ++r) {
        const int line = int(r) + 2 + comments;
        auto num = [&](const char* col) { return number_at(t, r, col, origin, line); };
        auto zero_or_one = [&](const char* col) {
            double v = num(col);
            if (v != 0 && v != 1)
                throw DataError(fmt::format("{}: row {}: {} must be 0 or 1, found {}", origin, line, col, v));
            return v == 1;
        };
        LandUseClass c;
        double code = num("code");
        if (code < 0 || code >= kMaxCode || code != double(int64_t(code)))
            throw DataError(fmt::format("{}: row {}: code {} must be a whole number 0..{}", origin, line, code, kMaxCode - 1));
        c.code = int(code);
        c.name = t.text(r, "name");
        c.pv_fraction = num("pv_fraction");
        c.gsh_fraction = num("gsh_fraction");
        c.excluded = zero_or_one("excluded");
        if (has_existing) c.existing_pv = zero_or_one("existing_pv");
        if (has_built) c.built_share = num("built_share");
        for (auto [name, v] : {std::pair{"pv_fraction", c.pv_fraction}, {"gsh_fraction", c.gsh_fraction},
                               {"built_share", c.built_share}})
            if (!(v >= 0 && v <= 1))
                throw DataError(fmt::format("{}: row {}: {} = {} must be within 0..1", origin, line, name, v));
        // Already-built PV is not new potential; a positive fraction would count those panels twice.
        if (c.existing_pv && c.pv_fraction > 0)
            throw DataError(fmt::format("{}: row {}: code {} is existing PV (existing_pv = 1): its pv_fraction must be 0, "
                                        "found {}", origin, line, c.code, c.pv_fraction));
        if (table.index_[c.code] >= 0)
            throw DataError(fmt::format("{}: row {}: duplicate land-use code {}", origin, line, c.code));
        table.index_[c.code] = int(table.classes_.size());
        table.classes_.push_back(c);
    }
    if (table.classes_.empty()) throw DataError(fmt::format("{}: the land-use class table has no rows", origin));
    table.attributes_ = {ClassAttributes{}};  // no class
    for (const LandUseClass& c : table.classes_)
        table.attributes_.push_back({true, c.excluded, c.existing_pv, c.pv_fraction, c.gsh_fraction, c.built_share});
    return table;
}

int LandUseTable::index_of(int64_t code) const {
    if (code < 0 || code >= kMaxCode) return -1;
    return index_[size_t(code)];
}

}  // namespace repot
