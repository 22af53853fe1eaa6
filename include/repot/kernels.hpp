#pragma once
// Kernels: pure functions from a span of a block's pixels to per-pixel quantities (method.md §3, §4).
// They write columns of `out` (span length × q_count); a pixel that lacks an input contributes 0 to
// the energy columns and is counted in the coverage columns instead. No I/O, no per-pixel branches.
// For the commonest layer sets (roof and GHI, with or without land use) sums_direct adds the same
// quantities to the zone sums without columns; the map outputs and every other layer set use the columns.
// Hot per-pixel loops are plain functions of __restrict parameters with v == v as the NaN test: GCC
// vectorises those (not Eigen's boolean masks, and it ignores restrict on local pointers), given
// -fno-trapping-math (CMakeLists.txt).
#include <Eigen/Core>
#include <algorithm>
#include <bitset>
#include <cmath>
#include <optional>
#include <vector>

#include "repot/accumulate.hpp"
#include "repot/block.hpp"
#include "repot/landuse.hpp"
#include "repot/quantities.hpp"
#include "repot/scenario.hpp"
#include "repot/solar_geometry.hpp"

namespace repot {

using Columns = Eigen::ArrayXXd;  // span × q_count
// Columns a kernel may leave unwritten, one bit per quantity: the engine's plan derives them from other
// columns (ColumnPlan) and nothing reads them. Only the columns named at each kernel are ever skipped;
// an empty mask (the default) writes every column.
using ColumnMask = std::bitset<q_count>;

struct Span {
    Eigen::Index offset = 0, count = 0;
};

// Context shared by all pixels of a block.
struct SkyContext {
    solar::MonthlySky sky;                        // at the block latitude
    const solar::TranspositionTable* table = nullptr;  // once per run
};

// Monthly in-plane irradiation on a span's panel pixels (kWh: panel area × kWh/m², shade applied), for
// potential_monthly.csv: `rows` are span positions (ascending), `kwh` is rows × 12. Months sum to the
// pixel's plane column; the zone-level technical factor turns their zone sums into PV energy.
// With Block::roof_plane_year the roof kernel leaves rows and kwh empty and gives `weight` instead: per
// span position the panel area × shade whose monthly in-plane irradiation the engine sums through the
// transposed source cells (RasterReader::weighted_sums). It points into a column of the kernel's output,
// into the block's roof (sums_direct), or into `stored`: a weight no column holds (eligible roof × shade,
// sums_direct's land panels); null when the kernel gave rows and kwh.
struct MonthlyEnergy {
    std::vector<Eigen::Index> rows;
    Eigen::ArrayXXd kwh;
    const double* weight = nullptr;
    Eigen::ArrayXd stored;
};

// Which layers have a value at every pixel of a span (coverage_kernel tells): their coverage counts equal
// the pixel count, and columns that differ only where a layer lacks a value are equal (plan_equal_columns).
struct CompleteLayers {
    bool roof = false, ghi = false, landuse = false;  // landuse: a class at every pixel
    bool operator==(const CompleteLayers&) const = default;
};

// skip: q_pixels.
CompleteLayers coverage_kernel(const Block& b, Span s, Columns& out, const ColumnMask& skip = {});
// skip: q_roof_face_px and q_roof_plane_included_kwh, where the block has no screening (slope, shade) and
// no inclusion layer respectively (they are copies then).
void solar_roof_kernel(const Block& b, Span s, const SolarRoofParams& p, const SkyContext& sky, Columns& out,
                       MonthlyEnergy* monthly = nullptr, const ColumnMask& skip = {});
// skip: q_land_plane_usable_kwh without inclusion and terrain-slope layers (a copy then).
void solar_land_kernel(const Block& b, Span s, const SolarLandParams& p, const LandUseTable& classes,
                       const SkyContext& sky, Columns& out, MonthlyEnergy* monthly = nullptr,
                       const ColumnMask& skip = {});

// The sums a span adds to its zones (Block::zone), straight from the layers without columns, for a run
// with roof and GHI and, with `classes`, land use, and no other layer, the panel planes on the lattice
// (Block::roof_plane_year, land_plane_year): exactly what coverage_kernel, solar_roof_kernel,
// solar_land_kernel and ground_heat_kernel would write and ZoneSums::add sum — the same quanta, so the same
// bits. False, adding nothing, for any other layer set or a span where the roof or GHI lacks a value
// somewhere: the column kernels take it (and the map outputs, which need the columns). roof_monthly,
// land_monthly: the monthly weights, as the kernels give them.
bool sums_direct(const Block& b, Span s, const LandUseTable* classes, ZoneSums& sums,
                 MonthlyEnergy* roof_monthly = nullptr, MonthlyEnergy* land_monthly = nullptr);

// Zone-level PV tiers from the kernels' sums (quantities.hpp): the linear parameters applied once per
// zone, the same arithmetic for one scenario or many. Energies in kWh.
struct PvTiers {
    double capacity_kw = 0, technical_kwh = 0, usable_kwh = 0;
};
// kWh of roof PV per kWh of in-plane irradiation on eligible roof: coverage × density × K / G_stc.
double roof_technical_factor(const SolarRoofParams& p);
double roof_usable_factor(const SolarRoofParams& p);  // the same × the usable factor
PvTiers solar_roof_zone(double eligible_m2, double plane_kwh, double plane_included_kwh, const SolarRoofParams& p);
// kWh of land PV per kWh of in-plane irradiation on panel ground: density × K / G_stc.
double land_technical_factor(const SolarLandParams& p);
PvTiers solar_land_zone(double panel_m2, double plane_kwh, double plane_usable_kwh, const SolarLandParams& p);

// Roof eligibility of method.md §3 (1 eligible, 0 not) for slope/aspect/shade arrays.
Eigen::ArrayXd roof_eligible(const Eigen::ArrayXd& slope, const Eigen::ArrayXd& aspect, const Eigen::ArrayXd& shade,
                             const SolarRoofParams& p);

}  // namespace repot

