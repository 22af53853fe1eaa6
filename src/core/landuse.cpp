#include "repot/landuse.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "repot/error.hpp"
#include "repot/text_table.hpp"

namespace repot {

namespace {
constexpr int kMaxCode = 1 << 20;  // class codes are small integers; a dense lookup keeps the hot path branch-free
}

const char* LandUseTable::l03b_default_csv() {
    // Same text as datasets/landuse/l03b_classes.csv (a test keeps them equal).
    // The fractions are assumptions of ours, to be replaced by local planning data.
    return "code,name,pv_fraction,gsh_fraction,excluded\n"
           "100,田 (paddy fields),0.05,0.10,0\n"
           "200,その他の農用地 (other farmland),0.05,0.10,0\n"
           "500,森林 (forest),0.00,0.00,0\n"
           "600,荒地 (wasteland),0.30,0.20,0\n"
           "700,建物用地 (building land),0.00,0.10,0\n"
           "901,道路 (roads),0.00,0.05,0\n"
           "902,鉄道 (railways),0.00,0.00,0\n"
           "1000,その他の用地 (other land),0.10,0.20,0\n"
           "1100,河川地及び湖沼 (rivers and lakes),0.00,0.00,1\n"
           "1400,海浜 (beaches),0.00,0.00,0\n"
           "1500,海水域 (sea),0.00,0.00,1\n"
           "1600,ゴルフ場 (golf courses),0.10,0.20,0\n";
}

LandUseTable LandUseTable::l03b_default() { return parse(l03b_default_csv(), "built-in L03-b class table"); }

LandUseTable LandUseTable::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(fmt::format("{}: cannot open land-use class table", path));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path);
}

LandUseTable LandUseTable::parse(const std::string& csv_text, const std::string& origin) {
    TextTable t = TextTable::parse(csv_text, origin);
    for (const char* col : {"code", "name", "pv_fraction", "gsh_fraction", "excluded"})
        t.require_column(col);
    LandUseTable table;
    table.origin_ = origin;
    table.index_.assign(kMaxCode, -1);
    for (size_t r = 0; r < t.rows(); ++r) {
        LandUseClass c;
        double code = t.number(r, "code");
        if (code < 0 || code >= kMaxCode || code != double(int64_t(code)))
            throw DataError(fmt::format("{}: row {}: code {} must be a whole number 0..{}", origin, r + 2, code, kMaxCode - 1));
        c.code = int(code);
        c.name = t.text(r, "name");
        c.pv_fraction = t.number(r, "pv_fraction");
        c.gsh_fraction = t.number(r, "gsh_fraction");
        double ex = t.number(r, "excluded");
        for (auto [name, v] : {std::pair{"pv_fraction", c.pv_fraction}, {"gsh_fraction", c.gsh_fraction}})
            if (!(v >= 0 && v <= 1))
                throw DataError(fmt::format("{}: row {}: {} = {} must be within 0..1", origin, r + 2, name, v));
        if (ex != 0 && ex != 1)
            throw DataError(fmt::format("{}: row {}: excluded must be 0 or 1, found {}", origin, r + 2, ex));
        c.excluded = ex == 1;
        if (table.index_[c.code] >= 0)
            throw DataError(fmt::format("{}: row {}: duplicate land-use code {}", origin, r + 2, c.code));
        table.index_[c.code] = int(table.classes_.size());
        table.classes_.push_back(c);
    }
    if (table.classes_.empty()) throw DataError(fmt::format("{}: the land-use class table has no rows", origin));
    return table;
}

int LandUseTable::index_of(int64_t code) const {
    if (code < 0 || code >= kMaxCode) return -1;
    return index_[size_t(code)];
}

}  // namespace repot
