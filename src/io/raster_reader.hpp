#pragma once
// Reads one raster input onto windows of the analysis grid: directly when it is on the grid,
// otherwise resampled by the kind of quantity it holds (method.md §2).
#include <Eigen/Core>
#include <gdal_priv.h>

#include <cstdint>
#include <functional>
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
    // a layer in the grid's CRS is then interpolated at the listed pixels alone. (Every pixel of a window
    // inside a one-band layer on the grid is read straight into out instead, at each such call.)
    // Out: Eigen::ArrayXXd, or Eigen::ArrayXd for one band or the sum.
    template <class Out>
    void read_at(const Window& w, const Eigen::ArrayXi& pixels, Out& out, bool sum_bands = false);

    // The separable path only (a layer in the grid's CRS, bilinear, no nodata among the window's taps):
    // the layer's bilinear values at the nodes of a lattice `refinement()` times finer than its cells
    // (a node every source cell / k, k ≤ 8 and never below a grid pixel), (width · height) × bands in
    // row-major order; nullptr for any other window. Bilinear interpolation between these nodes gives
    // exactly what read_at gives (within a cell bilinear is linear along each axis). A caller may
    // transform the nodes (the in-plane irradiation: docs/method.md §10) and interpolate or sum the result
    // with the two functions below; the finer lattice keeps a nonlinear transform close to its value at
    // each pixel (the error falls with k²).
    const Eigen::ArrayXXd* source_cells(const Window& w);
    int refinement() const { return refine_; }
    // `cells`: one column in the layout of source_cells(w). out: its bilinear value at each listed pixel.
    void interpolate_cells(const Window& w, const Eigen::ArrayXi& pixels, const Eigen::Ref<const Eigen::ArrayXd>& cells,
                           Eigen::ArrayXd& out);
    // Σ weight_p · v_b(p) over the listed pixels into out[zone_p · cells.cols() + b], with v_b the bilinear
    // value of column b of `cells` at pixel p (what interpolate_cells gives, summed in another order):
    // per run of pixels in one row, zone and source column, two weighted sums, added to the weights of the
    // four lattice nodes around it for its zone; each node used then adds weight × its value per band, so the
    // cost per pixel does not grow with the bands. The order of additions is fixed. `zones` receives each
    // zone that got a sum (once each).
    void weighted_sums(const Window& w, const Eigen::Ref<const Eigen::ArrayXi>& pixels, const double* weight,
                       const int* zone, const Eigen::ArrayXXd& cells, std::vector<double>& out, std::vector<int>& zones);

    // Only the sum of the bands will be asked for (read_at with sum_bands): the bands are added per source
    // cell as they are read (NaN if any band is) and only the sum is resampled, so a 12-band layer costs as
    // much as one. Interpolating the sum equals summing the interpolations, up to rounding and where a cell
    // misses some bands only.
    void sum_bands_at_source() { bands_ = 1, summed_ = true; }

    // The tile of the engine's lattice (TileLattice) the next windows lie in. Whether a layer is
    // interpolated through its cells (the separable path, source_cells) or pixel by pixel is decided for
    // the whole tile, so a pixel gets the same value in any window of it. Unset: each window decides.
    void set_tile(const Window& tile);

    // A layer read by nearest cell (coarser than the grid, not on it: a census mesh), one band: instead
    // of a value per listed pixel, calls add(k, value, n) for each run of n listed pixels that share a
    // zone and a source cell, k indexing `zone_run_start` (the positions in `pixels` where a run of one
    // zone begins, ascending, from 0). value is what read_at gives each of those pixels, NaN where the
    // layer has none. False, calling nothing, for a layer on another path: read it with read_at.
    bool runs_by_cell(const Window& w, const Eigen::ArrayXi& pixels, const std::vector<Eigen::Index>& zone_run_start,
                      const std::function<void(size_t, double, int64_t)>& add);
    // The same for a window whose every pixel is listed and in one zone, in no particular order: add(value,
    // n) for n pixels of one source cell (a cell may come more than once). Found per lattice cell where the
    // cell edges allow (PixelMapper::cell_counts), not per row.
    bool counts_by_cell(const Window& w, const std::function<void(double, int64_t)>& add);

    // Values read above LayerRules::warn_above: how many, and the largest.
    long long above_count() const { return above_count_; }
    double above_max() const { return above_max_; }

