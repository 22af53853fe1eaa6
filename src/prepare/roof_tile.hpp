#pragma once
// Per-tile accumulators of `prepare roofs`: what each footprint adds to the pixels of one tile.
#include <cstdint>
#include <vector>

#include "footprint_reader.hpp"
#include "roof_grid.hpp"

namespace repot::prepare {

struct RoofTileLayers {
    bool height = false;
    bool count = false;
    bool merge_overlaps = true;   // area of overlapping footprints counted once (their union)
};

class RoofTile {
public:
    RoofTile(const Tile& tile, const PixelGrid& full_grid, RoofTileLayers layers);

    // Adds the footprint's exact area in each pixel (scaled to its target area), its height
    // weighted by that area, and counts it in the pixel holding its centroid. When overlaps are
    // merged the footprint is kept until finish(), which rasterizes the tile's overlapping groups
    // as their unions.
    void add(Footprint footprint);
    // Rasterizes what add() kept; returns the number of overlapping groups merged.
    std::int64_t finish();

    const Tile& tile() const { return tile_; }
    std::size_t size() const { return area_.size(); }
    const std::vector<double>& area() const { return area_; }
    // Mean height per pixel, `nodata` where no footprint with a height touches it.
    std::vector<float> mean_height(float nodata) const;
    const std::vector<double>& count() const { return count_; }

private:
    void add_area(const std::vector<PolygonRings>& polygons, double scale);

    Tile tile_;
    PixelGrid full_;
    RoofTileLayers layers_;
    std::vector<double> area_, height_sum_, height_weight_, count_;
    std::vector<Footprint> kept_;   // merge_overlaps: the tile's footprints until finish()
};

}  // namespace repot::prepare
