#include "dsm_slope.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "gdal_support.hpp"
#include "repot/error.hpp"

namespace repot::prepare {
namespace {

constexpr double degrees = 180.0 / std::numbers::pi;
constexpr int max_dsm_window = 2048;
constexpr float unknown = std::numeric_limits<float>::quiet_NaN();

bool is_whole(double v) { return std::abs(v - std::round(v)) < 1e-6; }

}  // namespace

RoofSlopeTile::RoofSlopeTile(const Tile& tile, int factor, double cell, std::vector<float> z)
    : tile_(tile), factor_(factor), cell_(cell),
      fine_{tile.grid.x_min - cell, tile.grid.y_max + cell, cell, cell, tile.grid.cols * factor + 2,
            tile.grid.rows * factor + 2},
      z_(std::move(z)) {
    const std::size_t n = static_cast<std::size_t>(tile.grid.cols) * static_cast<std::size_t>(tile.grid.rows);
    for (auto* v : {&weight_, &slope_sum_, &aspect_weight_, &sin_sum_, &cos_sum_}) v->assign(n, 0.0);
}

void RoofSlopeTile::add(const Footprint& fp) {
    // The footprint's DSM cells with one cell around them, limited to the tile and its border.
    auto clamp_index = [](double v, int hi) { return static_cast<int>(std::clamp(v, 0.0, double(hi))); };
    const int i0 = clamp_index(std::floor((fp.envelope.xmin - fine_.x_min) / cell_) - 1, fine_.cols);
    const int i1 = clamp_index(std::ceil((fp.envelope.xmax - fine_.x_min) / cell_) + 1, fine_.cols);
    const int j0 = clamp_index(std::floor((fine_.y_max - fp.envelope.ymax) / cell_) - 1, fine_.rows);
    const int j1 = clamp_index(std::ceil((fine_.y_max - fp.envelope.ymin) / cell_) + 1, fine_.rows);
    if (i1 - i0 < 3 || j1 - j0 < 3) return;

    const int ni = i1 - i0, nj = j1 - j0;
    const PixelGrid local{fine_.x_min + i0 * cell_, fine_.y_max - j0 * cell_, cell_, cell_, ni, nj};
    std::vector<double> cover(static_cast<std::size_t>(ni) * nj, 0.0);
    for (const PolygonRings& polygon : fp.polygons)
        for_each_pixel_area(polygon, local, [&](int c, int r, double a) { cover[std::size_t(r) * ni + c] += a; });

    const double half_cell = 0.5 * cell_ * cell_;
    auto on_roof = [&](int li, int lj) { return cover[std::size_t(lj) * ni + li] >= half_cell; };
    for (int lj = 1; lj < nj - 1; ++lj) {
        const int j = j0 + lj;
        if (j < 1 || j > fine_.rows - 2) continue;   // border rows belong to the neighbouring tiles
        for (int li = 1; li < ni - 1; ++li) {
            const int i = i0 + li;
            if (i < 1 || i > fine_.cols - 2) continue;
            bool whole_window = true;
            for (int dj = -1; dj <= 1 && whole_window; ++dj)
                for (int di = -1; di <= 1 && whole_window; ++di) whole_window = on_roof(li + di, lj + dj);
            if (whole_window) add_cell(i, j, cover[std::size_t(lj) * ni + li]);
        }
    }
}

void RoofSlopeTile::add_cell(int i, int j, double weight) {
    auto z = [&](int di, int dj) { return double(z_[std::size_t(j + dj) * fine_.cols + (i + di)]); };
    const double a = z(-1, -1), b = z(0, -1), c = z(1, -1);
    const double d = z(-1, 0), f = z(1, 0);
    const double g = z(-1, 1), h = z(0, 1), k = z(1, 1);
    const double dz_east = ((c + 2 * f + k) - (a + 2 * d + g)) / (8 * cell_);
    const double dz_south = ((g + 2 * h + k) - (a + 2 * b + c)) / (8 * cell_);
    if (!std::isfinite(dz_east) || !std::isfinite(dz_south)) return;   // a DSM cell is missing

    const std::size_t p = std::size_t((j - 1) / factor_) * tile_.grid.cols + std::size_t((i - 1) / factor_);
    weight_[p] += weight;
    slope_sum_[p] += weight * std::atan(std::hypot(dz_east, dz_south)) * degrees;
    if (dz_east != 0 || dz_south != 0) {
        // The roof faces downhill: east component -dz/dx, north component -dz/dnorth = +dz/dsouth.
        const double aspect = std::atan2(-dz_east, dz_south);
        aspect_weight_[p] += weight;
        sin_sum_[p] += weight * std::sin(aspect);
        cos_sum_[p] += weight * std::cos(aspect);
    }
}

RoofSlopeTile::Result RoofSlopeTile::result(float nodata) const {
    Result r;
    r.slope.assign(weight_.size(), nodata);
    r.aspect.assign(weight_.size(), nodata);
    for (std::size_t p = 0; p < weight_.size(); ++p) {
        if (weight_[p] <= 0) continue;
        ++r.pixels;
        r.slope[p] = static_cast<float>(slope_sum_[p] / weight_[p]);
        // Faces that cancel (a gable ridge across the pixel) have no mean direction.
        if (std::hypot(sin_sum_[p], cos_sum_[p]) > 1e-9 * aspect_weight_[p] && aspect_weight_[p] > 0) {
            double deg = std::atan2(sin_sum_[p], cos_sum_[p]) * degrees;
            if (deg < 0) deg += 360;
            r.aspect[p] = static_cast<float>(deg);
        }
    }
    return r;
}

DsmSlope::DsmSlope(const std::string& path, const OGRSpatialReference& target, const PixelGrid& grid) : path_(path) {
    dataset_.reset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!dataset_) throw DataError(fmt::format("{}: cannot open the DSM: {}", path, last_gdal_error()));
    const OGRSpatialReference* srs = dataset_->GetSpatialRef();
    if (!srs) throw DataError(fmt::format("{}: the DSM has no CRS", path));
    if (!srs->IsSame(&target))
        throw DataError(fmt::format("{}: the DSM's CRS is not the output CRS; reproject it first "
                                    "(gdalwarp -t_srs <--crs> -tr <cell> <cell> -tap)",
                                    path));
    double gt[6];
    if (dataset_->GetGeoTransform(gt) != CE_None || gt[2] != 0 || gt[4] != 0 || gt[5] >= 0)
        throw DataError(fmt::format("{}: the DSM must be a north-up raster with a geotransform", path));
    if (std::abs(gt[1] + gt[5]) > 1e-9 * gt[1])
        throw DataError(fmt::format("{}: the DSM cells are {} x {} m; square cells are needed", path, gt[1], -gt[5]));
    x0_ = gt[0];
    y0_ = gt[3];
    cell_ = gt[1];
    const double factor = grid.pixel_width / cell_;
    if (!is_whole(factor) || factor < 0.5 || !is_whole((grid.x_min - x0_) / cell_) ||
        !is_whole((y0_ - grid.y_max) / cell_))
        throw DataError(fmt::format(
            "{}: the DSM grid ({} m cells, origin {}, {}) does not nest in the output grid ({} m pixels, origin {}, {}); "
            "resample it with gdalwarp -tr <cell> <cell> -tap so that --res is a whole number of cells",
            path, cell_, x0_, y0_, grid.pixel_width, grid.x_min, grid.y_max));
    factor_ = static_cast<int>(std::lround(factor));
}

