#pragma once
// Roof slope and aspect per output pixel from a DSM (`prepare roofs --dsm`).
//
// Slope and aspect are computed at the DSM's resolution with Horn's 3 x 3 method, on the DSM cells
// of each footprint whose whole 3 x 3 window lies on that footprint (each of the nine cells at least
// half covered by it): a window reaching the ground or a neighbouring building would measure a wall,
// not the roof. Each output pixel then gets the roof-area-weighted mean slope and the weighted
// circular mean aspect of the cells inside it. The DSM grid must nest in the output grid: same CRS,
// output pixel = a whole number of DSM cells, and cell edges on the output pixel edges.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "footprint_reader.hpp"
#include "roof_grid.hpp"

namespace repot::prepare {

class RoofSlopeTile {
public:
    struct Result {
        std::vector<float> slope, aspect;   // degrees; nodata where no roof cell had a slope
        std::int64_t pixels = 0;            // pixels with a slope
    };

    // `z`: DSM cells of the tile plus a one-cell border, row by row, NaN where unknown.
    RoofSlopeTile(const Tile& tile, int factor, double cell, std::vector<float> z);
    void add(const Footprint& footprint);
    Result result(float nodata) const;

private:
    void add_cell(int i, int j, double weight);

    Tile tile_;
    int factor_;
    double cell_;
    PixelGrid fine_;   // DSM cells of the tile with the border
    std::vector<float> z_;
    std::vector<double> weight_, slope_sum_, aspect_weight_, sin_sum_, cos_sum_;
};

class DsmSlope {
public:
    // Opens the DSM and checks that its grid nests in `grid`; throws DataError otherwise.
    DsmSlope(const std::string& path, const OGRSpatialReference& target, const PixelGrid& grid);
    // Largest tile side (output pixels) that keeps the tile's DSM window at most 2048 x 2048 cells.
    int max_tile_size() const;
    // Reads the DSM under the tile.
    std::unique_ptr<RoofSlopeTile> start_tile(const Tile& tile);

private:
    std::string path_;
    GDALDatasetUniquePtr dataset_;
    double x0_ = 0, y0_ = 0, cell_ = 0;
    int factor_ = 1;
};

}  // namespace repot::prepare
