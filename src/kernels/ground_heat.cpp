// Ground-source heat (地中熱), method.md §6: closed vertical loops under open ground.
#include <algorithm>

#include "repot/kernels.hpp"

namespace repot {

double borehole_heat_gj(const GroundHeatParams& p) {
    // Extraction L·q over t full-load hours, plus the heat pump's electricity: × COP/(COP−1).
    const double extracted_wh = p.borehole_length_m * p.extraction_w_per_m * p.full_load_hours;
    return extracted_wh * p.cop / (p.cop - 1) * 3.6e-6;
}

namespace {
// Open ground (pixel minus roofs; no roof data: no roofs) times the heat per m² (a vectorised loop:
// kernels.hpp).
void open_ground(const double* __restrict roof, double pixel_area, double per_m2, double fraction,
                 double* __restrict theoretical, double* __restrict technical, Eigen::Index n) {
    for (Eigen::Index i = 0; i < n; ++i) {
        const double open_m2 = std::max(pixel_area - (roof[i] == roof[i] ? roof[i] : 0.0), 0.0);
        theoretical[i] = open_m2 * per_m2;
        technical[i] = open_m2 * fraction * per_m2;
    }
}
}  // namespace

void ground_heat_kernel(const Block& b, Span s, const GroundHeatParams& p, const LandUseTable* classes, Columns& out) {
    const Eigen::Index n = s.count;
    const double per_m2 = borehole_heat_gj(p) / (p.borehole_spacing_m * p.borehole_spacing_m);
    auto technical = out.col(q_ground_technical_gj);
    if (classes) {
        const auto R = b.roof.segment(s.offset, n);
        const Eigen::ArrayXd open = (b.pixel_area - R.isNaN().select(0.0, R)).max(0.0);
        const auto& cls = classes->classes();
        const auto c = b.landuse.segment(s.offset, n);
        const Eigen::ArrayXd all_land = c.unaryExpr([&](int k) { return k < 0 || cls[size_t(k)].excluded ? 0.0 : 1.0; });
        const Eigen::ArrayXd fraction = c.unaryExpr([&](int k) { return k < 0 ? 0.0 : cls[size_t(k)].gsh_fraction; });
        out.col(q_ground_px) = (c >= 0).cast<double>();
        out.col(q_ground_theoretical_gj) = open * all_land * per_m2;
        technical = open * all_land * fraction * per_m2;
    } else {  // every pixel is land, with the scenario's default fraction
        out.col(q_ground_px).setOnes();
        open_ground(b.roof.data() + s.offset, b.pixel_area, per_m2, p.default_open_ground_fraction,
                    out.col(q_ground_theoretical_gj).data(), technical.data(), n);
    }
    if (b.heat_demand.size()) {
        auto demand = b.heat_demand.segment(s.offset, n);
        out.col(q_ground_heat_capped_gj) = demand.isNaN().select(0.0, technical.min(demand));
    }
}

HeatTiers ground_heat_zone(double theoretical_gj, double technical_gj, std::optional<double> households,
                           std::optional<double> capped_gj, const GroundHeatParams& p) {
    HeatTiers t{theoretical_gj, technical_gj, std::nullopt};
    if (capped_gj) t.usable_gj = std::min(*capped_gj, technical_gj);
    else if (households)
        t.usable_gj = std::min(technical_gj, *households * (p.heating_gj_per_household + p.cooling_gj_per_household));
    return t;
}

}  // namespace repot
