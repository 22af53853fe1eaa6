// Raster inputs read onto the analysis grid (method.md §2): aligned reads, extensive layers coarser
// (another CRS) and finer (same CRS) than the grid, bilinear and nearest resampling, and the
// validation errors. Every raster is written here with GDAL's C++ API into /vsimem/; the expected
// values come from the numbers written and from exact coordinate transforms done in the test.
#include <doctest/doctest.h>

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "../../src/io/raster_reader.hpp"
#include "../test_support.hpp"
#include "repot/error.hpp"
#include "repot/grid.hpp"

using namespace repot;
using namespace repot_test;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct RasterSpec {
    int width = 0, height = 0, bands = 1;
    std::array<double, 6> gt{};
    int epsg = 6677;  // 0: no CRS
    GDALDataType type = GDT_Float64;
    std::optional<double> nodata;
    bool georeferenced = true;
};

// A GeoTIFF in /vsimem/, removed when the object goes out of scope.
struct MemRaster {
    std::string path;
    MemRaster(const RasterSpec& spec, const std::vector<std::vector<double>>& bands) {
        static std::atomic<int> counter{0};
        path = "/vsimem/repot_test_raster_input/r" + std::to_string(counter++) + ".tif";
        auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
        REQUIRE(drv);
        GDALDataset* ds = drv->Create(path.c_str(), spec.width, spec.height, spec.bands, spec.type, nullptr);
        REQUIRE(ds);
        if (spec.georeferenced) ds->SetGeoTransform(const_cast<double*>(spec.gt.data()));
        if (spec.epsg) {
            OGRSpatialReference s;
            s.importFromEPSG(spec.epsg);
            ds->SetSpatialRef(&s);
        }
        REQUIRE(int(bands.size()) == spec.bands);
        for (int b = 0; b < spec.bands; ++b) {
            auto* band = ds->GetRasterBand(b + 1);
            if (spec.nodata) band->SetNoDataValue(*spec.nodata);
            REQUIRE(bands[size_t(b)].size() == size_t(spec.width) * spec.height);
            std::vector<double> v = bands[size_t(b)];
            REQUIRE(band->RasterIO(GF_Write, 0, 0, spec.width, spec.height, v.data(), spec.width, spec.height,
                                   GDT_Float64, 0, 0) == CE_None);
        }
        GDALClose(ds);
    }
    ~MemRaster() { VSIUnlink(path.c_str()); }
};

GridSpec make_grid(double x0, double y0, double res, int w, int h, int epsg = 6677) {
    return GridSpec{{x0, res, 0, y0, 0, -res}, w, h, wkt_of(epsg)};
}

LayerRules rules(const char* role, LayerKind kind, std::vector<int> bands = {1}, bool negative = false,
                 double max_value = INFINITY) {
    LayerRules r;
    r.role = role;
    r.kind = kind;
    r.band_counts = std::move(bands);
    r.min_value = negative ? -DBL_MAX : 0;
    r.max_value = max_value;
    return r;
}

// Reads the whole grid window by window (blocks of bw × bh) into one (pixels × bands) array.
Eigen::ArrayXXd read_all(const RasterInput& in, const GridSpec& grid, int bw, int bh) {
    RasterReader reader(in, grid);
    Eigen::ArrayXXd all(grid.pixel_count(), in.bands);
    Eigen::ArrayXXd win;
    for (const Window& w : plan_blocks(grid, bw, bh)) {
        reader.read(w, win);
        REQUIRE(win.rows() == w.size());
        REQUIRE(win.cols() == in.bands);
        for (int r = 0; r < w.height; ++r)
            for (int c = 0; c < w.width; ++c)
                all.row(int64_t(w.y0 + r) * grid.width + (w.x0 + c)) = win.row(int64_t(r) * w.width + c);
    }
    return all;
}

}  // namespace

namespace {
// 6 × 5 pixels of 10 m, top-left corner (1000, 2000), value 10·row + col + 1, nodata -9999 at (col 3, row 2).
const RasterSpec kOffsetSpec = [] {
    RasterSpec spec;
    spec.width = 6, spec.height = 5, spec.gt = {1000, 10, 0, 2000, 0, -10}, spec.nodata = -9999;
    return spec;
}();
std::vector<double> offset_values() {
    std::vector<double> v(30);
    for (int r = 0; r < 5; ++r)
        for (int c = 0; c < 6; ++c) v[size_t(r * 6 + c)] = 10 * r + c + 1;
    v[2 * 6 + 3] = -9999;
    return v;
}
}  // namespace

