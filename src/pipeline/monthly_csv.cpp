#include "monthly_csv.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "repot/kernels.hpp"
#include "repot/text_table.hpp"

namespace repot {

std::string monthly_csv(const Inputs& in, const ZoneSums& sums, const ResultsTable& table) {
    struct Source {
        MonthlySource id;
        const char* name;
        const char* technical_column;  // a zone without it has no monthly rows
        double kwh_per_plane_kwh;      // the zone-level technical factor (kernels.hpp)
    };
    const Source kSources[] = {
        {MonthlySource::solar_roof, "solar_roof", "solar_roof_technical_mwh", roof_technical_factor(in.scenario.solar_roof)},
        {MonthlySource::solar_land, "solar_land", "solar_land_technical_mwh", land_technical_factor(in.scenario.solar_land)}};
    std::string out = "zone_id,zone_name,source,tier,month,value,unit\n";
    const auto& zones = in.zones.zones();
    if (table.rows.size() != zones.size()) throw std::logic_error("monthly_csv: one table row per zone expected");
    for (size_t k = 0; k < zones.size(); ++k) {
        if (table.rows[k].zone_id != zones[k].id) throw std::logic_error("monthly_csv: rows out of zone order");
        for (const Source& s : kSources) {
            if (!table.value(k, s.technical_column)) continue;
            const std::string head = fmt::format("{},{},{},technical,", csv_field(zones[k].id), csv_field(zones[k].name), s.name);
            for (int m = 0; m < 12; ++m)
                out += fmt::format("{}{},{},MWh\n", head, m + 1, format_number(sums.monthly(int(k) + 1, s.id, m) * s.kwh_per_plane_kwh / 1000.0, 3));
        }
    }
    return out;
}

}  // namespace repot
