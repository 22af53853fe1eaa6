// `prepare irradiation`, the table: two layouts, strict numbers, one clear error per bad row.
#include "irradiation_points.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "repot/error.hpp"
#include "repot/message_text.hpp"
#include "repot/text_table.hpp"

namespace repot::prepare {
namespace {

constexpr const char* monsola_quantity = "ghi_horizontal_mean_monthly_total";

// The text of a cell as a finite number, or a DataError naming the file, line and column.
double number(const TextTable& t, size_t r, const std::string& col, const std::string& origin) {
    const std::string& s = t.text(r, col);
    if (s.empty()) throw DataError(fmt::format("{}: row {}: {} has no value", origin, r + 2, col));
    if (auto v = parse_finite(s)) return *v;
    throw DataError(fmt::format("{}: row {}: {} = {} is not a number", origin, r + 2, col, quote_for_message(s)));
}

std::string month_column(int m) { return fmt::format("m{:02d}", m + 1); }

}  // namespace

IrradiationPoints parse_irradiation_points(const std::string& csv_text, const std::string& origin,
                                           const std::vector<std::pair<std::string, std::string>>& filters) {
    const TextTable t = TextTable::parse(csv_text, origin);
    IrradiationPoints out;
    const bool monsola = t.has_column("quantity");
    out.layout = monsola ? "MONSOLA" : "id,lat,lon,m01..m12";
    const std::string id_col = monsola ? "station_id" : "id";
    auto require = [&](const std::string& col) {
        if (!t.has_column(col))
            throw DataError(fmt::format("{}: the {} layout needs a column '{}' (columns: {})", origin, out.layout, col,
                                        quote_for_message(fmt::format("{}", fmt::join(t.header(), ",")), 120)));
    };
    for (const std::string& col : {id_col, std::string("lat"), std::string("lon")}) require(col);
    for (int m = 0; m < 12; ++m) require(month_column(m));
    for (const auto& [col, value] : filters)
        if (!t.has_column(col))
            throw UsageError(fmt::format("--filter {}={}: {} has no column '{}'", col, value, origin, col));

    std::map<std::string, int> seen;  // id -> line
    for (size_t r = 0; r < t.rows(); ++r) {
        const int line = int(r) + 2;
        if (monsola && t.text(r, "quantity") != monsola_quantity) continue;
        bool keep = true;
        for (const auto& [col, value] : filters) keep = keep && t.text(r, col) == value;
        if (!keep) continue;

        IrradiationPoint p;
        p.row = line;
        p.id = t.text(r, id_col);
        if (p.id.empty()) throw DataError(fmt::format("{}: row {}: {} is empty", origin, line, id_col));
        if (auto [it, fresh] = seen.emplace(p.id, line); !fresh)
            throw DataError(fmt::format("{}: row {}: point id {} repeats row {}", origin, line, quote_for_message(p.id),
                                        it->second));
        p.lat = number(t, r, "lat", origin);
        p.lon = number(t, r, "lon", origin);
        if (!(p.lat >= -90 && p.lat <= 90))
            throw DataError(fmt::format("{}: row {}: lat = {} is not a latitude (-90..90 degrees)", origin, line, p.lat));
        if (!(p.lon >= -180 && p.lon <= 180))
            throw DataError(fmt::format("{}: row {}: lon = {} is not a longitude (-180..180 degrees)", origin, line, p.lon));
        for (int m = 0; m < 12; ++m) {
            const double v = number(t, r, month_column(m), origin);
            if (!(v >= 0 && v <= max_monthly_ghi))
                throw DataError(fmt::format("{}: row {}: {} = {} is outside 0..{} kWh/m2 per month (Wh or MJ instead "
                                            "of kWh?)", origin, line, month_column(m), v, max_monthly_ghi));
            p.ghi[size_t(m)] = v;
        }
        out.points.push_back(std::move(p));
    }
    if (out.points.empty())
        throw DataError(fmt::format("{}: no point to read{}", origin,
                                    monsola ? fmt::format(" (no row with quantity = {} left)", monsola_quantity)
                                            : (filters.empty() ? std::string() : " (--filter left none)")));
    return out;
}

IrradiationPoints read_irradiation_points(const std::string& path,
                                          const std::vector<std::pair<std::string, std::string>>& filters) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(fmt::format("{}: cannot open the point table", path));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_irradiation_points(ss.str(), path, filters);
}

}  // namespace repot::prepare