TEST_CASE("raster input: aligned read with an offset, outside pixels and nodata are NaN") {
    MemRaster src(kOffsetSpec, {offset_values()});

    // Grid: same CRS and pixel size, origin (1020, 1990): grid (0, 0) is source (2, 1).
    // Grid columns 4, 5 are source columns 6, 7 and grid row 4 is source row 5: outside the raster.
    GridSpec grid = make_grid(1020, 1990, 10, 6, 5);
    RasterInput in = RasterInput::open(src.path, rules("roof", LayerKind::extensive), grid);
    CHECK(in.aligned);
    CHECK(in.offset_x == 2);
    CHECK(in.offset_y == 1);
    CHECK_FALSE(in.aggregate);

    auto expected = [&](int gc, int gr) {
        int sc = gc + 2, sr = gr + 1;
        if (sc >= 6 || sr >= 5) return kNaN;      // outside the layer: missing
        if (sc == 3 && sr == 2) return kNaN;      // nodata
        return double(10 * sr + sc + 1);
    };
    for (auto [bw, bh] : {std::pair{6, 5}, {4, 2}, {1, 1}}) {
        CAPTURE(bw);
        Eigen::ArrayXXd all = read_all(in, grid, bw, bh);
        for (int r = 0; r < 5; ++r)
            for (int c = 0; c < 6; ++c) {
                CAPTURE(c);
                CAPTURE(r);
                double got = all(r * 6 + c, 0), want = expected(c, r);
                if (std::isnan(want)) CHECK(std::isnan(got));
                else CHECK(got == want);
            }
    }
    // A window wholly outside the raster is all NaN.
    RasterReader reader(in, grid);
    Eigen::ArrayXXd out;
    reader.read(Window{4, 0, 2, 5}, out);
    CHECK(out.isNaN().all());
    // A sub-window: grid (1, 1) .. (3, 2) = source (3, 2) .. (5, 3); (3, 2) is nodata.
    reader.read(Window{1, 1, 3, 2}, out);
    REQUIRE(out.rows() == 6);
    CHECK(std::isnan(out(0, 0)));
    CHECK(out(1, 0) == 25);  // source (4, 2): 10·2 + 4 + 1
    CHECK(out(2, 0) == 26);
    CHECK(out(3, 0) == 34);  // source (3, 3): 10·3 + 3 + 1
    CHECK(out(5, 0) == 36);
}

TEST_CASE("raster input: read_at of a whole window of a layer on the grid equals read, warnings counted once") {
    // The source of the test above (grid (0, 0) = source (2, 1)); values above 30 are warned about.
    const std::vector<double> v = offset_values();
    MemRaster src(kOffsetSpec, {v});
    GridSpec grid = make_grid(1020, 1990, 10, 6, 5);
    RasterInput in = RasterInput::open(src.path, rules("roof", LayerKind::extensive), grid);
    in.rules.warn_above = 30;
    RasterReader whole(in, grid), listed(in, grid);
    long long above = 0;  // source values above 30 in the windows read, counted from the values below
    // Windows inside the layer (read straight into the output) and across its edge (through the cache).
    for (const Window& w : {Window{0, 0, 2, 2}, Window{2, 1, 2, 3}, Window{0, 2, 4, 2}, Window{3, 3, 3, 2}}) {
        CAPTURE(w.x0);
        CAPTURE(w.y0);
        Eigen::ArrayXXd want;
        whole.read(w, want);
        Eigen::ArrayXd got;
        listed.read_at(w, Eigen::ArrayXi::LinSpaced(Eigen::Index(w.size()), 0, int(w.size()) - 1), got);
        REQUIRE(got.size() == w.size());
        for (Eigen::Index i = 0; i < got.size(); ++i)
            CHECK((got(i) == want(i, 0) || (std::isnan(got(i)) && std::isnan(want(i, 0)))));
        for (int r = 0; r < w.height; ++r)
            for (int c = 0; c < w.width; ++c) {
                const int sc = w.x0 + c + 2, sr = w.y0 + r + 1;
                above += sc < 6 && sr < 5 && v[size_t(sr * 6 + sc)] > 30;
            }
    }
    // By hand: none in the first window; 35 36 45 46 in the second; 33..36 and 43..46 in the third; 46 in the
    // fourth (the only one across the layer's edge, read through the window cache).
    CHECK(above == 13);
    CHECK(listed.above_count() == above);
    CHECK(listed.above_max() == 46);
}

TEST_CASE("raster input: NaN declared as nodata is missing, not an error") {
    RasterSpec spec;
    spec.width = 2, spec.height = 1, spec.gt = {0, 10, 0, 10, 0, -10}, spec.nodata = kNaN;
    MemRaster src(spec, {{kNaN, 3}});
    GridSpec grid = make_grid(0, 10, 10, 2, 1);
    RasterInput in = RasterInput::open(src.path, rules("ghi", LayerKind::intensive, {1, 12}), grid);
    Eigen::ArrayXXd all = read_all(in, grid, 2, 1);
    CHECK(std::isnan(all(0, 0)));
    CHECK(all(1, 0) == 3);
}