int DsmSlope::max_tile_size() const { return std::max(1, max_dsm_window / factor_); }

std::unique_ptr<RoofSlopeTile> DsmSlope::start_tile(const Tile& tile) {
    const int cols = tile.grid.cols * factor_ + 2, rows = tile.grid.rows * factor_ + 2;
    std::vector<float> z(static_cast<std::size_t>(cols) * rows, unknown);

    // Window of the tile (with its border) in DSM cell indices, and the part the DSM covers.
    const long c0 = std::lround((tile.grid.x_min - cell_ - x0_) / cell_);
    const long r0 = std::lround((y0_ - (tile.grid.y_max + cell_)) / cell_);
    const long rc0 = std::max(0L, c0), rr0 = std::max(0L, r0);
    const long rc1 = std::min<long>(dataset_->GetRasterXSize(), c0 + cols);
    const long rr1 = std::min<long>(dataset_->GetRasterYSize(), r0 + rows);
    if (rc1 > rc0 && rr1 > rr0) {
        const int w = int(rc1 - rc0), h = int(rr1 - rr0);
        std::vector<float> buffer(static_cast<std::size_t>(w) * h);
        GDALRasterBand* band = dataset_->GetRasterBand(1);
        if (band->RasterIO(GF_Read, int(rc0), int(rr0), w, h, buffer.data(), w, h, GDT_Float32, 0, 0) != CE_None)
            throw DataError(fmt::format("{}: reading the DSM failed: {}", path_, last_gdal_error()));
        int has_nodata = 0;
        const double nodata = band->GetNoDataValue(&has_nodata);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const float v = buffer[std::size_t(y) * w + x];
                const bool missing = has_nodata && (v == static_cast<float>(nodata));
                z[std::size_t(rr0 - r0 + y) * cols + std::size_t(rc0 - c0 + x)] = missing ? unknown : v;
            }
    }
    return std::make_unique<RoofSlopeTile>(tile, factor_, cell_, std::move(z));
}

}  // namespace repot::prepare
