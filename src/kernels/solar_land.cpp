// Solar PV on land, method.md §4: land-use class fractions of the open ground (pixel minus roofs).
#include "repot/kernels.hpp"

namespace repot {

namespace {
// The per-pixel tiers of land PV as one vectorised loop (kernels.hpp): the class attributes gathered
// from small tables (ClassLut), the open ground (open_ground) and every column written in one pass, without a
// temporary array per attribute. Density and design factor apply per zone (solar_land_zone).
// kRoof: a roof layer is given (its own loop: a null pointer tested per pixel becomes a masked load).
template <bool kRoof>
void land_tiers(const int* __restrict cls, const ClassLut& lut, const double* __restrict H,
                const double* __restrict roof, double area, double* __restrict pv_px, double* __restrict land_px,
                double* __restrict land_area, double* __restrict existing_m2, double* __restrict theoretical,
                double* __restrict panel, Eigen::Index n) {
    const double *known = lut.known.data() + 1, *excluded = lut.excluded.data() + 1,
                 *existing = lut.existing_pv.data() + 1, *pv_fraction = lut.pv_fraction.data() + 1,
                 *built_share = lut.built_share.data() + 1;
    for (Eigen::Index i = 0; i < n; ++i) {
        const int k = cls[i];
        const bool valid = (known[k] > 0) & (H[i] == H[i]);
        const bool land = valid & (excluded[k] == 0);
        pv_px[i] = valid ? 1.0 : 0.0;
        land_px[i] = land ? 1.0 : 0.0;
        land_area[i] = land ? area : 0.0;
        existing_m2[i] = known[k] > 0 ? existing[k] * area : 0.0;
        theoretical[i] = land ? H[i] * area : 0.0;
        panel[i] = land ? open_ground(area, built_share[k] * area, kRoof ? roof[i] : NAN, kRoof) * pv_fraction[k] : 0.0;
    }
}
}  // namespace

void solar_land_kernel(const Block& b, Span s, const SolarLandParams& p, const LandUseTable& classes,
                       const SkyContext& sky, Columns& out, MonthlyEnergy* monthly) {
    if (monthly) monthly->rows.clear(), monthly->weight.resize(0);
    if (!b.landuse.size() || !b.ghi_year.size()) return;
    const Eigen::Index n = s.count;
    const ClassLut& lut = classes.lut();
    const int* c = b.landuse.data() + s.offset;
    const double* H_year = b.ghi_year.data() + s.offset;
    // The theoretical tier needs land use and GHI only; panels stand on the open ground of land classes.
    auto tiers = b.roof.size() ? land_tiers<true> : land_tiers<false>;
    tiers(c, lut, H_year, b.roof.size() ? b.roof.data() + s.offset : nullptr, b.pixel_area, out.col(q_land_pv_px).data(),
          out.col(q_land_px).data(), out.col(q_land_area_m2).data(), out.col(q_existing_pv_m2).data(),
          out.col(q_land_theoretical_kwh).data(), out.col(q_land_panel_m2).data(), n);
    const auto land = out.col(q_land_px) > 0;
    const auto panel_m2 = out.col(q_land_panel_m2);
    auto plane = out.col(q_land_plane_kwh);
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
    auto usable = out.col(q_land_plane_usable_kwh);
    if (b.inclusion.size()) usable = plane * inclusion_span(b, s);
    else usable = plane;
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