TEST_CASE("raster input: extensive layer coarser than the grid, in degrees, keeps its total") {
    // 4 × 4 persons raster in JGD2011 geographic degrees (EPSG:6668), 0.005° cells, top-left
    // (139.70 E, 35.71 N); cell (c, r) holds 37 · (4 r + c + 1) persons: total 37 · (1 + ... + 16) = 37 · 136 = 5032.
    const double lon0 = 139.70, lat0 = 35.71, d = 0.005;
    RasterSpec spec;
    spec.width = 4, spec.height = 4, spec.gt = {lon0, d, 0, lat0, 0, -d}, spec.epsg = 6668, spec.nodata = -1;
    std::vector<double> persons(16);
    for (int k = 0; k < 16; ++k) persons[size_t(k)] = 37.0 * (k + 1);
    const double total = 5032;
    MemRaster src(spec, {persons});

    // Exact transforms between the two CRSs (traditional lon/lat order), independent of repot.
    OGRSpatialReference geo, plane;
    geo.importFromEPSG(6668);
    plane.importFromEPSG(6677);
    geo.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    plane.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> to_plane(OGRCreateCoordinateTransformation(&geo, &plane));
    std::unique_ptr<OGRCoordinateTransformation> to_geo(OGRCreateCoordinateTransformation(&plane, &geo));
    REQUIRE(to_plane);
    REQUIRE(to_geo);

    // The raster's extent in EPSG:6677 (its edges sampled densely), then a 10 m grid covering it with 200 m margin.
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (int i = 0; i <= 40; ++i)
        for (auto [lon, lat] : {std::pair{lon0 + i * 0.0005, lat0}, {lon0 + i * 0.0005, lat0 - 4 * d},
                                {lon0, lat0 - i * 0.0005}, {lon0 + 4 * d, lat0 - i * 0.0005}}) {
            double x = lon, y = lat;
            REQUIRE(to_plane->Transform(1, &x, &y));
            xmin = std::min(xmin, x), xmax = std::max(xmax, x), ymin = std::min(ymin, y), ymax = std::max(ymax, y);
        }
    const double gx0 = std::floor((xmin - 200) / 10) * 10, gy0 = std::ceil((ymax + 200) / 10) * 10;
    const int gw = int(std::ceil((xmax + 200 - gx0) / 10)), gh = int(std::ceil((gy0 - (ymin - 200)) / 10));
    GridSpec grid = make_grid(gx0, gy0, 10, gw, gh);
    CHECK(grid.pixel_count() > 40000);  // ≈ 2.2 × 2.6 km at 10 m

    RasterInput in = RasterInput::open(src.path, rules("population", LayerKind::extensive), grid);
    CHECK_FALSE(in.aligned);
    CHECK_FALSE(in.aggregate);
    Eigen::ArrayXXd all = read_all(in, grid, 64, 48);

    // 1. The sum over all grid pixels equals the raster's total.
    double sum = 0;
    for (int64_t i = 0; i < all.rows(); ++i)
        if (!std::isnan(all(i, 0))) sum += all(i, 0);
    CHECK(sum == doctest::Approx(total).epsilon(1e-9));

    // 2. The source cell of every grid pixel centre, by exact transform; every pixel in a cell holds
    //    the cell's persons divided by the number of pixel centres in it.
    std::vector<double> X(size_t(grid.pixel_count())), Y(X.size());
    for (int r = 0; r < gh; ++r)
        for (int c = 0; c < gw; ++c) {
            X[size_t(r) * gw + c] = grid.centre_x(c, r);
            Y[size_t(r) * gw + c] = grid.centre_y(c, r);
        }
    std::vector<int> ok(X.size());
    REQUIRE(to_geo->Transform(int(X.size()), X.data(), Y.data(), nullptr, ok.data()));
    std::vector<int> cell(X.size(), -1);
    std::vector<int> count(16, 0);
    int near_edge = 0;
    for (size_t i = 0; i < X.size(); ++i) {
        REQUIRE(ok[i]);
        double fc = (X[i] - lon0) / d, fr = (lat0 - Y[i]) / d;
        if (!(fc >= 0 && fr >= 0 && fc < 4 && fr < 4)) continue;
        if (std::abs(fc - std::round(fc)) < 1e-6 || std::abs(fr - std::round(fr)) < 1e-6) ++near_edge;
        cell[i] = int(fr) * 4 + int(fc);
        ++count[size_t(cell[i])];
    }
    CHECK(near_edge == 0);  // no pixel centre sits on a cell edge, so the assignment is unambiguous
    int64_t inside = 0;
    for (int k = 0; k < 16; ++k) {
        CAPTURE(k);
        // 0.005° ≈ 450 m × 555 m: about 2,500 ten-metre pixels per cell
        CHECK(count[size_t(k)] > 2000);
        CHECK(count[size_t(k)] < 3000);
        inside += count[size_t(k)];
    }
    int64_t wrong = 0, nan_inside = 0, value_outside = 0;
    for (size_t i = 0; i < X.size(); ++i) {
        double got = all(int64_t(i), 0);
        if (cell[i] < 0) {
            if (!std::isnan(got)) ++value_outside;
            continue;
        }
        if (std::isnan(got)) {
            ++nan_inside;
            continue;
        }
        double want = persons[size_t(cell[i])] / count[size_t(cell[i])];
        if (std::abs(got - want) > 1e-12 * want) ++wrong;
    }
    CHECK(nan_inside == 0);
    CHECK(value_outside == 0);
    CHECK(wrong == 0);
    CHECK(inside > 0);

    // 3. Centres counted on three threads: the same counts, each the exact count above.
    RasterInput in3 = RasterInput::open(src.path, rules("population", LayerKind::extensive), grid, 3);
    REQUIRE(in3.centre_counts);
    REQUIRE(in.centre_counts);
    CHECK(*in3.centre_counts == *in.centre_counts);
    for (int k = 0; k < 16; ++k) CHECK((*in3.centre_counts)[size_t(k)] == uint32_t(count[size_t(k)]));

    // 4. runs_by_cell: every third pixel of a window across the raster's edge, in zones of 37 columns
    //    (zone runs every few pixels), gives per run of one zone and one cell the value read_at gives
    //    each of its pixels, and the runs account for every listed pixel once.
    RasterReader reader(in, grid);
    const Window w{20, 15, gw - 30, gh - 25};
    std::vector<int> listed;
    for (int i = 0; i < int(w.size()); i += 3) listed.push_back(i);
    const Eigen::ArrayXi pixels = Eigen::Map<Eigen::ArrayXi>(listed.data(), Eigen::Index(listed.size()));
    Eigen::ArrayXi zone(pixels.size());
    std::vector<Eigen::Index> zone_start;
    for (Eigen::Index j = 0; j < pixels.size(); ++j) {
        zone(j) = 1 + (pixels(j) % w.width) / 37 % 3;
        if (j == 0 || zone(j) != zone(j - 1)) zone_start.push_back(j);
    }
    Eigen::ArrayXd each;
    reader.read_at(w, pixels, each);
    std::map<int, double> want_sum, got_sum;
    std::map<int, int64_t> want_n, got_n;
    for (Eigen::Index j = 0; j < pixels.size(); ++j)
        if (!std::isnan(each(j))) want_sum[zone(j)] += each(j), ++want_n[zone(j)];
    int64_t covered = 0, runs = 0, mismatched = 0;
    Eigen::Index at = 0;  // the runs come in the order of the listed pixels
    REQUIRE(reader.runs_by_cell(w, pixels, zone_start, [&](size_t k, double v, int64_t n) {
        const int z = zone(zone_start[k]);
        for (int64_t i = 0; i < n; ++i, ++at)
            if (zone(at) != z || !(v == each(at) || (std::isnan(v) && std::isnan(each(at))))) ++mismatched;
        covered += n, ++runs;
        if (!std::isnan(v)) got_sum[z] += v * double(n), got_n[z] += n;
    }));
    CHECK(mismatched == 0);
    CHECK(covered == pixels.size());
    CHECK(runs < pixels.size() / 4);  // runs, not pixels
    CHECK(got_n == want_n);
    for (const auto& [z, s] : want_sum) CHECK(got_sum[z] == doctest::Approx(s).epsilon(1e-12));
    // 5. counts_by_cell, for a window whose every pixel is in one zone: the values read_at gives, each
    //    for as many pixels as hold it.
    const Eigen::ArrayXi all_pixels = Eigen::ArrayXi::LinSpaced(Eigen::Index(w.size()), 0, int(w.size()) - 1);
    reader.read_at(w, all_pixels, each);
    std::map<double, int64_t> want_pixels, got_pixels;  // value -> pixels (NaN apart: it is not ordered)
    int64_t want_nan = 0, got_nan = 0;
    for (Eigen::Index j = 0; j < each.size(); ++j) std::isnan(each(j)) ? ++want_nan : ++want_pixels[each(j)];
    REQUIRE(reader.counts_by_cell(w, [&](double v, int64_t n) { std::isnan(v) ? got_nan += n : got_pixels[v] += n; }));
    CHECK(got_pixels == want_pixels);
    CHECK(got_nan == want_nan);
    CHECK(want_nan > 0);
    CHECK(want_pixels.size() == 16);
    // A layer on another path (here: a grid-aligned one) is not read by runs.
    RasterInput on_grid = RasterInput::open(src.path, rules("population", LayerKind::extensive), in.grid());
    RasterReader aligned(on_grid, in.grid());
    CHECK_FALSE(aligned.runs_by_cell(Window{0, 0, 4, 4}, Eigen::ArrayXi::LinSpaced(16, 0, 15), {0}, [](size_t, double, int64_t) {}));
    CHECK_FALSE(aligned.counts_by_cell(Window{0, 0, 4, 4}, [](double, int64_t) {}));
}