namespace repot {
// Product of the inclusion layers over a span; 1 where no inclusion layer is given or it has no value
// (outside an inclusion layer nothing is known to restrict).
Eigen::ArrayXd inclusion_span(const Block& b, Span s);
// Open ground of a pixel, m² (method.md §10): the pixel less its roofs (clamped at 0); where roof data is
// missing (NaN), the pixel less `built`, the built share of its class (no class table: 0); the same
// without a roof layer (has_roof false). T: double, or Lanes (four pixels: sums_direct) — one definition.
template <class T>
T open_ground(double area, double built, T roof, bool has_roof) {
    if (!has_roof) return T{} + (area - built);
    const T open = area - (roof == roof ? roof : T{} + built);
    return open < 0 ? T{} : open;  // std::max(open, 0.0)
}
// A pixel's land quantities (method.md §4, §6) from its class's constants (land: 1 for a class on land, 0
// excluded or none), one definition for the column kernels and sums_direct: the theoretical land PV (H ×
// pixel on land, kWh), the panel ground (open ground × the class's PV fraction, m²) and the open ground on
// land (ground heat; × the class's borehole-field share gives the field).
template <class T>
T land_theoretical_kwh(T H, double area, double land) { return H * area * land; }
template <class T>
T land_panel_m2(double area, double built, T roof, bool has_roof, double pv_fraction, double land) {
    return open_ground(area, built, roof, has_roof) * pv_fraction * land;
}
template <class T>
T land_open_m2(double area, double built, T roof, bool has_roof, double land) {
    return open_ground(area, built, roof, has_roof) * land;
}
// Calls f(attributes, first, count) for each run of pixels of one class in cls[0, n) (class indices, -1
// none): the land kernels treat a class's attributes as constants of the run.
template <class F>
void for_each_class_run(const int* cls, Eigen::Index n, const LandUseTable& classes, F f) {
    const Eigen::Map<const Eigen::ArrayXi> c(cls, n);
    for (Eigen::Index i = 0; i < n;) {
        const Eigen::Index end = run_end(c, i);  // the run of equal values from i
        f(classes.attributes(cls[i]), i, end - i);
        i = end;
    }
}
// The columns the kernels write that equal another column, or 1, in every pixel of a span with b's
// layers (classes: a land-use table is given) and the span's complete layers: plan.copies and plan.ones
// (equal_columns.cpp).
void plan_equal_columns(const Block& b, bool classes, CompleteLayers complete, ColumnPlan& plan);
// The plan for a span's columns after the kernels wrote them into `values` (a scratch filled with NaN
// when allocated: the columns not NaN are those written): the equal columns of plan_equal_columns that
// were written become copies, ones and zeros, every other written column is summed. skip: the columns
// the kernels may leave unwritten in later spans (derived whatever the complete layers).
void plan_columns(const Block& b, bool classes, CompleteLayers complete, const Columns& values, ColumnPlan& plan,
                  ColumnMask& skip);
// Positions where v > 0 (NaN is not): the pixels that carry panels.
std::vector<Eigen::Index> positive_rows(const Eigen::Ref<const Eigen::ArrayXd>& v);
// Monthly GHI (rows.size() × 12) of the span positions `rows` (ascending, not empty), which must carry
// panels (block.hpp): a view into b.ghi when their rows are consecutive, else gathered into scratch.
Eigen::Ref<const Eigen::ArrayXXd> monthly_ghi(const Block& b, Span s, const std::vector<Eigen::Index>& rows,
                                              Eigen::ArrayXXd& scratch);
}  // namespace repot

