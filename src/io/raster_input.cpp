#include "raster_input.hpp"

#include <cpl_error.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "repot/error.hpp"

namespace repot {

const char* kind_name(LayerKind k) {
    switch (k) {
        case LayerKind::intensive: return "intensive (bilinear)";
        case LayerKind::categorical: return "categorical (nearest)";
        case LayerKind::extensive: return "extensive (totals conserved)";
    }
    return "?";
}

bool has_crs(const OGRSpatialReference* srs) {
    if (!srs || srs->IsEmpty() || srs->IsLocal()) return false;
    const char* name = srs->GetName();
    return !(name && std::string(name).rfind("Undefined", 0) == 0 && !srs->GetAuthorityCode(nullptr));
}

std::unique_ptr<GDALDataset> open_raster(const std::string& path) {
    CPLErrorReset();
    auto* ds = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    if (!ds) {
        std::string why = CPLGetLastErrorMsg();
        throw DataError(fmt::format("{}: cannot open raster{}{}", path, why.empty() ? "" : ": ", why));
    }
    return std::unique_ptr<GDALDataset>(ds);
}

namespace {

OGRSpatialReference srs_from_wkt(const std::string& wkt) {
    OGRSpatialReference srs;
    srs.importFromWkt(wkt.c_str());
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

bool same_crs(const std::string& a, const std::string& b) {
    if (a == b) return true;
    auto sa = srs_from_wkt(a), sb = srs_from_wkt(b);
    return sa.IsSame(&sb) != 0;
}

std::array<double, 6> invert(const std::array<double, 6>& gt, const std::string& path) {
    std::array<double, 6> inv{};
    if (!GDALInvGeoTransform(const_cast<double*>(gt.data()), inv.data()))
        throw DataError(fmt::format("{}: geotransform cannot be inverted", path));
    return inv;
}

bool near_integer(double v) { return std::abs(v - std::round(v)) < 1e-6; }

// Bounds of a raster's extent transformed to the grid CRS (xmin, ymin, xmax, ymax); NaN if it fails.
std::array<double, 4> bounds_in(const RasterInput& in, const std::string& grid_wkt) {
    const auto& g = in.geotransform;
    double xs[4], ys[4];
    int k = 0;
    for (int c : {0, in.width})
        for (int r : {0, in.height}) {
            xs[k] = g[0] + c * g[1] + r * g[2];
            ys[k] = g[3] + c * g[4] + r * g[5];
            ++k;
        }
    std::array<double, 4> b{*std::min_element(xs, xs + 4), *std::min_element(ys, ys + 4),
                            *std::max_element(xs, xs + 4), *std::max_element(ys, ys + 4)};
    if (same_crs(in.crs_wkt, grid_wkt)) return b;
    auto src = srs_from_wkt(in.crs_wkt), dst = srs_from_wkt(grid_wkt);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
    std::array<double, 4> out{NAN, NAN, NAN, NAN};
    if (ct) ct->TransformBounds(b[0], b[1], b[2], b[3], &out[0], &out[1], &out[2], &out[3], 21);
    return out;
}

GridSpec as_grid(const RasterInput& in) {
    return GridSpec{in.geotransform, in.width, in.height, in.crs_wkt};
}

}  // namespace

RasterInput RasterInput::open(const std::string& path, const LayerRules& rules, const GridSpec& grid) {
    auto ds = open_raster(path);
    RasterInput in;
    in.rules = rules;
    in.path = path;
    in.width = ds->GetRasterXSize();
    in.height = ds->GetRasterYSize();
    in.bands = ds->GetRasterCount();
    if (std::find(rules.band_counts.begin(), rules.band_counts.end(), in.bands) == rules.band_counts.end()) {
        std::string expected;
        for (size_t i = 0; i < rules.band_counts.size(); ++i)
            expected += fmt::format("{}{}", i ? " or " : "", rules.band_counts[i]);
        throw DataError(fmt::format("{}: {} raster has {} band(s); expected {}", path, rules.role, in.bands, expected));
    }
    const OGRSpatialReference* srs = ds->GetSpatialRef();
    if (!has_crs(srs))
        throw DataError(fmt::format("{}: {} raster has no CRS; assign one (gdal_edit.py -a_srs EPSG:...)", path, rules.role));
    char* wkt = nullptr;
    const char* opts[] = {"FORMAT=WKT2_2019", nullptr};
    srs->exportToWkt(&wkt, opts);
    in.crs_wkt = wkt ? wkt : "";
    CPLFree(wkt);
    if (ds->GetGeoTransform(in.geotransform.data()) != CE_None)
        throw DataError(fmt::format("{}: {} raster has no geotransform (not georeferenced)", path, rules.role));
    for (int b = 1; b <= in.bands; ++b) {
        int has = 0;
        double v = ds->GetRasterBand(b)->GetNoDataValue(&has);
        in.nodata.push_back(has ? std::optional<double>(v) : std::nullopt);
    }
    auto* band = ds->GetRasterBand(1);
    in.data_type = GDALGetDataTypeName(band->GetRasterDataType());
    band->GetBlockSize(&in.block_w, &in.block_h);

    const auto& g = grid.geotransform;
    const auto& s = in.geotransform;
    bool north_up = g[2] == 0 && g[4] == 0 && s[2] == 0 && s[4] == 0;
    if (north_up && std::abs(s[1] - g[1]) < 1e-9 * std::abs(g[1]) && std::abs(s[5] - g[5]) < 1e-9 * std::abs(g[5]) &&
        same_crs(in.crs_wkt, grid.crs_wkt)) {
        double ox = (g[0] - s[0]) / s[1], oy = (g[3] - s[3]) / s[5];
        if (near_integer(ox) && near_integer(oy)) {
            in.aligned = true;
            in.offset_x = int(std::lround(ox));
            in.offset_y = int(std::lround(oy));
        }
    }
    if (!in.overlaps(grid))
        throw DataError(fmt::format("{}: {} raster does not overlap the analysis grid", path, rules.role));
    if (rules.kind == LayerKind::extensive && !in.aligned) {
        // Compare a source cell's area, measured in the grid CRS, with the grid's pixel area.
        PixelMapper to_grid(as_grid(in), GridSpec{grid.geotransform, grid.width, grid.height, grid.crs_wkt});
        Eigen::ArrayXd gx, gy;
        Window mid{in.width / 2, in.height / 2, 2, 2};  // geometry only: may reach past the raster
        to_grid.map(mid, gx, gy);
        double cell_in_grid_px = std::abs((gx(1) - gx(0)) * (gy(mid.width) - gy(0)));
        if (!std::isfinite(cell_in_grid_px))
            throw DataError(fmt::format("{}: cannot measure the cells of the {} raster on the grid", path, rules.role));
        in.aggregate = cell_in_grid_px < 1.0;
        if (!in.aggregate) count_centres(in, grid);
    }
    return in;
}

bool RasterInput::overlaps(const GridSpec& grid) const {
    auto b = bounds_in(*this, grid.crs_wkt);
    auto gb = grid.bounds();
    return std::isfinite(b[0]) && b[0] < gb[2] && b[2] > gb[0] && b[1] < gb[3] && b[3] > gb[1];
}

std::string RasterInput::describe() const {
    std::string nd;
    if (nodata.front()) nd = fmt::format("{}", *nodata.front());
    else nd = "none";
    return fmt::format("{}: {} × {} px, {} band(s) {}, pixel {:g} × {:g}, nodata {}, {} ({})", rules.role, width, height,
                       bands, data_type, geotransform[1], std::abs(geotransform[5]), nd, kind_name(rules.kind),
                       aligned ? "on the grid, read directly"
                       : rules.kind == LayerKind::extensive
                           ? (aggregate ? "finer than the grid: summed by source pixel centre"
                                        : "coarser than the grid: each cell shared by the pixel centres inside it")
                           : "resampled on the fly");
}

// --- PixelMapper -------------------------------------------------------------------------------

PixelMapper::PixelMapper(const GridSpec& from, const RasterInput& to)
    : PixelMapper(from, GridSpec{to.geotransform, to.width, to.height, to.crs_wkt}) {}

PixelMapper::PixelMapper(const GridSpec& from, const GridSpec& to) : grid_(from) {
    inv_src_ = invert(to.geotransform, "raster");
    if (!same_crs(from.crs_wkt, to.crs_wkt)) {
        auto a = srs_from_wkt(from.crs_wkt), b = srs_from_wkt(to.crs_wkt);
        ct_.reset(OGRCreateCoordinateTransformation(&a, &b));
        if (!ct_) throw DataError("cannot transform between the grid CRS and a layer's CRS");
    }
}

bool PixelMapper::axis_aligned() const {
    return !ct_ && grid_.geotransform[2] == 0 && grid_.geotransform[4] == 0 && inv_src_[2] == 0 && inv_src_[4] == 0;
}

void PixelMapper::map(const Window& w, Eigen::ArrayXd& sx, Eigen::ArrayXd& sy) const {
    const auto& iv = inv_src_;
    sx.resize(w.size());
    sy.resize(w.size());
    if (!ct_) {
        for (int r = 0; r < w.height; ++r)
            for (int c = 0; c < w.width; ++c) {
                double X = grid_.centre_x(w.x0 + c, w.y0 + r), Y = grid_.centre_y(w.x0 + c, w.y0 + r);
                sx(int64_t(r) * w.width + c) = iv[0] + X * iv[1] + Y * iv[2];
                sy(int64_t(r) * w.width + c) = iv[3] + X * iv[4] + Y * iv[5];
            }
        return;
    }
    // Exact transforms on a lattice every `step` pixels, bilinear in between: a 16-pixel cell of a
    // projected grid is far too small for the curvature of a datum/projection change to show.
    constexpr int step = 16;
    auto lattice = [](int n) {
        std::vector<int> v;
        for (int i = 0; i < n - 1; i += step) v.push_back(i);
        v.push_back(n - 1);
        return v;
    };
    std::vector<int> lc = lattice(w.width), lr = lattice(w.height);
    size_t nl = lc.size() * lr.size();
    std::vector<double> X(nl), Y(nl);
    std::vector<int> ok(nl);
    for (size_t j = 0; j < lr.size(); ++j)
        for (size_t i = 0; i < lc.size(); ++i) {
            X[j * lc.size() + i] = grid_.centre_x(w.x0 + lc[i], w.y0 + lr[j]);
            Y[j * lc.size() + i] = grid_.centre_y(w.x0 + lc[i], w.y0 + lr[j]);
        }
    ct_->Transform(int(nl), X.data(), Y.data(), nullptr, ok.data());
    std::vector<double> LX(nl), LY(nl);
    for (size_t k = 0; k < nl; ++k) {
        LX[k] = ok[k] ? iv[0] + X[k] * iv[1] + Y[k] * iv[2] : NAN;
        LY[k] = ok[k] ? iv[3] + X[k] * iv[4] + Y[k] * iv[5] : NAN;
    }
    const size_t ncol = lc.size();
    for (int r = 0; r < w.height; ++r) {
        size_t j0 = std::min(size_t(r / step), lr.size() - 1), j1 = std::min(j0 + 1, lr.size() - 1);
        double tr = lr[j1] == lr[j0] ? 0 : double(r - lr[j0]) / (lr[j1] - lr[j0]);
        for (int c = 0; c < w.width; ++c) {
            size_t i0 = std::min(size_t(c / step), ncol - 1), i1 = std::min(i0 + 1, ncol - 1);
            double tc = lc[i1] == lc[i0] ? 0 : double(c - lc[i0]) / (lc[i1] - lc[i0]);
            auto lerp2 = [&](const std::vector<double>& L) {
                double a = L[j0 * ncol + i0] * (1 - tc) + L[j0 * ncol + i1] * tc;
                double b = L[j1 * ncol + i0] * (1 - tc) + L[j1 * ncol + i1] * tc;
                return a * (1 - tr) + b * tr;
            };
            sx(int64_t(r) * w.width + c) = lerp2(LX);
            sy(int64_t(r) * w.width + c) = lerp2(LY);
        }
    }
}

// --- RasterReader ------------------------------------------------------------------------------

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
    : in_(input), grid_(grid), ds_(open_raster(input.path)),
      mapper_(input.aggregate ? PixelMapper(as_grid(input), grid) : PixelMapper(grid, input)) {
    if (input.aggregate) grid_to_source_ = std::make_unique<PixelMapper>(grid, input);
}

void RasterReader::read_source(int x0, int y0, int w, int h, Eigen::ArrayXXd& buf) {
    buf.resize(int64_t(w) * h, in_.bands);
    for (int b = 0; b < in_.bands; ++b) {
        double* dst = buf.col(b).data();
        if (ds_->GetRasterBand(b + 1)->RasterIO(GF_Read, x0, y0, w, h, dst, w, h, GDT_Float64, 0, 0) != CE_None)
            throw DataError(fmt::format("{}: read error in band {} at pixel ({}, {}): {}", in_.path, b + 1, x0, y0,
                                        CPLGetLastErrorMsg()));
        const auto& nd = in_.nodata[size_t(b)];
        for (int64_t i = 0; i < int64_t(w) * h; ++i) {
            double v = dst[i];
            if (nd && (v == *nd || (std::isnan(*nd) && std::isnan(v)))) {
                dst[i] = NAN;
                continue;
            }
            if (std::isnan(v) || (!in_.rules.allow_negative && v < 0) || v > in_.rules.max_value) {
                const char* what = std::isnan(v) ? "NaN (not declared as nodata)"
                                   : v < 0        ? "a negative value"
                                                  : "a value above its maximum";
                throw DataError(fmt::format("{}: {} raster band {} has {} {} at pixel ({}, {})", in_.path,
                                            in_.rules.role, b + 1, what, v, x0 + i % w, y0 + i / w));
            }
        }
    }
}

void RasterReader::read(const Window& w, Eigen::ArrayXXd& out) {
    out.setConstant(w.size(), in_.bands, NAN);
    if (in_.aligned) read_aligned(w, out);
    else if (in_.aggregate) read_aggregated(w, out);
    else read_resampled(w, out);
}

void RasterReader::read_aligned(const Window& w, Eigen::ArrayXXd& out) {
    int sx0 = w.x0 + in_.offset_x, sy0 = w.y0 + in_.offset_y;
    int ax = std::max(sx0, 0), ay = std::max(sy0, 0);
    int bx = std::min(sx0 + w.width, in_.width), by = std::min(sy0 + w.height, in_.height);
    if (ax >= bx || ay >= by) return;  // outside the layer: missing
    int rw = bx - ax, rh = by - ay;
    read_source(ax, ay, rw, rh, buf_);
    for (int b = 0; b < in_.bands; ++b)
        for (int r = 0; r < rh; ++r)
            out.col(b).segment(int64_t(ay - sy0 + r) * w.width + (ax - sx0), rw) = buf_.col(b).segment(int64_t(r) * rw, rw);
}

void RasterReader::read_resampled(const Window& w, Eigen::ArrayXXd& out) {
    mapper_.map(w, sx_, sy_);
    auto win = covering_window(sx_, sy_, in_.width, in_.height);
    if (!win) return;
    const int ax = win->x0, ay = win->y0, bx = ax + win->width, by = ay + win->height;
    const int rw = bx - ax, rh = by - ay;
    read_source(ax, ay, rw, rh, buf_);
    const Eigen::Index n = w.size();
    // Where to read each pixel, computed once and applied to every band: index into the read window
    // (-1 outside) and weight, for one cell (nearest) or the four surrounding cell centres (bilinear).
    auto cell = [&](int x, int y) -> int64_t {
        return x < ax || y < ay || x >= bx || y >= by ? -1 : int64_t(y - ay) * rw + (x - ax);
    };
    const bool bilinear = in_.rules.kind == LayerKind::intensive;
    const int taps = bilinear ? 4 : 1;
    idx_.resize(n, taps);
    wt_.resize(n, taps);
    for (Eigen::Index i = 0; i < n; ++i) {
        double x = sx_(i), y = sy_(i);
        if (!(x >= 0 && y >= 0 && x < in_.width && y < in_.height)) {  // outside the layer: missing, not zero
            idx_.row(i).setConstant(-1);
            continue;
        }
        if (!bilinear) {
            int ix = int(x), iy = int(y);
            idx_(i, 0) = cell(ix, iy);
            double share = 1.0;  // extensive: the cell's value is shared by the pixel centres inside it
            if (in_.rules.kind == LayerKind::extensive) {
                uint32_t c = (*in_.centre_counts)[size_t(iy) * in_.width + ix];
                share = c ? 1.0 / c : NAN;
            }
            wt_(i, 0) = share;
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
        if (bilinear && mapper_.axis_aligned()) return bilinear_separable(w, ax, ay, rw, rh, out);
        for (int b = 0; b < in_.bands; ++b) {
            const double* src = buf_.col(b).data();
            double* dst = out.col(b).data();
            if (bilinear)
                for (Eigen::Index i = 0; i < n; ++i)
                    dst[i] = wt_(i, 0) * src[idx_(i, 0)] + wt_(i, 1) * src[idx_(i, 1)] + wt_(i, 2) * src[idx_(i, 2)] +
                             wt_(i, 3) * src[idx_(i, 3)];
            else
                for (Eigen::Index i = 0; i < n; ++i) dst[i] = wt_(i, 0) * src[idx_(i, 0)];
        }
        return;
    }
    for (int b = 0; b < in_.bands; ++b) {
        const double* src = buf_.col(b).data();
        double* dst = out.col(b).data();
        for (Eigen::Index i = 0; i < n; ++i) {
            // Bilinear over the valid neighbours only, so a nodata neighbour does not erase a pixel.
            double sum = 0, wsum = 0;
            for (int k = 0; k < taps; ++k) {
                int64_t j = idx_(i, k);
                if (j < 0) continue;
                double v = src[j];
                if (!std::isnan(v) && wt_(i, k) > 0) sum += wt_(i, k) * v, wsum += wt_(i, k);
            }
            if (!bilinear) dst[i] = wsum > 0 ? sum : NAN;
            else dst[i] = wsum > 0 ? sum / wsum : NAN;
        }
    }
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
    for (int b = 0; b < in_.bands; ++b) {
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

void RasterReader::read_aggregated(const Window& w, Eigen::ArrayXXd& out) {
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
        for (int b = 0; b < in_.bands; ++b) {
            double v = buf_(i, b);
            if (std::isnan(v)) continue;
            out(k, b) = std::isnan(out(k, b)) ? v : out(k, b) + v;
        }
    }
}

void count_centres(RasterInput& in, const GridSpec& grid) {
    if (int64_t(in.width) * in.height > 200'000'000)
        throw DataError(fmt::format("{}: {} raster has too many cells ({} × {}) to share over the grid; clip it first",
                                    in.path, in.rules.role, in.width, in.height));
    auto counts = std::make_shared<std::vector<uint32_t>>(size_t(in.width) * in.height, 0);
    PixelMapper mapper(grid, in);
    // Count over the grid extended by a margin of one source cell, so that a cell cut by the grid's
    // edge is still shared by all the pixel centres it would hold and keeps its density.
    Eigen::ArrayXd sx, sy;
    Window probe{grid.width / 2, grid.height / 2, 2, 2};
    mapper.map(probe, sx, sy);
    double px_per_cell = 1.0 / std::max(1e-12, std::min(std::abs(sx(1) - sx(0)), std::abs(sy(2) - sy(0))));
    int margin = int(std::ceil(px_per_cell)) + 1;
    constexpr int B = 512;
    for (int y = -margin; y < grid.height + margin; y += B)
        for (int x = -margin; x < grid.width + margin; x += B) {
            Window w{x, y, std::min(B, grid.width + margin - x), std::min(B, grid.height + margin - y)};
            mapper.map(w, sx, sy);
            for (int64_t i = 0; i < w.size(); ++i) {
                double fx = sx(i), fy = sy(i);
                if (!(fx >= 0 && fy >= 0 && fx < in.width && fy < in.height)) continue;
                ++(*counts)[size_t(fy) * in.width + size_t(fx)];
            }
        }
    in.centre_counts = counts;
}

}  // namespace repot