TEST_CASE("raster input: an extensive raster of a single cell coarser than the grid keeps its total") {
    // One 100 m cell, x 1000..1100, y 1900..2000, holding 500 persons, read onto a 10 m grid
    // x 950..1150, y 1850..2050 (20 × 20): the 10 × 10 = 100 pixel centres inside the cell get 500 / 100 = 5 each.
    // (A one-cell or one-row mesh is a valid input: nothing about it prevents sharing it over the grid.)
    RasterSpec spec;
    spec.width = 1, spec.height = 1, spec.gt = {1000, 100, 0, 2000, 0, -100};
    MemRaster src(spec, {{500}});
    GridSpec grid = make_grid(950, 2050, 10, 20, 20);
    RasterInput in = RasterInput::open(src.path, rules("population", LayerKind::extensive), grid);
    Eigen::ArrayXXd all = read_all(in, grid, 20, 20);
    double sum = 0;
    for (int r = 0; r < 20; ++r)
        for (int c = 0; c < 20; ++c) {
            const bool inside = c >= 5 && c < 15 && r >= 5 && r < 15;
            const double got = all(r * 20 + c, 0);
            CAPTURE(c);
            CAPTURE(r);
            if (inside) CHECK(got == doctest::Approx(5));
            else CHECK(std::isnan(got));
            if (!std::isnan(got)) sum += got;
        }
    CHECK(sum == doctest::Approx(500).epsilon(1e-12));
}

