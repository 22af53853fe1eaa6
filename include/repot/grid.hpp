#pragma once
// The analysis grid: one projected grid per run, and the windows (blocks) it is processed in.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace repot {

struct GridSpec {
    std::array<double, 6> geotransform{};  // GDAL order: x0, dx, rx, y0, ry, dy
    int width = 0;
    int height = 0;
    std::string crs_wkt;

    double pixel_area() const;  // |a*e - b*d| in CRS units squared (m²)
    int64_t pixel_count() const { return int64_t(width) * height; }
    // Map coordinates of the centre of pixel (col, row).
    double centre_x(double col, double row) const;
    double centre_y(double col, double row) const;
    std::array<double, 4> bounds() const;  // xmin, ymin, xmax, ymax
};

struct Window {
    int x0 = 0, y0 = 0, width = 0, height = 0;
    int64_t size() const { return int64_t(width) * height; }
};

// The windows of block_w × block_h covering the grid in row-major order (the merge order), one at a
// time: a run never holds the whole plan, so memory does not grow with the grid.
class BlockPlan {
public:
    BlockPlan(const GridSpec& grid, int block_w, int block_h);
    // Only the blocks that touch grid pixels [x0, x1) × [y0, y1) (clamped to the grid), in the same order.
    BlockPlan(const GridSpec& grid, int block_w, int block_h, int64_t x0, int64_t y0, int64_t x1, int64_t y1);
    uint64_t size() const { return uint64_t(cols_) * uint64_t(rows_); }
    int64_t cols() const { return cols_; }
    int64_t rows() const { return rows_; }
    Window operator[](uint64_t k) const;

private:
    int width_, height_, bw_, bh_;
    int64_t col0_ = 0, row0_ = 0, cols_, rows_;
};

// The fixed lattice of tiles on which the engine takes what it decides once for many pixels (the
// latitude of the extraterrestrial irradiation, whether a layer is interpolated through its cells):
// square tiles of 256 pixels, or of the largest power of two no wider than 8 km (down to 64) on coarse
// grids, from the grid's origin, clipped to the grid. A block is computed piece by piece, one piece per
// tile it overlaps, so no result depends on the block size, and a worker's per-pixel arrays are those of
// a tile: the block size sets the reads and the plan, the tile the memory of the kernels.
struct LatticePiece {
    Window piece;  // block ∩ tile
    Window tile;
};
class TileLattice {
public:
    explicit TileLattice(const GridSpec& grid);
    int tile_px() const { return tile_; }
    // The block's pieces, row-major.
    std::vector<LatticePiece> pieces(const Window& block) const;

private:
    int tile_, width_, height_;
};

// All windows at once (tests and small grids).
std::vector<Window> plan_blocks(const GridSpec& grid, int block_w, int block_h);

// Geotransform of a window of the grid.
std::array<double, 6> window_geotransform(const GridSpec& grid, const Window& w);

}  // namespace repot
