#pragma once
// Maps pixel centres of one grid to fractional pixel coordinates of another: exactly (affine) for the
// same CRS, through a coarse lattice of exact transforms elsewhere (error far below a pixel).
#include <Eigen/Core>
#include <ogr_spatialref.h>

#include <array>
#include <memory>

#include "repot/grid.hpp"

namespace repot {

class PixelMapper {
public:
    PixelMapper(const GridSpec& from, const GridSpec& to);
    // sx, sy sized w*h (window of `from`), NaN where the transform fails.
    void map(const Window& w, Eigen::ArrayXd& sx, Eigen::ArrayXd& sy) const;
    // Same CRS and no rotation: source column depends on the column only, source row on the row only.
    bool axis_aligned() const;

private:
    GridSpec grid_;
    std::array<double, 6> inv_src_{};
    std::unique_ptr<OGRCoordinateTransformation> ct_;  // null for the same CRS
};

}  // namespace repot