TEST_CASE("raster input: extensive layer finer than the grid sums its pixels") {
    // 1 m roof raster, 40 × 30 pixels, top-left (5000, 8000): covers x 5000..5040, y 7970..8000.
    // Value at (c, r): ((7 c + 3 r) mod 11) / 4 m²; nodata -1 at (c 12, r 5).
    RasterSpec spec;
    spec.width = 40, spec.height = 30, spec.gt = {5000, 1, 0, 8000, 0, -1}, spec.nodata = -1;
    std::vector<double> v(1200);
    for (int r = 0; r < 30; ++r)
        for (int c = 0; c < 40; ++c) v[size_t(r * 40 + c)] = ((7 * c + 3 * r) % 11) / 4.0;
    v[5 * 40 + 12] = -1;
    MemRaster src(spec, {v});

    // 10 m grid, top-left (4990, 8010), 6 × 5: grid column 1 is x 5000..5010, row 1 is y 7990..8000.
    GridSpec grid = make_grid(4990, 8010, 10, 6, 5);
    RasterInput in = RasterInput::open(src.path, rules("roof", LayerKind::extensive), grid);
    CHECK_FALSE(in.aligned);
    CHECK(in.aggregate);

    // Expected: grid pixel (gc, gr) with 1 ≤ gc ≤ 4, 1 ≤ gr ≤ 3 holds source columns 10 (gc − 1) .. + 9
    // and rows 10 (gr − 1) .. + 9; the other grid pixels lie outside the raster (NaN).
    auto expected = [&](int gc, int gr) {
        if (gc < 1 || gc > 4 || gr < 1 || gr > 3) return kNaN;
        double s = 0;
        for (int r = 10 * (gr - 1); r < 10 * gr; ++r)
            for (int c = 10 * (gc - 1); c < 10 * gc; ++c)
                if (!(c == 12 && r == 5)) s += ((7 * c + 3 * r) % 11) / 4.0;  // nodata skipped
        return s;
    };
    double grand = 0;
    for (int k = 0; k < 1200; ++k)
        if (v[size_t(k)] >= 0) grand += v[size_t(k)];
    for (auto [bw, bh] : {std::pair{6, 5}, {2, 2}, {1, 1}}) {
        CAPTURE(bw);
        Eigen::ArrayXXd all = read_all(in, grid, bw, bh);
        double sum = 0;
        for (int r = 0; r < 5; ++r)
            for (int c = 0; c < 6; ++c) {
                CAPTURE(c);
                CAPTURE(r);
                double got = all(r * 6 + c, 0), want = expected(c, r);
                if (std::isnan(want)) {
                    CHECK(std::isnan(got));
                } else {
                    CHECK(got == doctest::Approx(want).epsilon(1e-12));
                    sum += got;
                }
            }
        CHECK(sum == doctest::Approx(grand).epsilon(1e-12));
    }
    // One hand-checked pixel: grid (1, 1) = source columns 0..9, rows 0..9:
    // Σ_r Σ_c ((7c + 3r) mod 11) / 4. For each row the ten values of (7c + 3r) mod 11 are the 11 residues
    // less the one of c = 10, i.e. 55 − ((70 + 3r) mod 11) = 55 − ((4 + 3r) mod 11):
    // r = 0..9 → 4, 7, 10, 2, 5, 8, 0, 3, 6, 9 (sum 54), so Σ = (10 · 55 − 54) / 4 = 496 / 4 = 124.
    Eigen::ArrayXXd all = read_all(in, grid, 6, 5);
    CHECK(all(1 * 6 + 1, 0) == doctest::Approx(124));
}

TEST_CASE("raster input: bilinear reproduces a linear field; nearest returns source codes") {
    // Source: 7 m pixels, 40 × 40, top-left (3003.3, 6011.6) in EPSG:6677 (another resolution and offset).
    const double sx0 = 3003.3, sy0 = 6011.6, res = 7;
    auto field = [](double x, double y) { return 5 + 0.01 * x + 0.02 * y; };  // ≈ 155
    RasterSpec spec;
    spec.width = 40, spec.height = 40, spec.bands = 12, spec.gt = {sx0, res, 0, sy0, 0, -res};
    std::vector<std::vector<double>> bands(12, std::vector<double>(1600));
    for (int b = 0; b < 12; ++b)
        for (int r = 0; r < 40; ++r)
            for (int c = 0; c < 40; ++c)
                bands[size_t(b)][size_t(r * 40 + c)] = (b + 1) * field(sx0 + (c + 0.5) * res, sy0 - (r + 0.5) * res);
    MemRaster src(spec, bands);

    // Grid: 10 m, top-left (3000, 6020), 30 × 30: it reaches past the raster on every side.
    GridSpec grid = make_grid(3000, 6020, 10, 30, 30);

    SUBCASE("intensive, 12 bands: bilinear") {
        RasterInput in = RasterInput::open(src.path, rules("ghi", LayerKind::intensive, {1, 12}), grid);
        CHECK_FALSE(in.aligned);
        CHECK(in.bands == 12);
        Eigen::ArrayXXd all = read_all(in, grid, 16, 16);
        int interior = 0, edge = 0, outside = 0;
        for (int r = 0; r < 30; ++r)
            for (int c = 0; c < 30; ++c) {
                const double X = 3005 + 10 * c, Y = 6015 - 10 * r;  // pixel centre
                // Source pixel coordinates of the centre, relative to source cell centres.
                const double fx = (X - sx0) / res - 0.5, fy = (sy0 - Y) / res - 0.5;
                const bool in_raster = X > sx0 && X < sx0 + 40 * res && Y < sy0 && Y > sy0 - 40 * res;
                const auto row = all.row(r * 30 + c);
                CAPTURE(c);
                CAPTURE(r);
                if (!in_raster) {
                    ++outside;
                    CHECK(row.isNaN().all());
                } else if (fx >= 0 && fy >= 0 && fx < 39 && fy < 39) {
                    ++interior;  // four source centres around it: bilinear is exact on a linear field
                    for (int b = 0; b < 12; ++b) CHECK(row(b) == doctest::Approx((b + 1) * field(X, Y)).epsilon(1e-9));
                } else {
                    ++edge;  // fewer neighbours: still a value within the field's range
                    CHECK_FALSE(row.isNaN().any());
                    CHECK(row(0) > field(sx0, sy0 - 40 * res) - 1e-9);
                    CHECK(row(0) < field(sx0 + 40 * res, sy0) + 1e-9);
                }
            }
        CHECK(interior > 600);
        CHECK(edge > 0);
        CHECK(outside > 0);
    }

    SUBCASE("categorical: nearest, codes only") {
        const int codes[] = {100, 600, 1100, 1500};
        RasterSpec cs = spec;
        cs.bands = 1, cs.type = GDT_Int32, cs.nodata = 0;
        std::vector<double> v(1600);
        for (int r = 0; r < 40; ++r)
            for (int c = 0; c < 40; ++c) v[size_t(r * 40 + c)] = codes[(c / 3 + r / 5) % 4];
        v[10 * 40 + 10] = 0;  // nodata cell
        MemRaster cls(cs, {v});
        RasterInput in = RasterInput::open(cls.path, rules("landuse", LayerKind::categorical), grid);
        Eigen::ArrayXXd all = read_all(in, grid, 7, 9);
        std::set<double> allowed(std::begin(codes), std::end(codes));
        int checked = 0, nodata = 0;
        for (int r = 0; r < 30; ++r)
            for (int c = 0; c < 30; ++c) {
                const double X = 3005 + 10 * c, Y = 6015 - 10 * r;
                const double fx = (X - sx0) / res, fy = (sy0 - Y) / res;  // never a whole number here
                double got = all(r * 30 + c, 0);
                CAPTURE(c);
                CAPTURE(r);
                if (!(fx >= 0 && fy >= 0 && fx < 40 && fy < 40)) {
                    CHECK(std::isnan(got));
                    continue;
                }
                int ix = int(fx), iy = int(fy);
                if (ix == 10 && iy == 10) {
                    ++nodata;
                    CHECK(std::isnan(got));
                    continue;
                }
                CHECK(allowed.count(got) == 1);
                CHECK(got == codes[(ix / 3 + iy / 5) % 4]);
                ++checked;
            }
        CHECK(checked > 500);
        CHECK(nodata == 1);  // 7 m cells, 10 m pixels: one pixel centre falls in that cell
    }
}

