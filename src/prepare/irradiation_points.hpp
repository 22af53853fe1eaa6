#pragma once
// Reads a table of monthly global horizontal irradiation at points (kWh/m² per month) in one of two
// layouts, refusing by file and row anything the raster could not honestly be built from.
#include <array>
#include <string>
#include <utility>
#include <vector>

namespace repot::prepare {

struct IrradiationPoint {
    std::string id;
    double lat = 0, lon = 0;        // degrees, JGD2011 / WGS84 (they differ by less than a metre)
    std::array<double, 12> ghi{};   // kWh/m² per month, January first
    int row = 0;                    // file line of the row (header = 1)
};

struct IrradiationPoints {
    std::string layout;             // "MONSOLA" or "id,lat,lon,m01..m12"
    std::vector<IrradiationPoint> points;  // table order
};

// MONSOLA layout: a `quantity` column; rows with quantity ghi_horizontal_mean_monthly_total are read
// (id = station_id), every other row is ignored. Plain layout: id,lat,lon,m01..m12.
// `filters` (column, value) keep only rows whose column equals the value as text.
IrradiationPoints parse_irradiation_points(const std::string& csv_text, const std::string& origin,
                                           const std::vector<std::pair<std::string, std::string>>& filters);
IrradiationPoints read_irradiation_points(const std::string& path,
                                          const std::vector<std::pair<std::string, std::string>>& filters);

// Largest monthly total accepted: above the sunniest month anywhere (about 330 kWh/m², the Atacama in
// December), so a larger value is a unit mistake (Wh, MJ) rather than a climate.
constexpr double max_monthly_ghi = 400;

}  // namespace repot::prepare
