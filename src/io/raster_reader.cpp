#include "raster_reader.hpp"

#include <cpl_error.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "repot/error.hpp"
#include "repot/gather.hpp"
#include "repot/run_end.hpp"
#include "repot/wide_sum.hpp"

namespace repot {

namespace {

// The source pixels around a set of fractional source coordinates (one pixel of margin for the
// bilinear taps), clipped to the raster; nullopt when none is inside.
std::optional<Window> covering_window(const Eigen::ArrayXd& x, const Eigen::ArrayXd& y, int width, int height) {
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (Eigen::Index i = 0; i < x.size(); ++i)
        if (std::isfinite(x(i)) && std::isfinite(y(i))) {
            xmin = std::min(xmin, x(i)), xmax = std::max(xmax, x(i));
            ymin = std::min(ymin, y(i)), ymax = std::max(ymax, y(i));
        }
    if (!std::isfinite(xmin)) return std::nullopt;
    int ax = std::max(0, int(std::floor(xmin)) - 1), ay = std::max(0, int(std::floor(ymin)) - 1);
    int bx = std::min(width, int(std::floor(xmax)) + 2), by = std::min(height, int(std::floor(ymax)) + 2);
    if (ax >= bx || ay >= by) return std::nullopt;
    return Window{ax, ay, bx - ax, by - ay};
}

}  // namespace

RasterReader::RasterReader(const RasterInput& input, const GridSpec& grid)
    : in_(input), bands_(input.bands), grid_(grid), ds_(open_raster(input.path)),
      mapper_(input.aggregate ? PixelMapper(input.grid(), grid) : PixelMapper(grid, input.grid())) {
    if (input.aggregate) grid_to_source_ = std::make_unique<PixelMapper>(grid, input.grid());
    // Lattice nodes no closer than a grid pixel, at most 8 per source cell: a node's transform costs far
    // less than the pixels it serves, and 8 cuts the interpolation error of a curved transform 64-fold.
    const double cell_px = std::min(std::hypot(input.geotransform[1], input.geotransform[4]),
                                    std::hypot(input.geotransform[2], input.geotransform[5])) /
                           std::max(std::hypot(grid.geotransform[1], grid.geotransform[4]),
                                    std::hypot(grid.geotransform[2], grid.geotransform[5]));
    refine_ = std::clamp(int(std::floor(cell_px)), 1, 8);
}

namespace {
// The least float ≥ v, and the greatest float ≤ v: a float passes x >= v (x <= v) exactly when it passes the
// same test against these (±infinity beyond the floats' range).
float float_at_least(double v) {
    float f = float(v);
    if (double(f) < v) f = std::nextafter(f, INFINITY);
    return f;
}
float float_at_most(double v) {
    float f = float(v);
    if (double(f) > v) f = std::nextafter(f, -INFINITY);
    return f;
}

// read_source's tests of a value: in range, nodata, or NaN declared as nodata; and above the warning level.
// Bitwise operators: no branch, so the loops vectorise.
template <class T>
struct ValueTests {
    T low, high, nodata, warn;  // nodata NaN: none (NaN equals nothing)
    bool nan_nodata;
    bool fine(T x) const { return ((x >= low) & (x <= high)) | (x == nodata) | (nan_nodata & (x != x)); }
};
// The same tests on floats, eight to a vector instead of four doubles: each bound becomes the float at
// which the double bound splits the floats, so a float passes exactly when its double value does.
ValueTests<float> as_floats(const ValueTests<double>& t) {
    const float nodata = double(float(t.nodata)) == t.nodata ? float(t.nodata) : NAN;  // else no float equals it
    return {float_at_least(t.low), float_at_most(t.high), nodata, float_at_most(t.warn), t.nan_nodata};
}
// One pass over src: widened into dst with nodata as NaN; counts the values failing the tests and above the
// warning level (NaN compares false). Integer counts (int for floats: eight lanes; a window holds far fewer
// than 2^31 values): the compiler may reorder them, so the loop vectorises.
template <class T>
void scan(const T* src, double* dst, int64_t n, const ValueTests<T>& t, int64_t& bad, int64_t& above) {
    using Count = std::conditional_t<sizeof(T) == 4, int, int64_t>;
    Count bad_n = 0, above_n = 0;
    for (int64_t i = 0; i < n; ++i) {
        const T x = src[i];
        bad_n += !t.fine(x);
        const T y = x == t.nodata ? T(NAN) : x;
        dst[i] = y;
        above_n += y > t.warn;
    }
    bad = bad_n, above = above_n;
}
}  // namespace

bool RasterReader::same_window(const Window& a, const Window& b) {
    return a.x0 == b.x0 && a.y0 == b.y0 && a.width == b.width && a.height == b.height;
}

void RasterReader::read_source(int x0, int y0, int w, int h, Eigen::ArrayXXd& buf) {
    buf.resize(int64_t(w) * h, in_.bands);
    for (int b = 0; b < in_.bands; ++b) read_source_band(b, x0, y0, w, h, buf.col(b).data());
    if (summed_ && in_.bands > 1) {  // sum_bands_at_source: one column, NaN where any band is
        for (int b = 1; b < in_.bands; ++b) buf.col(0) += buf.col(b);
        buf.conservativeResize(Eigen::NoChange, 1);
    }
}

void RasterReader::read_source_band(int b, int x0, int y0, int w, int h, double* dst) {
    auto read_band = [&](void* data, GDALDataType as) {
        if (ds_->GetRasterBand(b + 1)->RasterIO(GF_Read, x0, y0, w, h, data, w, h, as, 0, 0) != CE_None)
            throw DataError(fmt::format("{}: read error in band {} at pixel ({}, {}): {}", in_.path, b + 1, x0, y0,
                                        CPLGetLastErrorMsg()));
    };
    // Bands whose values are all floats (Float32 and the small integer types) are read as Float32 and
    // widened in the pass below: GDAL's own conversion to Float64 costs several times that pass.
    const GDALDataType type = ds_->GetRasterBand(b + 1)->GetRasterDataType();
    const bool as_float = type == GDT_Float32 || type == GDT_Byte || type == GDT_Int16 || type == GDT_UInt16;
    const int64_t n = int64_t(w) * h;
    if (as_float) floats_.resize(size_t(n));
    read_band(as_float ? static_cast<void*>(floats_.data()) : dst, as_float ? GDT_Float32 : GDT_Float64);
    // One vectorised pass tests the range, turns nodata to NaN and counts values above warn_above; only
    // when it finds a bad value is the band read again, for the scalar search that names it.
    Eigen::Map<Eigen::ArrayXd> v(dst, n);
    const auto& nd = in_.nodata[size_t(b)];
    const bool nan_nodata = nd && std::isnan(*nd);
    const double low = in_.rules.min_value, high = in_.rules.max_value;
    const ValueTests<double> tests{low, high, nd && !nan_nodata ? *nd : NAN, in_.rules.warn_above, nan_nodata};
    int64_t bad = 0, above = 0;
    if (as_float) scan(floats_.data(), dst, n, as_floats(tests), bad, above);
    else scan(dst, dst, n, tests, bad, above);
    if (bad > 0) {
        read_band(dst, GDT_Float64);  // the values as read, for the message
        for (int64_t i = 0; i < v.size(); ++i) {
            const double x = v(i);
            if (tests.fine(x)) continue;
            const std::string what = std::isnan(x)        ? "NaN (not declared as nodata)"
                                     : x < 0 && low == 0    ? "a negative value"
                                     : x < low              ? fmt::format("a value below its minimum {:g}", low)
                                                            : fmt::format("a value above its maximum {:g}", high);
            throw DataError(fmt::format("{}: {} raster band {} has {} {} at pixel ({}, {}) (plausible range "
                                        "{:g}..{:g}, docs/method.md §10)",
                                        in_.path, in_.rules.role, b + 1, what, x, x0 + i % w, y0 + i / w, low, high));
        }
    }
    if (above > 0) {
        above_count_ += above;
        above_max_ = std::max(above_max_, v.isNaN().select(0.0, v).maxCoeff());
    }
}

void RasterReader::read(const Window& w, Eigen::ArrayXXd& out) {
    // Each path writes every pixel (NaN where the layer has no value): no fill of the whole block first.
    out.resize(w.size(), bands_);
    if (in_.aligned) read_aligned(w, out);
    else if (in_.aggregate) read_aggregated(w, out);
    else read_resampled(w, out);
}

void RasterReader::use_window(const Window& w) {
    if (!has_cache_ || !same_window(cached_, w)) {
        // Once per window, however many calls: the source window read, x-interpolated where possible.
        cached_ = w;
        has_cache_ = true;
        separable_ = prepare_separable(w);
        if (!separable_) read(w, full_);
    }
}

const Eigen::ArrayXXd* RasterReader::source_cells(const Window& w) {
    use_window(w);
    if (!separable_) return nullptr;
    if (!nodes_ready_) {
        // Node (a, b) lies at source cell coordinates ((node_x0_ + a) / k, (node_y0_ + b) / k), counted from
        // the first cell centre read; its value is the bilinear one there, as read_at computes it.
        const int k = refine_;
        nodes_.resize(int64_t(nodes_w_) * nodes_h_, buf_.cols());
        for (int b = 0; b < nodes_h_; ++b) {
            const int64_t vy = node_y0_ + b, iy = vy / k;
            const double ty = double(vy - iy * k) / k;
            for (int a = 0; a < nodes_w_; ++a) {
                const int64_t vx = node_x0_ + a, ix = vx / k;
                const double tx = double(vx - ix * k) / k;
                const int64_t c00 = iy * cells_w_ + ix;
                const int64_t c01 = tx > 0 ? c00 + 1 : c00, c10 = ty > 0 ? c00 + cells_w_ : c00, c11 = c10 + (c01 - c00);
                for (Eigen::Index band = 0; band < buf_.cols(); ++band) {
                    const double* S = buf_.col(band).data();
                    nodes_(int64_t(b) * nodes_w_ + a, band) =
                        (S[c00] * (1 - tx) + S[c01] * tx) * (1 - ty) + (S[c10] * (1 - tx) + S[c11] * tx) * ty;
                }
            }
        }
        nodes_ready_ = true;
    }
    return &nodes_;
}

void RasterReader::x_lines(const double* cells, double* lines, int width) const {
    for (int k = 0; k < cells_h_; ++k) {
        const double* line = cells + int64_t(k) * cells_w_;
        double* dst = lines + int64_t(k) * width;
        for (int x = 0; x < width; ++x) dst[x] = line[col_cell_(x)] * (1 - col_t_(x)) + line[col_cell_(x) + 1] * col_t_(x);
    }
}

void RasterReader::interpolate_cells(const Window& w, const Eigen::ArrayXi& pixels,
                                     const Eigen::Ref<const Eigen::ArrayXd>& cells, Eigen::ArrayXd& out) {
    use_window(w);
    if (!separable_ || cells.size() != int64_t(nodes_w_) * nodes_h_)
        throw std::logic_error("interpolate_cells: not the lattice of this window");
    node_lines_.resize(w.width, nodes_h_);
    for (int b = 0; b < nodes_h_; ++b) {
        const double* line = cells.data() + int64_t(b) * nodes_w_;
        for (int x = 0; x < w.width; ++x)
            node_lines_(x, b) = line[node_col_(x)] * (1 - node_col_t_(x)) + line[node_col_(x) + 1] * node_col_t_(x);
    }
    split_runs(w, pixels, /*lattice=*/true);
    out.resize(pixels.size());
    for (const Run& run : runs_) {
        const double* above = &node_lines_(run.x, run.line);
        const double* below = above + w.width;
        const double t = run.t;
        for (int k = 0; k < run.len; ++k) out[run.first + k] = above[k] * (1 - t) + below[k] * t;
    }
}

void RasterReader::weighted_sums(const Window& w, const Eigen::Ref<const Eigen::ArrayXi>& pixels, const double* weight,
                                 const int* zone, const Eigen::ArrayXXd& cells, std::vector<double>& out,
                                 std::vector<int>& zones) {
    use_window(w);
    if (!separable_ || cells.rows() != int64_t(nodes_w_) * nodes_h_)
        throw std::logic_error("weighted_sums: not the lattice of this window");
    const Eigen::Index bands = cells.cols();
    split_runs(w, pixels, /*lattice=*/true);
    for (ZoneWeights& zw : zone_weights_) zw.zone = -1;
    for (const Run& run : runs_) {
        const double t = run.t;
        for (int a = 0; a < run.len;) {
            // A stretch of one zone between two node columns: v(p) = (1 − t)·line_b(x) + t·line_b+1(x), and
            // line(x) = (1 − tx)·S[c] + tx·S[c + 1], so Σ w·v needs only Σ w·(1 − tx) and Σ w·tx.
            const int x = run.x + a;
            const int z = zone[run.first + a];
            int end = std::min(run.len, node_col_run_end_(x) - run.x);
            if (!all_equal(zone + run.first + a, end - a))  // mostly one zone: a vectorised test first
                for (int b = a + 1; b < end; ++b)
                    if (zone[run.first + b] != z) {
                        end = b;
                        break;
                    }
            const double* wp = weight + run.first + a;
            const auto [sum_w, sum_wt] = sum_and_dot_wide(wp, node_col_t_.data() + x, end - a);
            const double A = sum_w - sum_wt, B = sum_wt;  // Σ w·(1 − tx), Σ w·tx
            const int64_t c00 = int64_t(run.line) * nodes_w_ + node_col_(x), c10 = c00 + nodes_w_;
            // Each node's weight per zone first; the bands once per node below, not once per stretch.
            ZoneWeights& zw = zone_weights(z, int64_t(nodes_w_) * nodes_h_);
            zw.add(c00, (1 - t) * A), zw.add(c00 + 1, (1 - t) * B), zw.add(c10, t * A), zw.add(c10 + 1, t * B);
            a = end;
        }
    }
    for (ZoneWeights& zw : zone_weights_) {
        if (zw.zone < 0) continue;  // a slot this call did not use
        zones.push_back(zw.zone);
        double* dst = out.data() + size_t(zw.zone) * size_t(bands);
        for (const int64_t node : zw.nodes) {
            for (Eigen::Index b = 0; b < bands; ++b) dst[b] += zw.weight[size_t(node)] * cells(node, b);
            zw.weight[size_t(node)] = 0;
        }
        zw.nodes.clear();
    }
}

// The node weights of a zone in this weighted_sums call: its slot, or a free one (zone −1, weights 0).
RasterReader::ZoneWeights& RasterReader::zone_weights(int zone, int64_t nodes) {
    ZoneWeights* free = nullptr;
    for (ZoneWeights& zw : zone_weights_) {
        if (zw.zone == zone) return zw;
        if (zw.zone < 0 && !free) free = &zw;
    }
    if (!free) free = &zone_weights_.emplace_back();
    free->zone = zone;
    free->weight.resize(size_t(nodes), 0.0);  // 0 already where it was used (cleared after each call)
    return *free;
}

template <class Out>
void RasterReader::read_at(const Window& w, const Eigen::ArrayXi& pixels, Out& out, bool sum_bands) {
    use_window(w);
    if (summed_ && !sum_bands) throw std::logic_error("read_at: the bands of this layer are summed at the source");
    const int bands = sum_bands ? 1 : bands_;
    if (Out::ColsAtCompileTime == 1 && bands != 1) throw std::logic_error("read_at: one column for several bands");
    if (Out::ColsAtCompileTime == 1 && in_.aligned && in_.bands == 1 && pixels.size() == w.size() &&
        !(has_cache_ && same_window(cached_, w))) {
        // Every pixel of a window (ascending and distinct: 0, 1, ...) of a one-band layer on the grid: read
        // straight into out, not through the window cache and a copy. Callers read a layer's window once.
        const int sx0 = w.x0 + in_.offset_x, sy0 = w.y0 + in_.offset_y;
        if (sx0 >= 0 && sy0 >= 0 && sx0 + w.width <= in_.width && sy0 + w.height <= in_.height) {
            out.resize(pixels.size(), 1);
            return read_source_band(0, sx0, sy0, w.width, w.height, out.data());
        }
    }
    if (separable_) {
        out.resize(pixels.size(), bands);
        return interpolate_at(w, pixels, out.data(), sum_bands ? bands_ : 0, bands);
    }
    out.resize(pixels.size(), bands);
    if (!sum_bands) {
        for (int b = 0; b < bands; ++b) gather(full_.col(b).data(), pixels, out.col(b).data());
        return;
    }
    // Band by band: Eigen's rowwise().sum() of an indexed view copies the whole view for every row.
    gather(full_.col(0).data(), pixels, out.data());
    for (Eigen::Index b = 1; b < full_.cols(); ++b) {
        const double* band = full_.col(b).data();
        for (Eigen::Index i = 0; i < pixels.size(); ++i) out(i) += band[pixels(i)];
    }
}
template void RasterReader::read_at(const Window&, const Eigen::ArrayXi&, Eigen::ArrayXd&, bool);
template void RasterReader::read_at(const Window&, const Eigen::ArrayXi&, Eigen::ArrayXXd&, bool);

void RasterReader::read_aligned(const Window& w, Eigen::ArrayXXd& out) {
    int sx0 = w.x0 + in_.offset_x, sy0 = w.y0 + in_.offset_y;
    int ax = std::max(sx0, 0), ay = std::max(sy0, 0);
    int bx = std::min(sx0 + w.width, in_.width), by = std::min(sy0 + w.height, in_.height);
    int rw = bx - ax, rh = by - ay;
    if (rw == w.width && rh == w.height) return read_source(ax, ay, rw, rh, out);  // wholly inside
    out.setConstant(NAN);  // outside the layer: missing
    if (ax >= bx || ay >= by) return;
    read_source(ax, ay, rw, rh, buf_);
    for (int b = 0; b < bands_; ++b)
        for (int r = 0; r < rh; ++r)
            out.col(b).segment(int64_t(ay - sy0 + r) * w.width + (ax - sx0), rw) = buf_.col(b).segment(int64_t(r) * rw, rw);
}

// Categorical layers: the value of the cell holding the pixel centre. Extensive layers coarser than
// the grid: that value shared by the pixel centres the cell holds (RasterInput::centre_counts).
void RasterReader::read_nearest(const Window& w, Eigen::ArrayXXd& out) {
    int ax, ay, rw;
    if (!prepare_nearest(w, ax, ay, rw)) return out.setConstant(NAN), void();  // no pixel centre in the layer
    for (const CellRun& run : cell_runs_)
        for (int b = 0; b < bands_; ++b)
            std::fill(out.col(b).data() + run.begin, out.col(b).data() + run.end, nearest_value(run.cell, ax, ay, rw, b));
}

bool RasterReader::prepare_nearest(const Window& w, int& ax, int& ay, int& rw) {
    mapper_.cell_runs(w, in_.width, in_.height, cell_runs_);
    return read_cells(cell_runs_, ax, ay, rw);
}

template <class Cells>
bool RasterReader::read_cells(const Cells& cells, int& ax, int& ay, int& rw) {
    ax = in_.width, ay = in_.height;
    int bx = 0, by = 0;  // the source window holding every cell
    for (const auto& c : cells)
        if (c.cell >= 0) {
            const int x = int(c.cell % in_.width), y = int(c.cell / in_.width);
            ax = std::min(ax, x), ay = std::min(ay, y), bx = std::max(bx, x + 1), by = std::max(by, y + 1);
        }
    if (ax >= bx) return false;
    rw = bx - ax;
    read_source(ax, ay, rw, by - ay, buf_);
    return true;
}

double RasterReader::nearest_value(int64_t cell, int ax, int ay, int rw, int band) const {
    if (cell < 0) return NAN;  // outside the layer: missing, not zero
    const int64_t k = int64_t(cell / in_.width - ay) * rw + (cell % in_.width - ax);  // in the read window
    if (in_.rules.kind != LayerKind::extensive) return buf_(k, band);
    // The cell's value is shared by the pixel centres inside it.
    const uint32_t count = (*in_.centre_counts)[size_t(cell)];
    return (count ? 1.0 / count : NAN) * buf_(k, band);
}

bool RasterReader::nearest_path() const {
    return !in_.aligned && !in_.aggregate && in_.rules.kind != LayerKind::intensive;
}

bool RasterReader::runs_by_cell(const Window& w, const Eigen::ArrayXi& pixels,
                                const std::vector<Eigen::Index>& zone_run_start,
                                const std::function<void(size_t, double, int64_t)>& add) {
    if (!nearest_path() || bands_ != 1) return false;
    int ax = 0, ay = 0, rw = 0;
    const bool any = prepare_nearest(w, ax, ay, rw);
    const Eigen::Index n = pixels.size();
    size_t z = 0;  // the zone run of pixel j
    Eigen::Index j = 0;
    for (const CellRun& run : cell_runs_) {  // window order, as the listed pixels
        if (j == n) break;
        const double v = any ? nearest_value(run.cell, ax, ay, rw, 0) : NAN;
        // The listed pixels from j on are at or after run.begin, at most one per position: all of the run's
        // are listed when the last of them is its last pixel (mostly), else a search among them finds the end.
        const Eigen::Index most = std::min(n, j + Eigen::Index(run.end - run.begin));
        const Eigen::Index end = most > j && pixels(most - 1) == run.end - 1
                                     ? most
                                     : std::lower_bound(pixels.data() + j, pixels.data() + most, int(run.end)) - pixels.data();
        while (j < end) {  // split at the zone runs inside this cell run
            while (z + 1 < zone_run_start.size() && zone_run_start[z + 1] <= j) ++z;
            const Eigen::Index stop = z + 1 < zone_run_start.size() ? std::min(end, zone_run_start[z + 1]) : end;
            add(z, v, stop - j);
            j = stop;
        }
    }
    return true;
}

bool RasterReader::counts_by_cell(const Window& w, const std::function<void(double, int64_t)>& add) {
    if (!nearest_path() || bands_ != 1) return false;
    mapper_.cell_counts(w, in_.width, in_.height, cell_counts_);
    int ax = 0, ay = 0, rw = 0;
    const bool any = read_cells(cell_counts_, ax, ay, rw);
    for (const CellCount& c : cell_counts_) add(any ? nearest_value(c.cell, ax, ay, rw, 0) : NAN, c.pixels);
    return true;
}

// Bilinear (intensive layers); nearest for the others.
void RasterReader::read_resampled(const Window& w, Eigen::ArrayXXd& out) {
    if (in_.rules.kind != LayerKind::intensive) return read_nearest(w, out);
    mapper_.map(w, sx_, sy_);
    auto win = covering_window(sx_, sy_, in_.width, in_.height);
    if (!win) return out.setConstant(NAN), void();
    const int ax = win->x0, ay = win->y0, bx = ax + win->width, by = ay + win->height;
    const int rw = bx - ax, rh = by - ay;
    read_source(ax, ay, rw, rh, buf_);
    // (Not within a tile the lattice keeps on the general path: a pixel's value must not depend on its window.)
    if (tile_.width == 0 && mapper_.axis_aligned() && interior_separable(w) && !buf_.hasNaN())
        return bilinear_separable(w, ax, ay, rw, rh, out);
    const Eigen::Index n = w.size();
    // Where to read each pixel, computed once and applied to every band: index into the read window
    // (-1 outside) and weight of the four surrounding cell centres.
    auto cell = [&](int x, int y) -> int64_t {
        return x < ax || y < ay || x >= bx || y >= by ? -1 : int64_t(y - ay) * rw + (x - ax);
    };
    idx_.resize(n, 4);
    wt_.resize(n, 4);
    for (Eigen::Index i = 0; i < n; ++i) {
        double x = sx_(i), y = sy_(i);
        if (!(x >= 0 && y >= 0 && x < in_.width && y < in_.height)) {  // outside the layer: missing, not zero
            idx_.row(i).setConstant(-1);
            continue;
        }
        double fx = x - 0.5, fy = y - 0.5;
        int x0 = int(std::floor(fx)), y0 = int(std::floor(fy));
        double tx = fx - x0, ty = fy - y0;
        idx_(i, 0) = cell(x0, y0), wt_(i, 0) = (1 - tx) * (1 - ty);
        idx_(i, 1) = cell(x0 + 1, y0), wt_(i, 1) = tx * (1 - ty);
        idx_(i, 2) = cell(x0, y0 + 1), wt_(i, 2) = (1 - tx) * ty;
        idx_(i, 3) = cell(x0 + 1, y0 + 1), wt_(i, 3) = tx * ty;
    }
    // Fast path, the common case: every tap inside the read window and no nodata in it.
    if ((idx_ >= 0).all() && !buf_.hasNaN()) {
        for (int b = 0; b < bands_; ++b) {
            const double* src = buf_.col(b).data();
            double* dst = out.col(b).data();
            for (Eigen::Index i = 0; i < n; ++i)
                dst[i] = wt_(i, 0) * src[idx_(i, 0)] + wt_(i, 1) * src[idx_(i, 1)] + wt_(i, 2) * src[idx_(i, 2)] +
                         wt_(i, 3) * src[idx_(i, 3)];
        }
        return;
    }
    for (int b = 0; b < bands_; ++b) {
        const double* src = buf_.col(b).data();
        double* dst = out.col(b).data();
        for (Eigen::Index i = 0; i < n; ++i) {
            // Over the valid neighbours only, so a nodata neighbour does not erase a pixel.
            double sum = 0, wsum = 0;
            for (int k = 0; k < 4; ++k) {
                int64_t j = idx_(i, k);
                if (j < 0) continue;
                double v = src[j];
                if (!std::isnan(v) && wt_(i, k) > 0) sum += wt_(i, k) * v, wsum += wt_(i, k);
            }
            dst[i] = wsum > 0 ? sum / wsum : NAN;
        }
    }
}

bool RasterReader::interior_separable(const Window& w) const {
    // Every pixel has its four bilinear taps inside the raster: the source column of each grid column
    // and the source row of each grid row lie half a cell inside the raster's edges.
    auto inner = [](double v, int n) { return v >= 0.5 && v < n - 0.5; };
    for (int c = 0; c < w.width; ++c)
        if (!inner(sx_(c), in_.width)) return false;
    for (int r = 0; r < w.height; ++r)
        if (!inner(sy_(int64_t(r) * w.width), in_.height)) return false;
    return true;
}

void RasterReader::bilinear_separable(const Window& w, int ax, int ay, int rw, int rh, Eigen::ArrayXXd& out) {
    // Same CRS, no rotation: a pixel's source column depends on its column only, its source row on
    // its row only. Interpolate each source row along x once, then each output row is a lerp of two.
    Eigen::ArrayXi xi(w.width);
    Eigen::ArrayXd tx(w.width);
    for (int c = 0; c < w.width; ++c) {
        double fx = sx_(c) - 0.5;
        int x0 = int(std::floor(fx));
        xi(c) = x0 - ax;
        tx(c) = fx - x0;
    }
    Eigen::ArrayXXd rows(w.width, rh);  // column k: source row ay + k interpolated along x
    for (int b = 0; b < bands_; ++b) {
        const double* src = buf_.col(b).data();
        for (int k = 0; k < rh; ++k) {
            const double* line = src + int64_t(k) * rw;
            for (int c = 0; c < w.width; ++c)
                rows(c, k) = line[xi(c)] * (1 - tx(c)) + line[xi(c) + 1] * tx(c);
        }
        for (int r = 0; r < w.height; ++r) {
            double fy = sy_(int64_t(r) * w.width) - 0.5;
            int y0 = int(std::floor(fy));
            double ty = fy - y0;
            int k = y0 - ay;
            out.col(b).segment(int64_t(r) * w.width, w.width) = rows.col(k) * (1 - ty) + rows.col(k + 1) * ty;
        }
    }
}

void RasterReader::set_tile(const Window& t) {
    if (t.x0 != tile_.x0 || t.y0 != tile_.y0 || t.width != tile_.width || t.height != tile_.height)
        tile_ = t, tile_decision_ = -1, has_cache_ = false;
}

bool RasterReader::inner_taps(const Window& w) {
    // Axis-aligned: the source column of a pixel depends on its column only, its source row on its row
    // only, so one row and one column of the window give every tap.
    Eigen::ArrayXd unused;
    mapper_.map(Window{w.x0, w.y0, w.width, 1}, col_x_, unused);
    mapper_.map(Window{w.x0, w.y0, 1, w.height}, unused, row_y_);
    auto inner = [](const Eigen::ArrayXd& v, int n) { return (v >= 0.5).all() && (v < n - 0.5).all(); };
    return inner(col_x_, in_.width) && inner(row_y_, in_.height);
}

bool RasterReader::tile_separable() {
    if (tile_decision_ < 0) {
        tile_decision_ = 0;
        if (inner_taps(tile_)) {
            const int ax = int(std::floor(col_x_.minCoeff() - 0.5)), ay = int(std::floor(row_y_.minCoeff() - 0.5));
            const int bx = int(std::floor(col_x_.maxCoeff() - 0.5)) + 2, by = int(std::floor(row_y_.maxCoeff() - 0.5)) + 2;
            read_source(ax, ay, bx - ax, by - ay, buf_);
            tile_decision_ = !buf_.hasNaN();  // nodata taps: the general path renormalises the weights
        }
    }
    return tile_decision_ == 1;
}

bool RasterReader::prepare_separable(const Window& w) {
    if (in_.aligned || in_.aggregate || in_.rules.kind != LayerKind::intensive || !mapper_.axis_aligned()) return false;
    if (tile_.width > 0 && !tile_separable()) return false;  // the tile decides for all its windows
    if (!inner_taps(w)) return false;  // edges: the general path
    const Eigen::ArrayXd fx = col_x_ - 0.5, fy = row_y_ - 0.5;
    const Eigen::ArrayXi xi = fx.floor().cast<int>();
    row_line_ = fy.floor().cast<int>();
    row_t_ = fy - row_line_.cast<double>();
    col_t_ = fx - xi.cast<double>();
    const int ax = xi.minCoeff(), ay = row_line_.minCoeff(), rw = xi.maxCoeff() + 2 - ax,
              rh = row_line_.maxCoeff() + 2 - ay;
    row_line_ -= ay;
    col_cell_ = xi - ax;
    cells_w_ = rw, cells_h_ = rh;
    // The lattice of source_cells, in node units from the first cell read (fixed by the grid and the
    // layer alone: a pixel's nodes and weights do not depend on the window).
    const int k = refine_;
    const Eigen::ArrayXd vx = (fx - ax) * k, vy = (fy - ay) * k;
    const Eigen::ArrayXi vxi = vx.floor().cast<int>(), vyi = vy.floor().cast<int>();
    node_x0_ = vxi.minCoeff(), node_y0_ = vyi.minCoeff();
    nodes_w_ = vxi.maxCoeff() + 2 - int(node_x0_), nodes_h_ = vyi.maxCoeff() + 2 - int(node_y0_);
    node_col_ = vxi - int(node_x0_), node_row_ = vyi - int(node_y0_);
    node_col_t_ = vx - vxi.cast<double>(), node_row_t_ = vy - vyi.cast<double>();
    node_col_run_end_.resize(w.width);
    for (int x = w.width - 1; x >= 0; --x)
        node_col_run_end_(x) = x + 1 < w.width && node_col_(x + 1) == node_col_(x) ? node_col_run_end_(x + 1) : x + 1;
    nodes_ready_ = false;
    read_source(ax, ay, rw, rh, buf_);
    if (buf_.hasNaN()) return false;  // nodata taps: the general path renormalises the weights
    // lines_: each source row interpolated along x at every window column, per band, then for the sum
    // of the bands; column (band · rh + k) holds source row ay + k.
    const int nb = bands_;
    lines_.resize(w.width, Eigen::Index(nb + 1) * rh);
    for (int b = 0; b < nb; ++b) x_lines(buf_.col(b).data(), &lines_(0, b * rh), w.width);
    const Eigen::ArrayXd sum = buf_.rowwise().sum();
    x_lines(sum.data(), &lines_(0, nb * rh), w.width);
    lines_per_band_ = rh;
    return true;
}

void RasterReader::interpolate_at(const Window& w, const Eigen::ArrayXi& pixels, double* out, int first_band,
                                  int bands) {
    // Each run of listed pixels is a lerp of two x-interpolated source lines, a vector loop for every band.
    const Eigen::Index n = pixels.size();
    split_runs(w, pixels);
    for (int b = 0; b < bands; ++b) {
        const Eigen::Index base = Eigen::Index(first_band + b) * lines_per_band_;
        double* dst = out + b * n;
        for (const Run& run : runs_) {
            const double* above = &lines_(run.x, base + run.line);
            const double* below = above + w.width;
            const double t = run.t;
            for (int k = 0; k < run.len; ++k) dst[run.first + k] = above[k] * (1 - t) + below[k] * t;
        }
    }
}

// The listed pixels ascend: split them once into runs of neighbours within a row.
void RasterReader::split_runs(const Window& w, const Eigen::Ref<const Eigen::ArrayXi>& pixels, bool lattice) {
    const Eigen::ArrayXi& line = lattice ? node_row_ : row_line_;
    const Eigen::ArrayXd& weight = lattice ? node_row_t_ : row_t_;
    const Eigen::Index n = pixels.size();
    runs_.clear();
    for (Eigen::Index j = 0; j < n;) {
        const int r = pixels(j) / w.width, x = pixels(j) - r * w.width;
        // Ascending and distinct: the rest of the row is one run when its last pixel is where it would be.
        Eigen::Index len = std::min<Eigen::Index>(n - j, w.width - x);
        if (pixels(j + len - 1) != pixels(j) + len - 1)
            for (len = 1; j + len < n && pixels(j + len) == pixels(j) + len && x + len < w.width;) ++len;
        runs_.push_back({j, x, int(len), line(r), weight(r)});
        j += len;
    }
}

void RasterReader::read_aggregated(const Window& w, Eigen::ArrayXXd& out) {
    out.setConstant(NAN);  // a pixel no source pixel centre falls in has no value
    // Source window: the grid window, grown by a pixel, in source pixels (with a source pixel margin).
    Eigen::ArrayXd cx, cy;
    grid_to_source_->map(Window{w.x0 - 1, w.y0 - 1, w.width + 2, w.height + 2}, cx, cy);
    auto win = covering_window(cx, cy, in_.width, in_.height);
    if (!win) return;
    const Window src = *win;
    read_source(src.x0, src.y0, src.width, src.height, buf_);
    mapper_.map(src, sx_, sy_);  // source pixel centres -> grid pixel coordinates
    for (int64_t i = 0; i < src.size(); ++i) {
        if (!std::isfinite(sx_(i)) || !std::isfinite(sy_(i))) continue;
        int c = int(std::floor(sx_(i))) - w.x0, r = int(std::floor(sy_(i))) - w.y0;
        if (c < 0 || r < 0 || c >= w.width || r >= w.height) continue;
        int64_t k = int64_t(r) * w.width + c;
        for (int b = 0; b < bands_; ++b) {
            double v = buf_(i, b);
            if (std::isnan(v)) continue;
            out(k, b) = std::isnan(out(k, b)) ? v : out(k, b) + v;
        }
    }
}

}  // namespace repot
