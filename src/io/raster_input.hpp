#pragma once
// Raster inputs read onto the analysis grid, window by window.
// Layers on the grid itself are read directly; others are resampled on the fly by the kind of
// quantity they hold (method.md §2): intensive bilinear, categorical nearest, extensive conserving totals.
#include <Eigen/Core>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
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
    bool allow_negative = false;
    double max_value = INFINITY;      // e.g. 1 for shares
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

    static RasterInput open(const std::string& path, const LayerRules& rules, const GridSpec& grid);
    // Whether the layer's extent, transformed to the grid CRS, intersects the grid's extent.
    bool overlaps(const GridSpec& grid) const;
    // One line for `repot info`: size, bands, pixel, nodata and how the layer is read.
    std::string describe() const;
};

// A CRS that names a real reference system: GeoPackage's srs_id 0 reads as "Undefined ..." in GDAL 3.6.
bool has_crs(const OGRSpatialReference* srs);

// Opens a dataset or throws DataError naming the file.
std::unique_ptr<GDALDataset> open_raster(const std::string& path);

// Maps window pixel centres to source pixel coordinates (fractional), exactly for the same CRS,
// through a coarse lattice of exact transforms elsewhere (error far below a pixel).
class PixelMapper {
public:
    PixelMapper(const GridSpec& grid, const RasterInput& input);
    // Maps pixels of `from` to pixel coordinates of `to`.
    PixelMapper(const GridSpec& from, const GridSpec& to);
    // sx, sy sized w*h, NaN where the transform fails.
    void map(const Window& w, Eigen::ArrayXd& sx, Eigen::ArrayXd& sy) const;
    // Same CRS and no rotation: source column depends on the column only, source row on the row only.
    bool axis_aligned() const;

private:
    GridSpec grid_;
    std::array<double, 6> inv_src_{};
    std::unique_ptr<OGRCoordinateTransformation> ct_;  // null for the same CRS
};

// One per worker: GDAL datasets are not thread-safe.
class RasterReader {
public:
    RasterReader(const RasterInput& input, const GridSpec& grid);
    // out: window size × bands, NaN where the layer has no value.
    void read(const Window& w, Eigen::ArrayXXd& out);

private:
    void read_source(int x0, int y0, int w, int h, Eigen::ArrayXXd& buf);  // (w*h) × bands, NaN for nodata
    void read_aligned(const Window& w, Eigen::ArrayXXd& out);
    void read_resampled(const Window& w, Eigen::ArrayXXd& out);
    void read_aggregated(const Window& w, Eigen::ArrayXXd& out);
    void bilinear_separable(const Window& w, int ax, int ay, int rw, int rh, Eigen::ArrayXXd& out);

    const RasterInput& in_;
    GridSpec grid_;
    std::unique_ptr<GDALDataset> ds_;
    PixelMapper mapper_;  // grid -> source pixels; source -> grid pixels when aggregating
    std::unique_ptr<PixelMapper> grid_to_source_;  // aggregating only: finds the source window of a block
    Eigen::ArrayXd sx_, sy_;
    Eigen::ArrayXXd buf_;
    Eigen::Array<int64_t, Eigen::Dynamic, Eigen::Dynamic> idx_;  // resampling taps per pixel
    Eigen::ArrayXXd wt_;
};

// Computes RasterInput::centre_counts for an extensive layer coarser than the grid.
void count_centres(RasterInput& input, const GridSpec& grid);

}  // namespace repot
