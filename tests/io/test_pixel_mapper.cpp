// PixelMapper: the cell of each pixel centre, and a pixel's map independent of the window it is read in.
#include <doctest/doctest.h>

#include <cmath>
#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "../../src/io/crs.hpp"
#include "../../src/io/pixel_mapper.hpp"
#include "../test_support.hpp"

using namespace repot;
using repot_test::wkt_of;

namespace {

GridSpec grid_of(std::array<double, 6> gt, int w, int h, int epsg) { return GridSpec{gt, w, h, wkt_of(epsg)}; }

// Windows of odd sizes and offsets, some starting before the grid (as the pre-pass's margin does).
std::vector<Window> odd_windows() {
    return {{-37, -21, 100, 50}, {0, 0, 64, 64}, {5, 3, 1, 1}, {13, 29, 77, 41}, {90, 90, 33, 17}, {-70, -3, 450, 310}};
}

void check_runs_are_floor_of_map(const PixelMapper& m, int width, int height) {
    int64_t inside = 0, outside = 0;
    for (const Window& w : odd_windows()) {
        Eigen::ArrayXd sx, sy;
        std::vector<CellRun> runs;
        m.map(w, sx, sy);
        m.cell_runs(w, width, height, runs);
        // The runs cover the window in order, and neighbouring runs differ in their cell.
        REQUIRE(!runs.empty());
        CHECK(runs.front().begin == 0);
        CHECK(runs.back().end == w.size());
        for (size_t k = 1; k < runs.size(); ++k) {
            CHECK(runs[k].begin == runs[k - 1].end);
            CHECK(runs[k].cell != runs[k - 1].cell);
        }
        std::map<int64_t, int64_t> want;  // pixel centres per cell, by the floor of the map
        for (const CellRun& run : runs)
            for (int64_t i = run.begin; i < run.end; ++i) {
                const double x = sx(i), y = sy(i);
                const bool in = x >= 0 && y >= 0 && x < width && y < height;
                const int64_t cell = in ? int64_t(std::floor(y)) * width + int64_t(std::floor(x)) : -1;
                CAPTURE(i);
                CHECK(run.cell == cell);
                ++want[cell];
                inside += in, outside += !in;
            }
        // cell_counts finds the same cells per lattice cell and row band, in its own order.
        std::vector<CellCount> counts;
        m.cell_counts(w, width, height, counts);
        std::map<int64_t, int64_t> got;
        for (const CellCount& c : counts) got[c.cell] += c.pixels;
        CHECK(got == want);
    }
    CHECK(inside > 1000);
    CHECK(outside > 100);
}

}  // namespace

TEST_CASE("pixel mapper: cell runs are the floor of the map, through a CRS change and within one CRS") {
    const GridSpec grid = grid_of({-10000, 10, 0, -5000, 0, -10}, 200, 150, 6677);
    SUBCASE("degrees: 0.0005° cells, about 4 × 5 grid pixels each, so most runs of 16 cross a cell edge") {
        // The grid spans 139.7225–139.7447 E, 35.9414–35.9549 N (gdaltransform); the raster lies inside it.
        const GridSpec cells_grid = grid_of({139.7235, 0.0005, 0, 35.9540, 0, -0.0005}, 30, 20, 6668);
        check_runs_are_floor_of_map(PixelMapper(grid, cells_grid), 30, 20);
    }
    SUBCASE("degrees: 0.005° cells, larger than a 16 × 16-pixel lattice cell, so most lie inside one") {
        const GridSpec cells_grid = grid_of({139.7235, 0.005, 0, 35.9540, 0, -0.005}, 4, 2, 6668);
        check_runs_are_floor_of_map(PixelMapper(grid, cells_grid), 4, 2);
    }
    SUBCASE("degrees on a 1 m grid: lattice cells of 256 px, crossed by cell edges that are found by halving") {
        // The 1 m grid spans about 139.7225–139.7247 E, 35.9536–35.9549 N; 0.00005° cells are 4.5 × 5.6 px.
        const GridSpec fine = grid_of({-10000, 1, 0, -5000, 0, -1}, 200, 150, 6677);
        const GridSpec cells_grid = grid_of({139.7227, 0.00005, 0, 35.9547, 0, -0.00005}, 30, 20, 6668);
        check_runs_are_floor_of_map(PixelMapper(fine, cells_grid), 30, 20);
    }
    SUBCASE("degrees on a 1 m grid: cells of 361 × 44 px, whose edges along the rows are found by row bands") {
        // Cells wider than the 256 px lattice cells: the first lattice cell (columns 0–255; the cells' one
        // edge across the rows lies near column 336) is crossed only by edges that run along the rows, so it
        // is one cell above each edge and one below, the rows of each found by binary search.
        const GridSpec fine = grid_of({-10000, 1, 0, -5000, 0, -1}, 400, 300, 6677);
        const GridSpec cells_grid = grid_of({139.7222, 0.004, 0, 35.9551, 0, -0.0004}, 2, 8, 6668);
        check_runs_are_floor_of_map(PixelMapper(fine, cells_grid), 2, 8);
    }
    SUBCASE("degrees on a 1 m grid: cells of 45 × 444 px, whose edges across the rows are found by column bands") {
        // Cells taller than the lattice cells and than the grid: every lattice cell is crossed only by edges
        // that run across the rows, so it is one cell left of an edge and one right, the columns of each
        // found by binary search.
        const GridSpec fine = grid_of({-10000, 1, 0, -5000, 0, -1}, 400, 300, 6677);
        const GridSpec cells_grid = grid_of({139.7223, 0.0005, 0, 35.9551, 0, -0.004}, 10, 1, 6668);
        check_runs_are_floor_of_map(PixelMapper(fine, cells_grid), 10, 1);
    }
    SUBCASE("same CRS: 25 m cells offset by 3.7 m") {
        const GridSpec cells_grid = grid_of({-9996.3, 25, 0, -5003.7, 0, -25}, 50, 40, 6677);
        check_runs_are_floor_of_map(PixelMapper(grid, cells_grid), 50, 40);
    }
    SUBCASE("same CRS: 3.3 m cells, finer than the pixels (a stretch of one pixel per cell)") {
        const GridSpec cells_grid = grid_of({-9990.1, 3.3, 0, -5010.2, 0, -3.3}, 600, 400, 6677);
        check_runs_are_floor_of_map(PixelMapper(grid, cells_grid), 600, 400);
    }
    SUBCASE("same CRS: a raster stored east to west and south up (x and y decrease along the grid's rows)") {
        const GridSpec cells_grid = grid_of({-8100.5, -35, 0, -6400.5, 0, 35}, 40, 30, 6677);
        check_runs_are_floor_of_map(PixelMapper(grid, cells_grid), 40, 30);
    }
}