TEST_CASE("raster input: validation errors name the file") {
    GridSpec grid = make_grid(0, 100, 10, 10, 10);
    RasterSpec base;
    base.width = 10, base.height = 10, base.gt = {0, 10, 0, 100, 0, -10};
    std::vector<double> ones(100, 1.0);

    SUBCASE("no CRS") {
        RasterSpec s = base;
        s.epsg = 0;
        MemRaster r(s, {ones});
        std::string msg = data_error([&] { RasterInput::open(r.path, rules("roof", LayerKind::extensive), grid); });
        CHECK(contains(msg, r.path));
        CHECK(contains(msg, "CRS"));
    }
    SUBCASE("no geotransform") {
        RasterSpec s = base;
        s.georeferenced = false;
        MemRaster r(s, {ones});
        std::string msg = data_error([&] { RasterInput::open(r.path, rules("roof", LayerKind::extensive), grid); });
        CHECK(contains(msg, r.path));
    }
    SUBCASE("2 bands where 1 is expected") {
        RasterSpec s = base;
        s.bands = 2;
        MemRaster r(s, {ones, ones});
        std::string msg = data_error([&] { RasterInput::open(r.path, rules("roof", LayerKind::extensive), grid); });
        CHECK(contains(msg, r.path));
        CHECK(contains(msg, "2 band"));
    }
    SUBCASE("2 bands where 1 or 12 are expected") {
        RasterSpec s = base;
        s.bands = 2;
        MemRaster r(s, {ones, ones});
        std::string msg =
            data_error([&] { RasterInput::open(r.path, rules("ghi", LayerKind::intensive, {1, 12}), grid); });
        CHECK(contains(msg, r.path));
        CHECK(contains(msg, "1 or 12"));
    }
    SUBCASE("NaN not declared as nodata") {
        std::vector<double> v = ones;
        v[37] = kNaN;
        MemRaster r(base, {v});
        RasterInput in = RasterInput::open(r.path, rules("ghi", LayerKind::intensive, {1, 12}), grid);
        RasterReader reader(in, grid);
        Eigen::ArrayXXd out;
        std::string msg = data_error([&] { reader.read(Window{0, 0, 10, 10}, out); });
        CHECK(contains(msg, r.path));
        CHECK(contains(msg, "NaN"));
        CHECK(contains(msg, "(7, 3)"));  // pixel 37 = column 7, row 3
    }
    SUBCASE("negative value where not allowed") {
        std::vector<double> v = ones;
        v[5] = -3;
        MemRaster r(base, {v});
        RasterInput in = RasterInput::open(r.path, rules("roof", LayerKind::extensive), grid);
        RasterReader reader(in, grid);
        Eigen::ArrayXXd out;
        std::string msg = data_error([&] { reader.read(Window{0, 0, 10, 10}, out); });
        CHECK(contains(msg, r.path));
        CHECK(contains(msg, "negative"));
        // The same value is fine where negatives are allowed (temperatures).
        RasterInput t = RasterInput::open(r.path, rules("temperature", LayerKind::intensive, {1, 12}, true), grid);
        RasterReader treader(t, grid);
        CHECK_NOTHROW(treader.read(Window{0, 0, 10, 10}, out));
        CHECK(out(5, 0) == -3);
    }
    SUBCASE("value above the layer's maximum") {
        std::vector<double> v = ones;
        v[99] = 1.5;
        MemRaster r(base, {v});
        RasterInput in = RasterInput::open(r.path, rules("shade", LayerKind::intensive, {1}, false, 1.0), grid);
        RasterReader reader(in, grid);
        Eigen::ArrayXXd out;
        std::string msg = data_error([&] { reader.read(Window{0, 0, 10, 10}, out); });
        CHECK(contains(msg, r.path));
    }
    SUBCASE("raster that does not overlap the grid") {
        RasterSpec s = base;
        s.gt = {5000, 10, 0, 5000, 0, -10};
        MemRaster r(s, {ones});
        std::string msg = data_error([&] { RasterInput::open(r.path, rules("roof", LayerKind::extensive), grid); });
        CHECK(contains(msg, r.path));
        CHECK(contains(msg, "overlap"));
    }
    SUBCASE("raster touching the grid only along an edge does not overlap") {
        RasterSpec s = base;
        s.gt = {100, 10, 0, 100, 0, -10};  // x 100..200, the grid ends at x = 100
        MemRaster r(s, {ones});
        std::string msg = data_error([&] { RasterInput::open(r.path, rules("roof", LayerKind::extensive), grid); });
        CHECK(contains(msg, "overlap"));
    }
    SUBCASE("missing file") {
        std::string msg = data_error(
            [&] { RasterInput::open("/nonexistent/repot/roof.tif", rules("roof", LayerKind::extensive), grid); });
        CHECK(contains(msg, "/nonexistent/repot/roof.tif"));
    }
}

