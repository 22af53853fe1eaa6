#include "raster_input.hpp"

#include <cpl_error.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include "crs.hpp"
#include "pixel_mapper.hpp"
#include "repot/error.hpp"
#include "repot/parallel_for.hpp"

namespace repot {

const char* kind_name(LayerKind k) {
    switch (k) {
        case LayerKind::intensive: return "intensive (bilinear)";
        case LayerKind::categorical: return "categorical (nearest)";
        case LayerKind::extensive: return "extensive (totals conserved)";
    }
    return "?";
}

namespace {

// The first message GDAL emitted that says bytes of the file could not be read. A GeoTIFF cut short
// inside its header still opens, with only a warning ("IO error during reading of GeoKeyDirectory;
// tag ignored"), and would then be reported as having no CRS or no geotransform.
void keep_read_failure(CPLErr, CPLErrorNum, const char* msg) {
    auto* first = static_cast<std::string*>(CPLGetErrorHandlerUserData());
    if (!first->empty() || !msg) return;
    const std::string m = msg;
    for (const char* sign : {"IO error", "Can not read", "Cannot read", "Failed to read", "Read error"})
        if (m.find(sign) != std::string::npos) *first = m;
}

}  // namespace

std::unique_ptr<GDALDataset> open_raster(const std::string& path) {
    CPLErrorReset();
    std::string read_failure;
    GDALDataset* ds = nullptr;
    {
        CPLErrorHandlerPusher collect(keep_read_failure, &read_failure);
        ds = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    }
    if (!ds) {
        std::string why = CPLGetLastErrorMsg();
        throw DataError(fmt::format("{}: cannot open raster{}{}", path, why.empty() ? "" : ": ", why));
    }
    std::unique_ptr<GDALDataset> owned(ds);
    if (!read_failure.empty())
        throw DataError(fmt::format("{}: not a valid raster: its header cannot be read (file cut short?): {}", path,
                                    read_failure));
    return owned;
}

namespace {

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

}  // namespace

RasterInput RasterInput::open(const std::string& path, const LayerRules& rules, const GridSpec& grid, int threads) {
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
    in.crs_wkt = wkt2_of(*srs);
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
        PixelMapper to_grid(in.grid(), grid);
        Eigen::ArrayXd gx, gy;
        Window mid{in.width / 2, in.height / 2, 2, 2};  // geometry only: may reach past the raster
        to_grid.map(mid, gx, gy);
        double cell_in_grid_px = std::abs((gx(1) - gx(0)) * (gy(mid.width) - gy(0)));
        if (!std::isfinite(cell_in_grid_px))
            throw DataError(fmt::format("{}: cannot measure the cells of the {} raster on the grid", path, rules.role));
        in.aggregate = cell_in_grid_px < 1.0;
        if (!in.aggregate) count_centres(in, grid, threads);
        if (rules.max_per_m2 > 0) in.rules.max_value = rules.max_per_m2 * cell_in_grid_px * grid.pixel_area();
    } else if (rules.kind == LayerKind::extensive && rules.max_per_m2 > 0) {
        in.rules.max_value = rules.max_per_m2 * grid.pixel_area();
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


void count_centres(RasterInput& in, const GridSpec& grid, int threads) {
    if (int64_t(in.width) * in.height > 200'000'000)
        throw DataError(fmt::format("{}: {} raster has too many cells ({} × {}) to share over the grid; clip it first",
                                    in.path, in.rules.role, in.width, in.height));
    // Count over the grid extended by a margin of one source cell, so that a cell cut by the grid's
    // edge is still shared by all the pixel centres it would hold and keeps its density.
    Eigen::ArrayXd sx, sy;
    Window probe{grid.width / 2, grid.height / 2, 2, 2};
    PixelMapper(grid, in.grid()).map(probe, sx, sy);
    double px_per_cell = 1.0 / std::max(1e-12, std::min(std::abs(sx(1) - sx(0)), std::abs(sy(2) - sy(0))));
    int margin = int(std::ceil(px_per_cell)) + 1;
    // Only where the layer lies (its extent on the grid, plus the margin): a huge grid around a small
    // layer costs the layer's part of it, and cells count the same centres.
    int64_t gx0 = -margin, gy0 = -margin, gx1 = int64_t(grid.width) + margin, gy1 = int64_t(grid.height) + margin;
    const auto& gt = grid.geotransform;
    const auto b = bounds_in(in, grid.crs_wkt);
    if (gt[2] == 0 && gt[4] == 0 && std::isfinite(b[0])) {
        double c0 = (b[0] - gt[0]) / gt[1], c1 = (b[2] - gt[0]) / gt[1], r0 = (b[3] - gt[3]) / gt[5],
               r1 = (b[1] - gt[3]) / gt[5];
        if (c0 > c1) std::swap(c0, c1);
        if (r0 > r1) std::swap(r0, r1);
        auto clamp = [](double v, int64_t lo, int64_t hi) { return std::clamp<int64_t>(int64_t(std::clamp(v, -4e9, 4e9)), lo, hi); };
        gx0 = clamp(std::floor(c0) - margin, gx0, gx1), gx1 = clamp(std::ceil(c1) + margin, gx0, gx1);
        gy0 = clamp(std::floor(r0) - margin, gy0, gy1), gy1 = clamp(std::ceil(r1) + margin, gy0, gy1);
    }
    constexpr int B = 512;
    std::vector<Window> windows;
    for (int64_t y = gy0; y < gy1; y += B)
        for (int64_t x = gx0; x < gx1; x += B)
            windows.push_back({int(x), int(y), int(std::min<int64_t>(B, gx1 - x)), int(std::min<int64_t>(B, gy1 - y))});
    // Each thread counts windows into its own array (and maps with its own transformation, which is not
    // thread-safe); integer counts add up the same in any order.
    const int n = std::max(1, std::min<int>(threads, int(windows.size())));
    std::vector<std::vector<uint32_t>> partial(size_t(n), std::vector<uint32_t>(size_t(in.width) * in.height, 0));
    std::atomic<size_t> next{0};
    run_threads(n, [&](int t) {
        PixelMapper mapper(grid, in.grid());
        std::vector<CellCount> cells;
        std::vector<uint32_t>& counts = partial[size_t(t)];
        for (size_t k = next++; k < windows.size(); k = next++) {
            mapper.cell_counts(windows[k], in.width, in.height, cells);  // as RasterReader::read_nearest finds them
            for (const CellCount& c : cells)
                if (c.cell >= 0) counts[size_t(c.cell)] += uint32_t(c.pixels);
        }
    });
    for (int t = 1; t < n; ++t)
        for (size_t i = 0; i < partial[0].size(); ++i) partial[0][i] += partial[size_t(t)][i];
    in.centre_counts = std::make_shared<std::vector<uint32_t>>(std::move(partial[0]));
}

}  // namespace repot
