// Solar heat (太陽熱), method.md §5: collectors on the eligible roofs PV would use, for dwellings.
#include <algorithm>

#include "repot/kernels.hpp"

namespace repot {

namespace {
constexpr double kGjPerKwh = 0.0036;
}

void solar_heat_kernel(const Block& b, Span s, const SolarHeatParams& p, Columns& out) {
    if (!b.heat_demand.size() || !b.roof.size() || !b.ghi_year.size()) return;  // no demand, or no roof kernel
    auto demand = b.heat_demand.segment(s.offset, s.count);
    // Heat the collectors on this pixel's roofs would deliver, capped by the demand of the same pixel; a
    // cell without demand data adds nothing (heat_demand_coverage shows it).
    Eigen::ArrayXd delivered = out.col(q_collector_kwh) * p.collector_efficiency * kGjPerKwh;
    out.col(q_solar_heat_capped_gj) = demand.isNaN().select(0.0, delivered.min(demand));
}

HeatTiers solar_heat_zone(double collector_m2, double collector_kwh, std::optional<double> households,
                          std::optional<double> capped_gj, const SolarHeatParams& p) {
    // Collector area: 6 m² per household at most, never more than the eligible roof carries.
    double area = collector_m2;
    if (households) area = std::min(collector_m2, p.collector_m2_per_household * *households);
    const double mean_plane_kwh_m2 = collector_m2 > 0 ? collector_kwh / collector_m2 : 0;
    HeatTiers t;
    t.theoretical_gj = mean_plane_kwh_m2 * area * kGjPerKwh;
    t.technical_gj = t.theoretical_gj * p.collector_efficiency;
    if (capped_gj) t.usable_gj = std::min(*capped_gj, t.technical_gj);
    else if (households) t.usable_gj = std::min(t.technical_gj, *households * p.hot_water_gj_per_household);
    return t;
}

}  // namespace repot