TEST_CASE("raster input: read_at gives the listed pixels of read, and the sum of the bands") {
    // The 12-band linear field of the bilinear test: band b holds (b + 1) · field, so the sum of the
    // bands is 78 · field wherever bilinear is exact.
    const double sx0 = 3003.3, sy0 = 6011.6, res = 7;
    auto field = [](double x, double y) { return 5 + 0.01 * x + 0.02 * y; };
    RasterSpec spec;
    spec.width = 40, spec.height = 40, spec.bands = 12, spec.gt = {sx0, res, 0, sy0, 0, -res};
    std::vector<std::vector<double>> bands(12, std::vector<double>(1600));
    for (int b = 0; b < 12; ++b)
        for (int r = 0; r < 40; ++r)
            for (int c = 0; c < 40; ++c)
                bands[size_t(b)][size_t(r * 40 + c)] = (b + 1) * field(sx0 + (c + 0.5) * res, sy0 - (r + 0.5) * res);
    MemRaster src(spec, bands);
    GridSpec grid = make_grid(3000, 6020, 10, 30, 30);
    RasterInput in = RasterInput::open(src.path, rules("ghi", LayerKind::intensive, {1, 12}), grid);
    RasterReader full_reader(in, grid), reader(in, grid), summed(in, grid);
    summed.sum_bands_at_source();  // the bands added per source cell, only the sum resampled
    int interior_windows = 0, checked = 0;
    for (const Window& w : plan_blocks(grid, 8, 8)) {
        Eigen::ArrayXXd whole;
        full_reader.read(w, whole);
        // Every third pixel, then a run of neighbours on the last row: runs of 1 and of several.
        std::vector<int> list;
        for (int i = 0; i < int(w.size()) - w.width; i += 3) list.push_back(i);
        for (int i = int(w.size()) - w.width; i < int(w.size()); ++i) list.push_back(i);
        const Eigen::ArrayXi pixels = Eigen::Map<const Eigen::ArrayXi>(list.data(), Eigen::Index(list.size()));
        Eigen::ArrayXXd got;
        Eigen::ArrayXd sum;
        reader.read_at(w, pixels, got);
        reader.read_at(w, pixels, sum, /*sum_bands=*/true);
        Eigen::ArrayXd at_source;
        summed.read_at(w, pixels, at_source, /*sum_bands=*/true);
        CHECK_THROWS_AS(summed.read_at(w, pixels, got), std::logic_error);  // its bands are gone
        REQUIRE(got.rows() == pixels.size());
        REQUIRE(got.cols() == 12);
        REQUIRE(sum.size() == pixels.size());
        // A window whose pixels all have four source centres around them takes the separable path.
        auto inside = [&](int c, int r) {
            const double fx = (3005 + 10 * c - sx0) / res - 0.5, fy = (sy0 - (6015 - 10 * r)) / res - 0.5;
            return fx >= 0 && fy >= 0 && fx < 39 && fy < 39;
        };
        interior_windows += inside(w.x0, w.y0) && inside(w.x0 + w.width - 1, w.y0 + w.height - 1);
        for (Eigen::Index j = 0; j < pixels.size(); ++j) {
            const int i = pixels(j), c = w.x0 + i % w.width, r = w.y0 + i / w.width;
            CAPTURE(c);
            CAPTURE(r);
            for (int b = 0; b < 12; ++b) {
                if (std::isnan(whole(i, b))) CHECK(std::isnan(got(j, b)));
                else CHECK(got(j, b) == doctest::Approx(whole(i, b)).epsilon(1e-12));
            }
            if (std::isnan(whole(i, 0))) CHECK(std::isnan(sum(j)));
            else CHECK(sum(j) == doctest::Approx(whole.row(i).sum()).epsilon(1e-12));
            if (std::isnan(sum(j))) CHECK(std::isnan(at_source(j)));
            else CHECK(at_source(j) == doctest::Approx(sum(j)).epsilon(1e-12));
            if (inside(c, r)) {
                CHECK(sum(j) == doctest::Approx(78 * field(3005 + 10 * c, 6015 - 10 * r)).epsilon(1e-9));
                ++checked;
            }
        }
    }
    CHECK(interior_windows >= 4);
    CHECK(checked > 100);
}

