#pragma once
// Reads one raster input onto windows of the analysis grid: directly when it is on the grid,
// otherwise resampled by the kind of quantity it holds (method.md §2).
#include <Eigen/Core>
#include <gdal_priv.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "pixel_mapper.hpp"
#include "raster_input.hpp"

namespace repot {

// One per worker: GDAL datasets are not thread-safe.
class RasterReader {
public:
    RasterReader(const RasterInput& input, const GridSpec& grid);
    // out: window size × bands, NaN where the layer has no value.
    void read(const Window& w, Eigen::ArrayXXd& out);
    // The same values at some pixels of the window only: `pixels` holds ascending row-major indices
    // into w, and out gets one row per listed pixel. With sum_bands, one column: the sum of the bands
    // (NaN if any band is). The source is read once per window, however many calls ask for its pixels;
    // a layer in the grid's CRS is then interpolated at the listed pixels alone.
    // Out: Eigen::ArrayXXd, or Eigen::ArrayXd for one band or the sum.
    template <class Out>
    void read_at(const Window& w, const Eigen::ArrayXi& pixels, Out& out, bool sum_bands = false);

    // Values read above LayerRules::warn_above: how many, and the largest.
    long long above_count() const { return above_count_; }
    double above_max() const { return above_max_; }

private:
    void read_source(int x0, int y0, int w, int h, Eigen::ArrayXXd& buf);  // (w*h) × bands, NaN for nodata
    void read_aligned(const Window& w, Eigen::ArrayXXd& out);
    void read_resampled(const Window& w, Eigen::ArrayXXd& out);
    void read_nearest(const Window& w, Eigen::ArrayXXd& out);
    void read_aggregated(const Window& w, Eigen::ArrayXXd& out);
    bool interior_separable(const Window& w) const;
    void bilinear_separable(const Window& w, int ax, int ay, int rw, int rh, Eigen::ArrayXXd& out);
    bool prepare_separable(const Window& w);
    // Writes band b of the listed pixels at out + b · pixels.size().
    void interpolate_at(const Window& w, const Eigen::ArrayXi& pixels, double* out, int first_band, int bands);

    const RasterInput& in_;
    long long above_count_ = 0;
    double above_max_ = 0;
    GridSpec grid_;
    std::unique_ptr<GDALDataset> ds_;
    PixelMapper mapper_;  // grid -> source pixels; source -> grid pixels when aggregating
    std::unique_ptr<PixelMapper> grid_to_source_;  // aggregating only: finds the source window of a block
    Eigen::ArrayXd sx_, sy_;
    Eigen::ArrayXd col_x_, row_y_;  // source column of each window column, source row of each row
    Eigen::ArrayXXd buf_;
    // read_at's cache of the last window: the whole window (general path), or for a layer in the grid's
    // CRS the source rows interpolated along x and, per window row, its line and weight.
    Window cached_;
    bool has_cache_ = false, separable_ = false;
    Eigen::ArrayXXd full_, lines_;
    Eigen::Index lines_per_band_ = 0;
    Eigen::ArrayXi row_line_;
    Eigen::ArrayXd row_t_;
    Eigen::Array<int64_t, Eigen::Dynamic, Eigen::Dynamic> idx_;  // resampling taps per pixel
    Eigen::ArrayXXd wt_;
    struct Run {  // neighbouring listed pixels in one window row
        Eigen::Index first;  // position in the list
        int x, len;          // window column of the first, count
        int line;            // interpolated source line above the row
        double t;            // weight of the line below
    };
    std::vector<Run> runs_;
    std::vector<CellRun> cell_runs_;  // read_nearest: the source cell of each pixel, by runs
};

}  // namespace repot
