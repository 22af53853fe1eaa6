#pragma once
// Maps pixel centres of one grid to fractional pixel coordinates of another: exactly (affine) for the
// same CRS, through a coarse lattice of exact transforms elsewhere (error far below a pixel).
#include <Eigen/Core>
#include <ogr_spatialref.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "repot/grid.hpp"

namespace repot {

// Neighbouring pixels of a window (row-major positions [begin, end)) whose centres lie in one cell of
// a raster (row-major index; −1: outside it, or where the transform fails).
struct CellRun {
    int64_t begin, end, cell;
};

struct CellCount {
    int64_t cell, pixels;
};

class PixelMapper {
public:
    PixelMapper(const GridSpec& from, const GridSpec& to);
    // sx, sy sized w*h (window of `from`), NaN where the transform fails.
    void map(const Window& w, Eigen::ArrayXd& sx, Eigen::ArrayXd& sy) const;
    // The cells of a width × height raster of `to` that hold the pixel centres of w, as runs in pixel
    // order: floor(sx), floor(sy) of map(), found per lattice cell (step × step pixels) where its corners
    // lie well inside one cell, else per row stretch cut where the row crosses cell edges (pixel_mapper.cpp).
    void cell_runs(const Window& w, int width, int height, std::vector<CellRun>& out) const;
    // The same cells as cell_runs, in no particular order: how many pixel centres of w each holds (a cell
    // may come more than once), found per lattice cell where it lies in one cell.
    void cell_counts(const Window& w, int width, int height, std::vector<CellCount>& out) const;
    // Same CRS and no rotation: source column depends on the column only, source row on the row only.
    bool axis_aligned() const;

private:
    struct Lattice {  // exact transforms at every step_-th column and row of `from`, in `to` pixel coordinates
        int c0 = 0, r0 = 0;  // first node, in units of step_ pixels
        size_t ncol = 0, nrow = 0;
        std::vector<double> x, y;
    };
    void build_lattice(const Window& w, Lattice& l) const;
    template <class Visit>
    void for_each_row(const Window& w, Visit&& visit) const;
    void lattice_point(int gc, int gr, double& x, double& y) const;
    struct CellExtent {
        int top, c0, c1, r0, r1;
    };
    CellExtent extent(size_t k, const Window& w) const;
    // Where row_cell_ holds grid row r of lattice cell k, whose first row is top.
    size_t row_index(size_t k, int top, int r) const { return k * size_t(step_) + size_t(r - top); }
    void classify_cells(const Window& w, int width, int height) const;
    int64_t rect_cell(int ca, int cb, int ra, int rb, int width, int height) const;
    template <class At, class Emit>
    void split_row(int a, int b, int width, int height, At&& at, Emit&& emit) const;
    static int64_t cell_of(double x, double y, int width, int height);  // −1 outside the raster

    GridSpec grid_;
    int step_;  // lattice spacing in grid pixels, a power of two (pixel_mapper.cpp)
    int shift_;  // log2(step_)
    // The lattice node at or before grid column (or row) px, counted from the grid's origin: floor(px / step_).
    int node_of(int px) const { return px >> shift_; }
    std::array<double, 6> inv_src_{};
    std::unique_ptr<OGRCoordinateTransformation> ct_;  // null for the same CRS
    mutable Lattice lattice_;               // scratch
    // classify_cells, per lattice cell of the window: the one source cell of its pixels, else (row_cell_,
    // step_ rows per lattice cell) of each row's stretch; kMixed where not one.
    mutable std::vector<int64_t> uniform_, row_cell_;
    // A mixed lattice cell's kMixed rows: grid columns [.., left_end) in cell `left`, [right_begin, ..) in
    // `right` (both empty unless classify_cells found them); split_row splits the columns between.
    struct ColumnSplit {
        int left_end = 0, right_begin = 0;
        int64_t left = -1, right = -1;
    };
    mutable std::vector<ColumnSplit> columns_;
    mutable std::vector<int> cuts_;         // split_row: where a row's stretch crosses cell edges
    mutable std::vector<CellRun> runs_;     // cell_counts within one CRS
};

}  // namespace repot