TEST_CASE("raster input: source cells, interpolated and summed with weights, give what read_at gives") {
    for (const double res : {7.0, 37.0}) {
        CAPTURE(res);
        // The same 12-band field: where a window takes the separable path its source cells are exposed;
        // interpolating a column of them equals read_at's band, and weighted_sums equals Σ weight · read_at
        // per zone (docs/method.md §10: the in-plane irradiation per source cell uses both).
        // Source cells of 7 m (finer than the 10 m grid: the nodes are the cells) and of 37 m (3 nodes per
        // cell and axis). For 37 m the source starts left of and above the grid so every window has its taps.
        const double sx0 = res == 7 ? 3003.3 : 2950.3, sy0 = res == 7 ? 6011.6 : 6071.6;
        RasterSpec spec;
        spec.width = 40, spec.height = 40, spec.bands = 12, spec.gt = {sx0, res, 0, sy0, 0, -res};
        std::vector<std::vector<double>> bands(12, std::vector<double>(1600));
        for (int b = 0; b < 12; ++b)
            for (int i = 0; i < 1600; ++i) bands[size_t(b)][size_t(i)] = 100 + b * 3 + std::sin(i * 0.37 + b);  // not linear
        MemRaster src(spec, bands);
        GridSpec grid = make_grid(3000, 6020, 10, 30, 30);
        RasterInput in = RasterInput::open(src.path, rules("ghi", LayerKind::intensive, {1, 12}), grid);
        RasterReader reader(in, grid), reference(in, grid);
        CHECK(reader.refinement() == (res == 7 ? 1 : 3));
        int separable = 0, general = 0;
        for (const Window& w : plan_blocks(grid, 8, 8)) {
            std::vector<int> list;
            for (int i = 0; i < int(w.size()); i += 1 + i % 3) list.push_back(i);  // runs of 1 and of several
            const Eigen::ArrayXi pixels = Eigen::Map<const Eigen::ArrayXi>(list.data(), Eigen::Index(list.size()));
            Eigen::ArrayXXd expected;
            reference.read_at(w, pixels, expected);
            const Eigen::ArrayXXd* cells = reader.source_cells(w);
            if (!cells) {
                ++general;
                continue;
            }
            ++separable;
            REQUIRE(cells->cols() == 12);
            Eigen::ArrayXd one;
            for (int b = 0; b < 12; ++b) {
                reader.interpolate_cells(w, pixels, cells->col(b), one);
                REQUIRE(one.size() == pixels.size());
                for (Eigen::Index j = 0; j < pixels.size(); ++j) CHECK(one(j) == doctest::Approx(expected(j, b)).epsilon(1e-12));
            }
            // Weights, with zeros, and two zones alternating in stretches.
            Eigen::ArrayXd weight(pixels.size());
            Eigen::ArrayXi zone(pixels.size());
            for (Eigen::Index j = 0; j < pixels.size(); ++j) weight(j) = j % 4 == 0 ? 0.0 : 0.5 + j % 7, zone(j) = 1 + (j / 5) % 2;
            std::vector<double> sums(3 * 12, 0.0);
            std::vector<int> touched;
            reader.weighted_sums(w, pixels, weight.data(), zone.data(), *cells, sums, touched);
            std::sort(touched.begin(), touched.end());
            CHECK(touched == std::vector<int>{1, 2});  // the zones it added to, once each
            for (int z = 1; z <= 2; ++z)
                for (int b = 0; b < 12; ++b) {
                    double want = 0;
                    for (Eigen::Index j = 0; j < pixels.size(); ++j) want += zone(j) == z ? weight(j) * expected(j, b) : 0.0;
                    CHECK(sums[size_t(z * 12 + b)] == doctest::Approx(want).epsilon(1e-12));
                }
            for (int b = 0; b < 12; ++b) CHECK(sums[size_t(b)] == 0);  // nothing in zone slot 0
        }
        CHECK(separable >= 4);
        if (res == 7) CHECK(general >= 4);  // the grid's edge windows, outside the source centres: no cells
    }
}

TEST_CASE("raster input: Float32 bands pass the range, nodata and warning tests exactly as their double values") {
    // Float32 bands are tested as floats (read_source): a bound no float can hold must still split the
    // floats where the doubles split. 0.1f is 0.100000001490… > 0.1; the float below it is 0.0999999940….
    const double above = double(0.1f), below = double(std::nextafter(0.1f, 0.0f));
    RasterSpec spec;
    spec.width = 3, spec.height = 1, spec.gt = {1000, 10, 0, 2000, 0, -10};
    spec.type = GDT_Float32, spec.nodata = -9999;
    const GridSpec grid = make_grid(1000, 2000, 10, 3, 1);
    Eigen::ArrayXXd out;
    SUBCASE("a value above a maximum of 0.1") {
        MemRaster src(spec, {{below, -9999, above}});
        RasterInput in = RasterInput::open(src.path, rules("share", LayerKind::intensive, {1}, false, 0.1), grid);
        RasterReader reader(in, grid);
        CHECK_THROWS_WITH_AS(reader.read(Window{0, 0, 3, 1}, out),
                             doctest::Contains("a value above its maximum 0.1 0.10000000149011612 at pixel (2, 0)"),
                             DataError);
    }
    SUBCASE("values up to it, nodata, and the count above a warning level of 0.1") {
        MemRaster src(spec, {{below, -9999, below}});
        LayerRules r = rules("share", LayerKind::intensive, {1}, false, 0.1);
        RasterInput in = RasterInput::open(src.path, r, grid);
        RasterReader reader(in, grid);
        reader.read(Window{0, 0, 3, 1}, out);
        CHECK(out(0, 0) == below);
        CHECK(std::isnan(out(1, 0)));
        CHECK(out(2, 0) == below);
        MemRaster warned(spec, {{below, above, -9999}});
        r.max_value = 1, r.warn_above = 0.1;
        RasterInput in_warned = RasterInput::open(warned.path, r, grid);
        RasterReader warned_reader(in_warned, grid);
        warned_reader.read(Window{0, 0, 3, 1}, out);
        CHECK(warned_reader.above_count() == 1);  // 0.1f, not the float below 0.1
    }
}