private:
    void read_source(int x0, int y0, int w, int h, Eigen::ArrayXXd& buf);  // (w*h) × bands, NaN for nodata
    void read_source_band(int band, int x0, int y0, int w, int h, double* dst);  // band 0.., w*h values
    static bool same_window(const Window& a, const Window& b);
    void read_aligned(const Window& w, Eigen::ArrayXXd& out);
    void read_resampled(const Window& w, Eigen::ArrayXXd& out);
    void read_nearest(const Window& w, Eigen::ArrayXXd& out);
    bool nearest_path() const;
    // read_nearest's source window for w (cell_runs_, buf_); false when no pixel centre is in the layer.
    bool prepare_nearest(const Window& w, int& ax, int& ay, int& rw);
    template <class Cells>  // CellRun or CellCount: read the source window holding their cells
    bool read_cells(const Cells& cells, int& ax, int& ay, int& rw);
    double nearest_value(int64_t cell, int ax, int ay, int rw, int band) const;
    void read_aggregated(const Window& w, Eigen::ArrayXXd& out);
    bool interior_separable(const Window& w) const;
    void bilinear_separable(const Window& w, int ax, int ay, int rw, int rh, Eigen::ArrayXXd& out);
    bool prepare_separable(const Window& w);
    bool inner_taps(const Window& w);  // every pixel's four bilinear taps inside the layer (sets col_x_, row_y_)
    bool tile_separable();             // the tile's decision (set_tile), computed once per tile
    void use_window(const Window& w);  // reads the source for w once (read_at's cache)
    // Each source row of one column of cells interpolated along x at every window column (width × rows).
    void x_lines(const double* cells, double* lines, int width) const;
    // Runs of listed pixels in one row, with the row's line and weight in the source cells or (lattice)
    // in the nodes of source_cells.
    void split_runs(const Window& w, const Eigen::Ref<const Eigen::ArrayXi>& pixels, bool lattice = false);
    // Writes band b of the listed pixels at out + b · pixels.size().
    void interpolate_at(const Window& w, const Eigen::ArrayXi& pixels, double* out, int first_band, int bands);

    const RasterInput& in_;
    int bands_;             // bands after read_source: in_.bands, or 1 when summed at the source
    bool summed_ = false;
    long long above_count_ = 0;
    double above_max_ = 0;
    GridSpec grid_;
    std::unique_ptr<GDALDataset> ds_;
    PixelMapper mapper_;  // grid -> source pixels; source -> grid pixels when aggregating
    std::unique_ptr<PixelMapper> grid_to_source_;  // aggregating only: finds the source window of a block
    Eigen::ArrayXd sx_, sy_;
    Eigen::ArrayXd col_x_, row_y_;  // source column of each window column, source row of each row
    Eigen::ArrayXXd buf_;
    std::vector<float> floats_;  // read_source: a Float32 band as read, before widening
    // read_at's cache of the last window: the whole window (general path), or for a layer in the grid's
    // CRS the source rows interpolated along x and, per window row, its line and weight.
    Window cached_;
    Window tile_;  // set_tile's; width 0: none
    int tile_decision_ = -1;  // -1 not computed yet, 0 no, 1 yes
    bool has_cache_ = false, separable_ = false;
    Eigen::ArrayXXd full_, lines_;
    Eigen::Index lines_per_band_ = 0;
    Eigen::ArrayXi row_line_;
    Eigen::ArrayXd row_t_;
    Eigen::ArrayXi col_cell_;  // separable: source column of each window column, from the window's first
    Eigen::ArrayXd col_t_;     // separable: weight of the next source column
    int cells_w_ = 0, cells_h_ = 0;  // separable: the source window read
    // The lattice of source_cells: k nodes per source cell and axis, from node (node_x0_, node_y0_).
    int refine_ = 1;
    int64_t node_x0_ = 0, node_y0_ = 0;
    int nodes_w_ = 0, nodes_h_ = 0;
    Eigen::ArrayXi node_col_, node_row_, node_col_run_end_;  // per window column / row: node left / above
    Eigen::ArrayXd node_col_t_, node_row_t_;
    Eigen::ArrayXXd nodes_;       // source_cells' values
    bool nodes_ready_ = false;
    Eigen::ArrayXXd node_lines_;  // interpolate_cells: the caller's nodes interpolated along x
    Eigen::Array<int64_t, Eigen::Dynamic, Eigen::Dynamic> idx_;  // resampling taps per pixel
    Eigen::ArrayXXd wt_;
    struct Run {  // neighbouring listed pixels in one window row
        Eigen::Index first;  // position in the list
        int x, len;          // window column of the first, count
        int line;            // interpolated source line above the row
        double t;            // weight of the line below
    };
    std::vector<Run> runs_;
    // weighted_sums: per zone, the weight of each lattice node (0 where unused) and the nodes used.
    struct ZoneWeights {
        int zone = -1;
        std::vector<double> weight;
        std::vector<int64_t> nodes;
        void add(int64_t node, double v) {
            if (v == 0) return;
            if (weight[size_t(node)] == 0) nodes.push_back(node);
            weight[size_t(node)] += v;
        }
    };
    std::vector<ZoneWeights> zone_weights_;
    ZoneWeights& zone_weights(int zone, int64_t nodes);
    std::vector<CellRun> cell_runs_;  // read_nearest: the source cell of each pixel, by runs
    std::vector<CellCount> cell_counts_;  // counts_by_cell
};

}  // namespace repot
