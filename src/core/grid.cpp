#include "repot/grid.hpp"

#include <algorithm>
#include <cmath>

namespace repot {

double GridSpec::pixel_area() const {
    const auto& g = geotransform;
    return std::abs(g[1] * g[5] - g[2] * g[4]);
}

double GridSpec::centre_x(double col, double row) const {
    const auto& g = geotransform;
    return g[0] + (col + 0.5) * g[1] + (row + 0.5) * g[2];
}

double GridSpec::centre_y(double col, double row) const {
    const auto& g = geotransform;
    return g[3] + (col + 0.5) * g[4] + (row + 0.5) * g[5];
}

std::array<double, 4> GridSpec::bounds() const {
    const auto& g = geotransform;
    double xs[4], ys[4];
    int k = 0;
    for (int c : {0, width})
        for (int r : {0, height}) {
            xs[k] = g[0] + c * g[1] + r * g[2];
            ys[k] = g[3] + c * g[4] + r * g[5];
            ++k;
        }
    return {*std::min_element(xs, xs + 4), *std::min_element(ys, ys + 4),
            *std::max_element(xs, xs + 4), *std::max_element(ys, ys + 4)};
}

BlockPlan::BlockPlan(const GridSpec& grid, int block_w, int block_h)
    : width_(grid.width), height_(grid.height), bw_(block_w), bh_(block_h),
      cols_((int64_t(grid.width) + block_w - 1) / block_w), rows_((int64_t(grid.height) + block_h - 1) / block_h) {}

BlockPlan::BlockPlan(const GridSpec& grid, int block_w, int block_h, int64_t x0, int64_t y0, int64_t x1, int64_t y1)
    : BlockPlan(grid, block_w, block_h) {
    x0 = std::clamp<int64_t>(x0, 0, grid.width), x1 = std::clamp<int64_t>(x1, 0, grid.width);
    y0 = std::clamp<int64_t>(y0, 0, grid.height), y1 = std::clamp<int64_t>(y1, 0, grid.height);
    col0_ = x0 / block_w, row0_ = y0 / block_h;
    cols_ = x1 > x0 ? (x1 - 1) / block_w - col0_ + 1 : 0;
    rows_ = y1 > y0 ? (y1 - 1) / block_h - row0_ + 1 : 0;
}

Window BlockPlan::operator[](uint64_t k) const {
    const int x = int((col0_ + int64_t(k % uint64_t(cols_))) * bw_), y = int((row0_ + int64_t(k / uint64_t(cols_))) * bh_);
    return {x, y, std::min(bw_, width_ - x), std::min(bh_, height_ - y)};
}

TileLattice::TileLattice(const GridSpec& grid) : width_(grid.width), height_(grid.height) {
    const double pixel_m = std::sqrt(grid.pixel_area());
    tile_ = 64;
    while (tile_ < 256 && 2.0 * tile_ * pixel_m <= 8000.0) tile_ *= 2;
}

std::vector<LatticePiece> TileLattice::pieces(const Window& b) const {
    std::vector<LatticePiece> out;
    const int t = tile_;
    for (int ty = b.y0 / t * t; ty < b.y0 + b.height; ty += t)
        for (int tx = b.x0 / t * t; tx < b.x0 + b.width; tx += t) {
            const Window tile{tx, ty, std::min(t, width_ - tx), std::min(t, height_ - ty)};
            const int x0 = std::max(b.x0, tx), y0 = std::max(b.y0, ty);
            const int x1 = std::min(b.x0 + b.width, tx + tile.width), y1 = std::min(b.y0 + b.height, ty + tile.height);
            out.push_back({Window{x0, y0, x1 - x0, y1 - y0}, tile});
        }
    return out;
}

std::vector<Window> plan_blocks(const GridSpec& grid, int block_w, int block_h) {
    const BlockPlan plan(grid, block_w, block_h);
    std::vector<Window> out;
    for (uint64_t k = 0; k < plan.size(); ++k) out.push_back(plan[k]);
    return out;
}

std::array<double, 6> window_geotransform(const GridSpec& grid, const Window& w) {
    auto g = grid.geotransform;
    g[0] += w.x0 * g[1] + w.y0 * g[2];
    g[3] += w.x0 * g[4] + w.y0 * g[5];
    return g;
}

}  // namespace repot
