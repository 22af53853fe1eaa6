#pragma once
// Kernels: pure functions from a span of a block's pixels to per-pixel quantities (method.md §3, §4).
// They write columns of `out` (span length × q_count); a pixel that lacks an input contributes 0 to
// the energy columns and is counted in the coverage columns instead. No I/O, no per-pixel branches.
#include <Eigen/Core>

#include "repot/block.hpp"
#include "repot/landuse.hpp"
#include "repot/quantities.hpp"
#include "repot/scenario.hpp"
#include "repot/solar_geometry.hpp"

namespace repot {

using Columns = Eigen::ArrayXXd;  // span × q_count

struct Span {
    Eigen::Index offset = 0, count = 0;
};

// Context shared by all pixels of a block.
struct SkyContext {
    solar::MonthlySky sky;                        // at the block latitude
    const solar::TranspositionTable* table = nullptr;  // once per run
};

void coverage_kernel(const Block& b, Span s, Columns& out);
void solar_roof_kernel(const Block& b, Span s, const SolarRoofParams& p, const SkyContext& sky, Columns& out);
void solar_land_kernel(const Block& b, Span s, const SolarLandParams& p, const LandUseTable& classes,
                       const SkyContext& sky, Columns& out);

// Roof eligibility of method.md §3 (1 eligible, 0 not) for slope/aspect/shade arrays.
Eigen::ArrayXd roof_eligible(const Eigen::ArrayXd& slope, const Eigen::ArrayXd& aspect, const Eigen::ArrayXd& shade,
                             const SolarRoofParams& p);

}  // namespace repot

namespace repot {
// Product of the inclusion layers over a span; 1 where no inclusion layer is given or it has no value
// (outside an inclusion layer nothing is known to restrict).
Eigen::ArrayXd inclusion_span(const Block& b, Span s);
}  // namespace repot
