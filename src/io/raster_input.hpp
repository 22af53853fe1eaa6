#pragma once
// Raster inputs read onto the analysis grid, window by window.
// Layers on the grid itself are read directly; others are resampled on the fly by the kind of
// quantity they hold (method.md §2): intensive bilinear, categorical nearest, extensive conserving totals.
#include <gdal_priv.h>

#include <array>
#include <cfloat>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "repot/grid.hpp"

namespace repot {

enum class LayerKind { intensive, categorical, extensive };
const char* kind_name(LayerKind k);

// What a layer is allowed to hold; checked on every value read.
struct LayerRules {
    std::string role;                 // "roof", "ghi", ... used in messages
    LayerKind kind = LayerKind::intensive;
    std::vector<int> band_counts{1};  // accepted numbers of bands
    // The plausible range of a value (docs/method.md §10): outside it a read is an error naming file,
    // band, pixel and value. Infinities never pass.
    double min_value = 0;
    double max_value = DBL_MAX;       // e.g. 1 for shares
    double max_per_m2 = 0;            // extensive layers: > 0 caps a cell at this × its area (set by open)
    // Values above this (up to max_value) are accepted but counted: implausible, yet some tools make them
    // legitimately (a roof raster from `prepare roofs --area-field` may hold more m² than its pixel).
    double warn_above = DBL_MAX;
};

// A validated raster input: opened once on the main thread, then read by each worker's RasterReader.
struct RasterInput {
    LayerRules rules;
    std::string path;
    int width = 0, height = 0, bands = 0;
    std::array<double, 6> geotransform{};
    std::string crs_wkt;
    std::vector<std::optional<double>> nodata;  // per band
    std::string data_type;
    int block_w = 0, block_h = 0;
    bool aligned = false;   // same CRS and pixel grid as the analysis grid: direct windowed reads
    int offset_x = 0, offset_y = 0;  // grid pixel (0,0) is source pixel (offset_x, offset_y) when aligned
    bool aggregate = false;  // extensive layer finer than the grid: sum source pixels by their centres
    // Extensive layer coarser than the grid: number of grid pixel centres in each source cell, so that a
    // source cell's value is shared equally by them and totals are conserved exactly.
    std::shared_ptr<const std::vector<uint32_t>> centre_counts;

    // threads: how many may share the one-off count of pixel centres (an extensive layer coarser than the grid).
    static RasterInput open(const std::string& path, const LayerRules& rules, const GridSpec& grid, int threads = 1);
    GridSpec grid() const { return GridSpec{geotransform, width, height, crs_wkt}; }  // the layer's own grid
    // Whether the layer's extent, transformed to the grid CRS, intersects the grid's extent.
    bool overlaps(const GridSpec& grid) const;
    // One line for `repot info`: size, bands, pixel, nodata and how the layer is read.
    std::string describe() const;
};

// Opens a dataset or throws DataError naming the file.
std::unique_ptr<GDALDataset> open_raster(const std::string& path);

// Computes RasterInput::centre_counts for an extensive layer coarser than the grid.
void count_centres(RasterInput& input, const GridSpec& grid, int threads = 1);

}  // namespace repot
