// Solar PV on land, method.md §4: land-use class fractions of the open ground (pixel minus roofs).
#include "repot/kernels.hpp"

namespace repot {

void solar_land_kernel(const Block& b, Span s, const SolarLandParams& p, const LandUseTable& classes,
                       const SkyContext& sky, Columns& out, MonthlyEnergy* monthly) {
    if (monthly) monthly->rows.clear(), monthly->weight.resize(0);
    if (!b.landuse.size() || !b.ghi_year.size()) return;
    const Eigen::Index n = s.count;
    const auto& cls = classes.classes();
    Eigen::ArrayXi c = b.landuse.segment(s.offset, n);
    const auto H_year = b.ghi_year.segment(s.offset, n);
    // Class lookups (a gather, not a branch): -1 (no class) reads as excluded.
    Eigen::ArrayXd pv_fraction = c.unaryExpr([&](int k) { return k < 0 ? 0.0 : cls[size_t(k)].pv_fraction; });
    Eigen::ArrayXd excluded = c.unaryExpr([&](int k) { return k < 0 || cls[size_t(k)].excluded ? 1.0 : 0.0; });
    Eigen::ArrayXd existing = c.unaryExpr([&](int k) { return k >= 0 && cls[size_t(k)].existing_pv ? 1.0 : 0.0; });

    // The theoretical tier needs land use and GHI only.
    auto valid = (c >= 0) && !H_year.isNaN();
    out.col(q_land_pv_px) = valid.cast<double>();
    auto land = valid && (excluded == 0);
    out.col(q_land_px) = land.cast<double>();
    out.col(q_land_area_m2) = land.select(Eigen::ArrayXd::Constant(n, b.pixel_area), 0.0);
    out.col(q_existing_pv_m2) = (c >= 0).select(existing * b.pixel_area, 0.0);
    out.col(q_land_theoretical_kwh) = land.select(H_year * b.pixel_area, 0.0);

    // Panel ground; density and design factor apply per zone (solar_land_zone).
    Eigen::ArrayXd panel_m2 = land.select(open_ground_m2(b, s, &classes) * pv_fraction, 0.0);
    out.col(q_land_panel_m2) = panel_m2;
    Eigen::ArrayXd plane;
    if (b.land_plane_year.size()) {  // transposed on the GHI's lattice by the engine
        plane = panel_m2 * b.land_plane_year.segment(s.offset, n);
        if (monthly) monthly->weight = panel_m2;
    } else {
        // In-plane irradiation only where panels stand: the transposition is the costly part of a pixel.
        const auto rows = positive_rows(panel_m2);
        Eigen::ArrayXd H_plane = Eigen::ArrayXd::Zero(n);
        Eigen::ArrayXXd scratch;
        if (!rows.empty())
            H_plane(rows) = solar::inplane_fixed_plane(monthly_ghi(b, s, rows, scratch), sky.sky, *sky.table,
                                                       p.panel_tilt_deg, p.panel_aspect_deg,
                                                       monthly ? &monthly->kwh : nullptr);
        plane = panel_m2 * H_plane;
        if (monthly && !rows.empty()) {  // each month's H on the pixel's panel ground
            monthly->rows = rows;
            for (size_t k = 0; k < rows.size(); ++k) monthly->kwh.row(Eigen::Index(k)) *= panel_m2(rows[k]);
        }
    }
    out.col(q_land_plane_kwh) = plane;
    Eigen::ArrayXd usable = plane * inclusion_span(b, s);
    if (b.terrain_slope.size()) {
        // The terrain slope screens the usable tier: a land pixel without a value is left out of it
        // (method.md §10) and counted in terrain_slope_coverage.
        const auto terrain = b.terrain_slope.segment(s.offset, n);
        out.col(q_terrain_slope_valid_px) = (land && !terrain.isNaN()).cast<double>();
        usable *= (terrain < p.max_terrain_slope_deg).cast<double>();  // NaN compares false
    }
    out.col(q_land_plane_usable_kwh) = usable;
}

double land_technical_factor(const SolarLandParams& p) {
    constexpr double G_stc_kw_m2 = 1.0;
    return p.density_kw_m2 * p.design_factor / G_stc_kw_m2;
}

PvTiers solar_land_zone(double panel_m2, double plane_kwh, double plane_usable_kwh, const SolarLandParams& p) {
    return {panel_m2 * p.density_kw_m2, plane_kwh * land_technical_factor(p), plane_usable_kwh * land_technical_factor(p)};
}

}  // namespace repot
