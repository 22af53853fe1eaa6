// Solar PV on land, method.md §4: land-use class fractions of the open ground (pixel minus roofs).
#include "repot/kernels.hpp"

namespace repot {

namespace {
// The per-pixel tiers of land PV, per run of one class (kernels.hpp, for_each_class_run): the class attributes are
// constants of the run, so each run is one vectorised loop over its pixels with no lookup per pixel (a
// 100 m land-use cell is 100 pixels of a 1 m row). Density and design factor apply per zone
// (solar_land_zone). kRoof: a roof layer is given (its own loop: a null pointer tested per pixel becomes a
// masked load).
template <bool kRoof>
void land_run(const ClassAttributes& c, const double* __restrict H, const double* __restrict roof, double area,
              double* __restrict pv_px, double* __restrict land_px, double* __restrict land_area,
              double* __restrict existing_m2, double* __restrict theoretical, double* __restrict panel,
              Eigen::Index n) {
    // The class's flags as 0/1 factors: a pixel's values are the class's, zeroed where GHI has no value.
    const double known = c.known ? 1.0 : 0.0, land = c.known && !c.excluded ? 1.0 : 0.0;
    const double existing = c.known && c.existing_pv ? area : 0.0, built = c.built_share * area;
    const double pv_fraction = c.pv_fraction;
    for (Eigen::Index i = 0; i < n; ++i) {
        const bool h = H[i] == H[i];
        pv_px[i] = h ? known : 0.0;
        land_px[i] = h ? land : 0.0;
        land_area[i] = h ? land * area : 0.0;
        existing_m2[i] = existing;
        theoretical[i] = h ? land_theoretical_kwh(H[i], area, land) : 0.0;
        panel[i] = h ? land_panel_m2(area, built, kRoof ? roof[i] : NAN, kRoof, pv_fraction, land) : 0.0;
    }
}
}  // namespace

void solar_land_kernel(const Block& b, Span s, const SolarLandParams& p, const LandUseTable& classes,
                       const SkyContext& sky, Columns& out, MonthlyEnergy* monthly, const ColumnMask& skip) {
    if (monthly) monthly->rows.clear(), monthly->weight = nullptr;
    if (!b.landuse.size() || !b.ghi_year.size()) return;
    const Eigen::Index n = s.count;
    const int* c = b.landuse.data() + s.offset;
    const double* H_year = b.ghi_year.data() + s.offset;
    // The theoretical tier needs land use and GHI only; panels stand on the open ground of land classes.
    const double* roof = b.roof.size() ? b.roof.data() + s.offset : nullptr;
    double *pv_px = out.col(q_land_pv_px).data(), *land_px = out.col(q_land_px).data(),
           *land_area = out.col(q_land_area_m2).data(), *existing = out.col(q_existing_pv_m2).data(),
           *theoretical = out.col(q_land_theoretical_kwh).data(), *panel = out.col(q_land_panel_m2).data();
    for_each_class_run(c, n, classes, [&](const ClassAttributes& a, Eigen::Index i, Eigen::Index len) {
        (roof ? land_run<true> : land_run<false>)(a, H_year + i, roof ? roof + i : nullptr, b.pixel_area, pv_px + i,
                                                   land_px + i, land_area + i, existing + i, theoretical + i,
                                                   panel + i, len);
    });
    const auto land = out.col(q_land_px) > 0;
    const auto panel_m2 = out.col(q_land_panel_m2);
    auto plane = out.col(q_land_plane_kwh);
    if (b.land_plane_year.size()) {  // transposed on the GHI's lattice by the engine
        plane = panel_m2 * b.land_plane_year.segment(s.offset, n);
        if (monthly) monthly->weight = panel_m2.data();
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
    auto usable = out.col(q_land_plane_usable_kwh);
    if (b.inclusion.size()) usable = plane * inclusion_span(b, s);
    else if (b.terrain_slope.size() || !skip[q_land_plane_usable_kwh]) usable = plane;
    if (b.terrain_slope.size()) {
        // The terrain slope screens the usable tier: a land pixel without a value is left out of it
        // (method.md §10) and counted in terrain_slope_coverage.
        const auto terrain = b.terrain_slope.segment(s.offset, n);
        out.col(q_terrain_slope_valid_px) = (land && !terrain.isNaN()).cast<double>();
        usable *= (terrain < p.max_terrain_slope_deg).cast<double>();  // NaN compares false
    }
}

double land_technical_factor(const SolarLandParams& p) {
    constexpr double G_stc_kw_m2 = 1.0;
    return p.density_kw_m2 * p.design_factor / G_stc_kw_m2;
}

PvTiers solar_land_zone(double panel_m2, double plane_kwh, double plane_usable_kwh, const SolarLandParams& p) {
    return {panel_m2 * p.density_kw_m2, plane_kwh * land_technical_factor(p), plane_usable_kwh * land_technical_factor(p)};
}

}  // namespace repot
