// Solar heat (太陽熱), method.md §5: collectors on the eligible roofs PV would use, for dwellings.
#include <algorithm>

#include "repot/kernels.hpp"

namespace repot {

namespace {
constexpr double kGjPerKwh = 0.0036;
}

double solar_heat_factor(const SolarRoofParams& roof, const SolarHeatParams& p) {
    return roof.coverage * p.collector_efficiency * kGjPerKwh;
}

void solar_heat_kernel(const Block& b, Span s, const SolarRoofParams& roof, const SolarHeatParams& p, Columns& out) {
    if (!b.heat_demand.size() || !b.roof.size() || !b.ghi_year.size()) return;  // no demand, or no roof kernel
    auto demand = b.heat_demand.segment(s.offset, s.count);
    // Heat the collectors on this pixel's roofs would deliver, capped by the demand of the same pixel; a
    // cell without demand data adds nothing (heat_demand_coverage shows it).
    Eigen::ArrayXd delivered = out.col(q_roof_plane_kwh) * solar_heat_factor(roof, p);
    out.col(q_solar_heat_capped_gj) = demand.isNaN().select(0.0, delivered.min(demand));
}

HeatTiers solar_heat_zone(double eligible_m2, double plane_kwh, std::optional<double> households,
                          std::optional<double> capped_gj, const SolarRoofParams& roof, const SolarHeatParams& p) {
    // Collector area: the eligible roof PV would cover, at most 6 m² per household.
    const double collector_m2 = eligible_m2 * roof.coverage;
    double area = collector_m2;
    if (households) area = std::min(collector_m2, p.collector_m2_per_household * *households);
    const double mean_plane_kwh_m2 = eligible_m2 > 0 ? plane_kwh / eligible_m2 : 0;
    HeatTiers t;
    t.theoretical_gj = mean_plane_kwh_m2 * area * kGjPerKwh;
    t.technical_gj = t.theoretical_gj * p.collector_efficiency;
    if (capped_gj) t.usable_gj = std::min(*capped_gj, t.technical_gj);
    else if (households) t.usable_gj = std::min(t.technical_gj, *households * p.hot_water_gj_per_household);
    return t;
}

}  // namespace repot
