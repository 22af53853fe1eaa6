#include "roof_tile.hpp"

#include <cmath>
#include <unordered_set>

#include "overlap_union.hpp"

namespace repot::prepare {

RoofTile::RoofTile(const Tile& tile, const PixelGrid& full_grid, RoofTileLayers layers)
    : tile_(tile), full_(full_grid), layers_(layers) {
    const std::size_t n = static_cast<std::size_t>(tile.grid.cols) * static_cast<std::size_t>(tile.grid.rows);
    area_.assign(n, 0.0);
    if (layers.height) {
        height_sum_.assign(n, 0.0);
        height_weight_.assign(n, 0.0);
    }
    if (layers.count) count_.assign(n, 0.0);
}

void RoofTile::add_area(const std::vector<PolygonRings>& polygons, double scale) {
    const int cols = tile_.grid.cols;
    for (const PolygonRings& polygon : polygons)
        for_each_pixel_area(polygon, tile_.grid, [&](int col, int row, double area) {
            area_[static_cast<std::size_t>(row) * cols + col] += area * scale;
        });
}

void RoofTile::add(Footprint fp) {
    const int cols = tile_.grid.cols;
    // --area-field: every pixel share scales by the same factor, so the footprint's pixels add up
    // to the attribute (when the footprint lies wholly inside the grid).
    const double scale = fp.geometry_area > 0 ? fp.target_area / fp.geometry_area : 0.0;
    if (layers_.height && fp.height) {
        // Each footprint weighs its own (scaled) area in the pixel, overlapping or not.
        for (const PolygonRings& polygon : fp.polygons)
            for_each_pixel_area(polygon, tile_.grid, [&](int col, int row, double area) {
                const std::size_t i = static_cast<std::size_t>(row) * cols + col;
                height_sum_[i] += area * scale * *fp.height;
                height_weight_[i] += area * scale;
            });
    }
    if (layers_.count) {
        // The pixel is found on the full grid, not the tile's, so that a centroid on a tile edge
        // lands in exactly one tile whatever the rounding of the tile origins.
        const double col = std::floor((fp.centroid.x - full_.x_min) / full_.pixel_width);
        const double row = std::floor((full_.y_max - fp.centroid.y) / full_.pixel_height);
        const double local_col = col - tile_.col0, local_row = row - tile_.row0;
        if (local_col >= 0 && local_col < tile_.grid.cols && local_row >= 0 && local_row < tile_.grid.rows)
            count_[static_cast<std::size_t>(local_row) * cols + static_cast<std::size_t>(local_col)] += 1;
    }
    if (layers_.merge_overlaps)
        kept_.push_back(std::move(fp));
    else
        add_area(fp.polygons, scale);
}

std::int64_t RoofTile::finish() {
    if (!layers_.merge_overlaps) return 0;
    std::unordered_set<std::size_t> grouped;
    const std::vector<std::vector<std::size_t>> groups = overlapping_groups(kept_);
    for (const std::vector<std::size_t>& group : groups) {
        add_area(union_of(kept_, group), 1.0);
        grouped.insert(group.begin(), group.end());
    }
    for (std::size_t i = 0; i < kept_.size(); ++i)
        if (!grouped.count(i)) add_area(kept_[i].polygons, 1.0);
    kept_.clear();
    return static_cast<std::int64_t>(groups.size());
}

std::vector<float> RoofTile::mean_height(float nodata) const {
    std::vector<float> out(area_.size(), nodata);
    for (std::size_t i = 0; i < out.size(); ++i)
        if (height_weight_[i] > 0) out[i] = static_cast<float>(height_sum_[i] / height_weight_[i]);
    return out;
}

}  // namespace repot::prepare