namespace repot {

// Solar heat, method.md §5. Per pixel only the demand cap of a heat-demand raster (run after the roof
// kernel, whose plane column it reads); the household cap on collector area works per zone.
void solar_heat_kernel(const Block& b, Span s, const SolarRoofParams& roof, const SolarHeatParams& p, Columns& out);
// GJ of collector heat per kWh of in-plane irradiation on eligible roof: coverage × efficiency.
double solar_heat_factor(const SolarRoofParams& roof, const SolarHeatParams& p);

// Ground-source heat, method.md §6: borehole fields under open ground (pixel minus roofs).
// Without a land-use table every pixel is open ground with the scenario's default fraction.
// skip: q_ground_px and q_ground_field_m2 without classes and without a heat-demand layer.
void ground_heat_kernel(const Block& b, Span s, const GroundHeatParams& p, const LandUseTable* classes, Columns& out,
                        const ColumnMask& skip = {});

// Heat delivered by one borehole per year (GJ): L · q · t · COP/(COP−1).
double borehole_heat_gj(const GroundHeatParams& p);
// GJ per m² of open ground (theoretical): one borehole per spacing².
double ground_heat_gj_per_m2(const GroundHeatParams& p);
// GJ per m² of borehole field (the technical column): without land-use classes the field is the whole
// open ground, and the scenario's default fraction applies here.
double ground_field_gj_per_m2(const GroundHeatParams& p, bool classes);

// Zone-level tiers of the heat sources. Households come from population (per zone); a capped value
// comes from a heat-demand raster (per cell). Without either, usable is empty.
struct HeatTiers {
    double theoretical_gj = 0, technical_gj = 0;
    std::optional<double> usable_gj;
};
HeatTiers solar_heat_zone(double eligible_m2, double plane_kwh, std::optional<double> households,
                          std::optional<double> capped_gj, const SolarRoofParams& roof, const SolarHeatParams& p);
HeatTiers ground_heat_zone(double open_m2, double field_m2, bool classes, std::optional<double> households,
                           std::optional<double> capped_gj, const GroundHeatParams& p);

}  // namespace repot