TEST_CASE("pixel mapper: a pixel maps to the same point in every window that holds it") {
    // The pre-pass that counts pixel centres per cell and the reads that share each cell's value use
    // different windows; they must agree to the last bit, or a centre near an edge lands in two cells.
    const GridSpec grid = grid_of({-10000, 10, 0, -5000, 0, -10}, 200, 150, 6677);
    const GridSpec degrees = grid_of({139.7235, 0.0005, 0, 35.9540, 0, -0.0005}, 30, 20, 6668);
    const PixelMapper m(grid, degrees);
    Eigen::ArrayXd ax, ay, bx, by;
    const Window a{10, 20, 100, 60}, b{-7, 33, 61, 45};  // overlap: columns 10..53, rows 33..77
    m.map(a, ax, ay);
    m.map(b, bx, by);
    int compared = 0;
    for (int r = 33; r < 78; ++r)
        for (int c = 10; c < 54; ++c) {
            const int64_t i = int64_t(r - a.y0) * a.width + (c - a.x0), j = int64_t(r - b.y0) * b.width + (c - b.x0);
            CHECK(ax(i) == bx(j));
            CHECK(ay(i) == by(j));
            ++compared;
        }
    CHECK(compared == 45 * 44);
}

TEST_CASE("pixel mapper: through a CRS change the lattice maps within 5 mm of the exact transform") {
    // Pixel centres of 1 m and 0.5 m grids (EPSG:6677, nodes every 256 px: 256 m and 128 m) against PROJ's
    // transform of each centre to degrees (EPSG:6668): source cells of 1e-6° (0.09 m east, 0.11 m north),
    // so a millimetre is about 0.01 of a cell. The curvature bound d² tan φ / 2R is 3.7 mm at 256 m.
    for (double res : {1.0, 0.5}) {
        CAPTURE(res);
        const GridSpec grid = grid_of({-10000, res, 0, -5000, 0, -res}, 700, 600, 6677);
        const GridSpec degrees = grid_of({139.7, 1e-6, 0, 35.96, 0, -1e-6}, 100000, 100000, 6668);
        const PixelMapper m(grid, degrees);
        OGRSpatialReference a = srs_from_wkt(grid.crs_wkt), b = srs_from_wkt(degrees.crs_wkt);
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&a, &b));
        REQUIRE(ct);
        const Window w{-3, 5, 650, 580};  // across two lattice columns and rows of nodes
        Eigen::ArrayXd sx, sy;
        m.map(w, sx, sy);
        double worst_m = 0;
        for (int r = 0; r < w.height; r += 7)
            for (int c = 0; c < w.width; c += 5) {
                double x = grid.centre_x(w.x0 + c, w.y0 + r), y = grid.centre_y(w.x0 + c, w.y0 + r);
                REQUIRE(ct->Transform(1, &x, &y));
                const double ex = (x - 139.7) / 1e-6, ey = (35.96 - y) / 1e-6;  // exact, in source cells
                const int64_t i = int64_t(r) * w.width + c;
                worst_m = std::max({worst_m, std::abs(sx(i) - ex) * 0.090, std::abs(sy(i) - ey) * 0.111});
            }
        CHECK(worst_m < 0.005);
        CHECK(worst_m > 0);  // an interpolation, not the exact transform at every pixel
    }
}
