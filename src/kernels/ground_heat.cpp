// Ground-source heat (地中熱), method.md §6: closed vertical loops under open ground.
#include <algorithm>

#include "repot/kernels.hpp"

namespace repot {

double borehole_heat_gj(const GroundHeatParams& p) {
    // Extraction L·q over t full-load hours, plus the heat pump's electricity: × COP/(COP−1).
    const double extracted_wh = p.borehole_length_m * p.extraction_w_per_m * p.full_load_hours;
    return extracted_wh * p.cop / (p.cop - 1) * 3.6e-6;
}

double ground_heat_gj_per_m2(const GroundHeatParams& p) {
    return borehole_heat_gj(p) / (p.borehole_spacing_m * p.borehole_spacing_m);
}

double ground_field_gj_per_m2(const GroundHeatParams& p, bool classes) {
    return classes ? ground_heat_gj_per_m2(p) : ground_heat_gj_per_m2(p) * p.default_open_ground_fraction;
}

void ground_heat_kernel(const Block& b, Span s, const GroundHeatParams& p, const LandUseTable* classes, Columns& out) {
    const Eigen::Index n = s.count;
    const Eigen::ArrayXd open = open_ground_m2(b, s, classes);
    auto field = out.col(q_ground_field_m2);
    if (classes) {
        const auto c = b.landuse.segment(s.offset, n);
        const Eigen::ArrayXd all_land = class_values(c, *classes, 0.0, [](const LandUseClass& k) { return k.excluded ? 0.0 : 1.0; });
        const Eigen::ArrayXd fraction = class_values(c, *classes, 0.0, [](const LandUseClass& k) { return k.gsh_fraction; });
        out.col(q_ground_px) = (c >= 0).cast<double>();
        out.col(q_ground_open_m2) = open * all_land;
        field = open * all_land * fraction;
        // Pixels whose open ground came from the class built share: a note says how many.
        const Eigen::ArrayXd no_roof = b.roof.size() ? b.roof.segment(s.offset, n).isNaN().cast<double>().eval()
                                                     : Eigen::ArrayXd::Ones(n);
        out.col(q_roof_missing_built_px) = no_roof * (c >= 0).cast<double>();
    } else {  // every pixel is land; the scenario's default fraction applies per zone (ground_field_gj_per_m2)
        out.col(q_ground_px).setOnes();
        out.col(q_ground_open_m2) = open;
        field = open;
    }
    if (b.heat_demand.size()) {
        // Demand caps per cell; a cell without demand data adds nothing (heat_demand_coverage shows it).
        auto demand = b.heat_demand.segment(s.offset, n);
        const Eigen::ArrayXd technical = field * ground_field_gj_per_m2(p, classes != nullptr);
        out.col(q_ground_heat_capped_gj) = demand.isNaN().select(0.0, technical.min(demand));
    }
}

HeatTiers ground_heat_zone(double open_m2, double field_m2, bool classes, std::optional<double> households,
                           std::optional<double> capped_gj, const GroundHeatParams& p) {
    const double technical_gj = field_m2 * ground_field_gj_per_m2(p, classes);
    HeatTiers t{open_m2 * ground_heat_gj_per_m2(p), technical_gj, std::nullopt};
    if (capped_gj) t.usable_gj = std::min(*capped_gj, technical_gj);
    else if (households)
        t.usable_gj = std::min(technical_gj, *households * (p.heating_gj_per_household + p.cooling_gj_per_household));
    return t;
}

}  // namespace repot
