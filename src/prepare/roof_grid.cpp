#include "roof_grid.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "repot/error.hpp"

namespace repot::prepare {
namespace {

int pixel_count(double length, double res, const char* side) {
    const double n = length / res;
    if (n > std::numeric_limits<int>::max() / 2)
        throw UsageError(fmt::format("the grid would be {:.0f} pixels {}: use a coarser --res or a smaller --extent", n, side));
    return static_cast<int>(std::llround(n));
}

}  // namespace

PixelGrid snapped_grid(const Extent& extent, double res) {
    double xmin = std::floor(extent.xmin / res) * res, xmax = std::ceil(extent.xmax / res) * res;
    double ymin = std::floor(extent.ymin / res) * res, ymax = std::ceil(extent.ymax / res) * res;
    if (xmax <= xmin) xmax = xmin + res;
    if (ymax <= ymin) ymax = ymin + res;
    return {xmin, ymax, res, res, pixel_count(xmax - xmin, res, "wide"), pixel_count(ymax - ymin, res, "high")};
}

PixelGrid exact_grid(const Extent& extent, double res) {
    if (!(extent.xmax > extent.xmin) || !(extent.ymax > extent.ymin))
        throw UsageError("--extent must be xmin,ymin,xmax,ymax with xmin < xmax and ymin < ymax");
    auto whole = [res](double length, const char* side) {
        const double n = length / res;
        if (std::abs(n - std::round(n)) > 1e-6)
            throw UsageError(fmt::format("--extent is {} m {}, not a whole number of {} m pixels", length, side, res));
    };
    whole(extent.xmax - extent.xmin, "wide");
    whole(extent.ymax - extent.ymin, "high");
    return {extent.xmin, extent.ymax, res, res, pixel_count(extent.xmax - extent.xmin, res, "wide"),
            pixel_count(extent.ymax - extent.ymin, res, "high")};
}

Extent Tile::extent() const {
    return {grid.x_min, grid.y_max - grid.rows * grid.pixel_height, grid.x_min + grid.cols * grid.pixel_width,
            grid.y_max};
}

std::vector<Tile> plan_tiles(const PixelGrid& grid, int size) {
    std::vector<Tile> tiles;
    for (int r0 = 0; r0 < grid.rows; r0 += size) {
        for (int c0 = 0; c0 < grid.cols; c0 += size) {
            Tile t;
            t.col0 = c0;
            t.row0 = r0;
            t.grid = {grid.x_min + c0 * grid.pixel_width, grid.y_max - r0 * grid.pixel_height, grid.pixel_width,
                      grid.pixel_height, std::min(size, grid.cols - c0), std::min(size, grid.rows - r0)};
            tiles.push_back(t);
        }
    }
    return tiles;
}

}  // namespace repot::prepare
