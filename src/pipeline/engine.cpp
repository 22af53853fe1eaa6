#include "engine.hpp"

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include <atomic>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "repot/error.hpp"
#include "repot/gather.hpp"
#include "repot/kernels.hpp"
#include "repot/run.hpp"

namespace repot {

namespace {

// Latitude of grid points, for the extraterrestrial irradiation of each block.
class LatitudeOf {
public:
    explicit LatitudeOf(const GridSpec& g) {
        OGRSpatialReference proj;
        proj.importFromWkt(g.crs_wkt.c_str());
        proj.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRSpatialReference> geo(proj.CloneGeogCS());
        geo->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        ct_.reset(OGRCreateCoordinateTransformation(&proj, geo.get()));
        if (!ct_) throw DataError("cannot find the latitude of the grid (no transformation to its geographic CRS)");
    }
    double operator()(double x, double y) const {
        if (!ct_->Transform(1, &x, &y)) throw DataError("cannot find the latitude of a grid block");
        return y;
    }

private:
    std::unique_ptr<OGRCoordinateTransformation> ct_;
};

// Pixels per kernel pass: the per-pixel temporaries (span × 12 months of the roofs) stay in cache, and
// the per-span costs are spread over enough pixels (at 1 Gpx 1,024 was slower, 16,384 no faster, a
// whole block 2 × slower).
constexpr Eigen::Index kSpan = 4096;

// Pixels of zone[0, n) inside a zone (> 0): an int sum of comparisons, which the compiler vectorises.
int count_in_zone(const int* __restrict zone, int n) {
    int count = 0;
    for (int i = 0; i < n; ++i) count += zone[i] > 0;
    return count;
}

// A scenario the kernels run with, and its Rb table.
struct ScenarioPass {
    const Scenario* scenario;
    const solar::TranspositionTable* table;
};

// One worker's readers and scratch arrays (GDAL datasets are not thread-safe: one set per worker).
class Worker {
    // A plane's in-plane irradiation on the GHI's lattice (transpose_cells).
    struct PlaneNodes {
        Eigen::ArrayXd annual;   // per node (kWh/m²)
        Eigen::ArrayXXd months;  // nodes × 12
        Eigen::ArrayXd pixels;   // annual, interpolated at the block's pixels
    };

public:
    Worker(const Inputs& in, const std::vector<ScenarioPass>& passes, PixelSink* sink)
        : in_(in), passes_(passes), sink_(sink), zones_(in.zones), latitude_(in.grid), tiles_(in.grid) {
        auto make = [&](const std::optional<RasterInput>& i, std::optional<RasterReader>& r) {
            if (i) r.emplace(*i, in.grid);
        };
        make(in.roof, roof_);
        make(in.ghi, ghi_);
        make(in.slope, slope_);
        make(in.aspect, aspect_);
        make(in.shade, shade_);
        make(in.temperature, temperature_);
        if (temperature_) temperature_->sum_bands_at_source();  // only the mean of the months is reported
        make(in.landuse, landuse_);
        make(in.terrain_slope, terrain_);
        make(in.population, population_);
        make(in.heat_demand, heat_demand_);
        for (const auto& i : in.inclusion) inclusion_.emplace_back(i, in.grid);
    }

    // Roof values above the pixel's area this worker read (counted, then warned about once).
    long long roof_above_count() const { return roof_ ? roof_->above_count() : 0; }
    double roof_above_max() const { return roof_ ? roof_->above_max() : 0; }

    // Sums of one block for each scenario pass, or false when no zone has a pixel in it. The block is
    // computed in its pieces of the tile lattice (TileLattice, grid.hpp): what a pixel gets never depends on
    // the block it was read in.
    bool process(const Window& block, std::vector<ZoneSums>& sums) {
        bool any = false;
        for (const LatticePiece& p : tiles_.pieces(block)) any |= process_piece(p.piece, p.tile, sums);
        return any;
    }

private:
    bool process_piece(const Window& w, const Window& tile, std::vector<ZoneSums>& sums) {
        const GridSpec& g = in_.grid;
        if (!zones_.rasterize(g, w, zone_)) return false;
        const Eigen::Index n = zones_.filled() ? list_filled(w) : list_in_zone(w);
        if (n == 0) return false;
        b_.width = int(n);
        b_.height = 1;
        b_.pixel_area = g.pixel_area();
        b_.latitude_deg = latitude_(g.centre_x(tile.x0 + tile.width / 2.0 - 0.5, tile.y0 + tile.height / 2.0 - 0.5),
                                    g.centre_y(tile.x0 + tile.width / 2.0 - 0.5, tile.y0 + tile.height / 2.0 - 0.5));
        for_each_reader([&](RasterReader& r) { r.set_tile(tile); });
        read_layers(w);
        window_ = w;
        const solar::MonthlySky month_sky = solar::MonthlySky::at(b_.latitude_deg);
        transpose_cells(w, month_sky);
        if (sink_) pixel_values_.assign(sink_->layers().size(), std::vector<float>(size_t(w.size()), NAN));
        for (Eigen::Index off = 0; off < n; off += kSpan) {
            Span s{off, std::min(kSpan, n - off)};
            // The layers are read once; each scenario pass runs the kernels on them (--scenario ×N).
            if (ghi_ && monthly_ghi_ && in_.ghi->bands == 12) read_monthly_ghi(w, off / kSpan);
            for (size_t p = 0; p < passes_.size(); ++p) {
                if (ghi_ && monthly_ghi_ && in_.ghi->bands == 1) split_monthly_ghi(off / kSpan, passes_[p].scenario->irradiation);
                lend_planes(p);  // the pass's planes into the block while its kernels run, then back
                run_kernels(s, p, SkyContext{month_sky, passes_[p].table}, sums[p]);
                lend_planes(p);
            }
        }
        if (sink_) sink_->write_block(w, pixel_values_, zone_);
        for (auto& z : sums)  // landcover.csv
            for (const ClassRun& c : class_runs_) z.add_class_pixels(c.slot, c.k, c.pixels);
        for (const CellShare& c : population_runs_)
            for (auto& z : sums) {
                z.add_repeated(c.slot, q_population, c.value, c.pixels);
                z.add_repeated(c.slot, q_population_valid_px, 1.0, c.pixels);
            }
        return true;
    }

    // Only the pixels inside a zone are reported: the kernels see them alone, as one row (in_zone_: their
    // window positions; b_.zone: their zones). A window filled by one zone (most) lists them all.
    Eigen::Index list_filled(const Window& w) {
        in_zone_.setLinSpaced(w.size(), 0, int(w.size() - 1));
        b_.zone.setConstant(w.size(), zone_(0));
        return w.size();
    }
    Eigen::Index list_in_zone(const Window& w) {
        // Counted per row first (in_zone_ is sized before it is filled: shrinking it afterwards would copy it).
        row_pixels_.resize(size_t(w.height));
        Eigen::Index n = 0;
        for (int r = 0; r < w.height; ++r)
            n += row_pixels_[size_t(r)] = count_in_zone(zone_.data() + r * w.width, w.width);
        in_zone_.resize(n);
        n = 0;
        for (int r = 0; r < w.height; ++r) {
            const int first = r * w.width;
            if (row_pixels_[size_t(r)] == w.width) {  // most rows lie inside zones
                in_zone_.segment(n, w.width).setLinSpaced(w.width, first, first + w.width - 1);
                n += w.width;
            } else if (row_pixels_[size_t(r)] > 0) {  // a row crossing a zone's edge: few changes
                for (int i = first; i < first + w.width; ++i)
                    if (zone_(i) > 0) in_zone_(n++) = i;
            }
        }
        b_.zone.resize(n);
        gather(zone_.data(), in_zone_, b_.zone.data());
        return n;
    }

    template <class F>
    void for_each_reader(F f) {
        for (auto* r : {&roof_, &ghi_, &slope_, &aspect_, &shade_, &temperature_, &landuse_, &terrain_, &population_,
                        &heat_demand_})
            if (*r) f(**r);
        for (auto& r : inclusion_) f(r);
    }

    // Panels in one plane for every pixel (flat roofs without a slope layer, land PV): their in-plane
    // irradiation is computed once per node of the GHI's lattice (per scenario pass: tilt, albedo and
    // profile may differ), then interpolated like the GHI itself (docs/method.md §10). The reference
    // option and any window whose GHI is not read through its cells (raster edge, nodata, CRS change, a
    // GHI on the grid) transpose per pixel instead.
    void transpose_cells(const Window& w, const solar::MonthlySky& sky) {
        roof_nodes_.clear(), land_nodes_.clear();
        b_.roof_plane_year.resize(0), b_.land_plane_year.resize(0);
        if (!ghi_ || !lattice_) return;
        const Eigen::ArrayXXd* nodes = ghi_->source_cells(w);
        auto plane = [&](const ScenarioPass& pass, double tilt, double aspect) {
            const Eigen::ArrayXXd ghi = in_.ghi->bands == 12
                                            ? *nodes
                                            : solar::split_annual(nodes->col(0), monthly_shares(pass.scenario->irradiation));
            PlaneNodes out;
            out.annual = solar::inplane_fixed_plane(ghi, sky, *pass.table, tilt, aspect, &out.months);
            ghi_->interpolate_cells(w, in_zone_, out.annual, out.pixels);
            return out;
        };
        for (const ScenarioPass& pass : passes_) {
            const SolarRoofParams& r = pass.scenario->solar_roof;
            const SolarLandParams& l = pass.scenario->solar_land;
            if (roof_ && !slope_) roof_nodes_.push_back(plane(pass, r.flat_panel_tilt_deg, r.flat_panel_aspect_deg));
            if (in_.classes) land_nodes_.push_back(plane(pass, l.panel_tilt_deg, l.panel_aspect_deg));
        }
    }

    // Swaps pass p's planes at the block's pixels (transpose_cells) with the block's plane arrays, which
    // are empty between passes: the kernels read them there (Block::roof_plane_year).
    void lend_planes(size_t p) {
        if (!roof_nodes_.empty()) b_.roof_plane_year.swap(roof_nodes_[p].pixels);
        if (!land_nodes_.empty()) b_.land_plane_year.swap(land_nodes_[p].pixels);
    }

    // A kernel's monthly energy into the zone sums: per pixel, or through the lattice (weights).
    void add_monthly(MonthlySource source, Span s, const std::vector<PlaneNodes>& nodes, size_t pass, ZoneSums& sums,
                     const MonthlyEnergy& monthly) {
        if (!monthly.weight) {
            sums.add_monthly(source, b_.zone.segment(s.offset, s.count), monthly.rows, monthly.kwh);
            return;
        }
        // All 0 between calls: add_monthly_totals clears the zones it adds.
        month_totals_.resize(size_t(in_.zones.zones().size() + 1) * 12, 0.0);
        span_zones_.clear();
        ghi_->weighted_sums(window_, in_zone_.segment(s.offset, s.count), monthly.weight, b_.zone.data() + s.offset,
                            nodes[pass].months, month_totals_, span_zones_);
        sums.add_monthly_totals(source, month_totals_, span_zones_);
    }

    void run_kernels(Span s, size_t pass, const SkyContext& sky, ZoneSums& sums) {
        const Scenario& sc = *passes_[pass].scenario;
        // A span whose columns no map needs is summed straight from the layers where its layer set allows
        // (sums_direct); the kernels below write the columns otherwise.
        const LandUseTable* classes = in_.classes ? &*in_.classes : nullptr;
        if (!sink_ && sums_direct(b_, s, classes, sums, &monthly_, &land_monthly_)) {
            add_monthly(MonthlySource::solar_roof, s, roof_nodes_, pass, sums, monthly_);
            if (classes) add_monthly(MonthlySource::solar_land, s, land_nodes_, pass, sums, land_monthly_);
            return;
        }
        {
            // Kernels write whole columns, the same ones in every span of a run, and never NaN. So a
            // scratch filled with NaN when (re)allocated tells, after one span, which columns hold
            // something: only those are summed.
            const bool fresh = values_.rows() != s.count;
            if (fresh) values_.setConstant(s.count, q_count, NAN), skip_.reset();  // the first span writes all
            // Later scenario passes of the same span keep what does not depend on the scenario: the
            // coverage counts, and ground heat unless a heat-demand raster caps it per pixel.
            const bool first_pass = pass == 0;
            if (first_pass) complete_ = coverage_kernel(b_, s, values_, skip_);
            solar_roof_kernel(b_, s, sc.solar_roof, sky, values_, &monthly_, skip_);
            add_monthly(MonthlySource::solar_roof, s, roof_nodes_, pass, sums, monthly_);
            if (in_.classes) {
                solar_land_kernel(b_, s, sc.solar_land, *in_.classes, sky, values_, &monthly_, skip_);
                add_monthly(MonthlySource::solar_land, s, land_nodes_, pass, sums, monthly_);
            }
            solar_heat_kernel(b_, s, sc.solar_roof, sc.solar_heat, values_);
            if (first_pass || b_.heat_demand.size())
                ground_heat_kernel(b_, s, sc.ground_heat, classes, values_, skip_);
            if (fresh || complete_ != plan_complete_) plan_span_columns();
            sums.add(b_.zone.segment(s.offset, s.count), values_, plan_, /*one_zone=*/zones_.filled());
            if (sink_) keep_pixel_values(s);
        }
    }

    // The columns the kernels wrote (not NaN after a span): those derived from another column or the
    // pixel count are added without reading them, the others summed (plan_columns). The kernels need not
    // write the derived ones in later spans (skip_), unless the sink shows them; a skipped column keeps
    // the first span's values, so it still reads as written there.
    void plan_span_columns() {
        plan_columns(b_, in_.classes.has_value(), complete_, values_, plan_, skip_);
        plan_complete_ = complete_;
        if (sink_)
            for (const PixelLayer& L : sink_->layers()) skip_.reset(size_t(L.value)), skip_.reset(size_t(L.valid));
    }

    // The span's values of the sink's layers, at their pixels' places in the window.
    // Every pixel of the span is stored, NaN where the layer has no value (what the window holds there
    // anyway): a select instead of a branch, which roofs and gaps alternating would mispredict.
    void keep_pixel_values(Span s) {
        const auto& layers = sink_->layers();
        const int* at = in_zone_.data() + s.offset;
        for (size_t l = 0; l < layers.size(); ++l) {
            const PixelLayer& L = layers[l];
            float* dst = pixel_values_[l].data();
            const double* valid = &values_(0, L.valid);
            const double* value = &values_(0, L.value);
            const double scale = L.scale;
            for (Eigen::Index j = 0; j < s.count; ++j) dst[at[j]] = valid[j] > 0 ? float(value[j] * scale) : NAN;
        }
    }

    void read_single(RasterReader& r, const Window& w, Eigen::ArrayXd& dst) { r.read_at(w, in_zone_, dst); }
    void read_single(std::optional<RasterReader>& r, const Window& w, Eigen::ArrayXd& dst) {
        if (r) read_single(*r, w, dst);
    }

    void read_layers(const Window& w) {
        read_single(roof_, w, b_.roof);
        panel_start_.clear();
        if (ghi_) read_annual_ghi(w);
        read_single(slope_, w, b_.slope);
        read_single(aspect_, w, b_.aspect);
        read_single(shade_, w, b_.shade);
        if (temperature_) {  // the mean of the bands (months), interpolated as their sum
            temperature_->read_at(w, in_zone_, b_.temperature, /*sum_bands=*/true);
            b_.temperature /= double(in_.temperature->bands);
        }
        read_single(terrain_, w, b_.terrain_slope);
        if (population_ || landuse_) {  // where each zone's run of the block's pixels begins (runs_by_cell)
            zone_run_start_.clear();
            if (zones_.filled()) zone_run_start_.push_back(0);  // most windows: no need to look
            else
                for (Eigen::Index j = 0; j < b_.zone.size(); j = run_end(b_.zone, j)) zone_run_start_.push_back(j);
        }
        read_population(w);
        read_single(heat_demand_, w, b_.heat_demand);
        if (!inclusion_.empty()) {
            b_.inclusion.setOnes(in_zone_.size());
            b_.inclusion_valid.setZero(in_zone_.size());
            b_.inclusion_layers = int(inclusion_.size());
            for (auto& r : inclusion_) {
                r.read_at(w, in_zone_, buf_);
                b_.inclusion *= buf_.col(0).isNaN().select(1.0, buf_.col(0));
                b_.inclusion_valid += (!buf_.col(0).isNaN()).cast<double>();
            }
        }
        if (landuse_) read_landuse(w);
    }

    // The annual GHI on every pixel of the window. The 12 months are resampled per span, and only
    // where panels can stand (block.hpp): on roofs, or on all ground when land PV runs. They are a
    // pixel's costliest read; per span they stay in cache until the kernels use them.
    void read_annual_ghi(const Window& w) {
        ghi_->read_at(w, in_zone_, b_.ghi_year, /*sum_bands=*/true);
        lattice_ = !in_.transposition_per_pixel && ghi_->source_cells(w);
        monthly_ghi_ = !lattice_ || (roof_ && slope_);  // sloped faces: a plane per pixel
        if (!monthly_ghi_) return;  // no pixel needs monthly GHI (transpose_cells)
        const Eigen::Index n = in_zone_.size();
        panel_.resize(size_t(n));
        b_.ghi_row.resize(n);
        const bool everywhere = in_.landuse.has_value() || !roof_;
        size_t count = 0;
        for (Eigen::Index a = 0; a < n; a += kSpan) {
            panel_start_.push_back(count);
            const size_t row_base = count;  // rows of monthly GHI count from each span's first
            for (Eigen::Index j = a; j < std::min(n, a + kSpan); ++j) {
                const bool panel = everywhere || b_.roof(j) > 0;  // no branch: roofs and gaps alternate
                panel_[count] = j;
                b_.ghi_row(j) = panel ? int(count - row_base) : -1;
                count += panel;
            }
        }
        panel_.resize(count);
        panel_start_.push_back(count);
    }

    // The span's panel positions in the block (block.hpp).
    Eigen::Map<const Eigen::Array<Eigen::Index, Eigen::Dynamic, 1>> span_panels(Eigen::Index span_index) const {
        const size_t a = panel_start_[size_t(span_index)], b = panel_start_[size_t(span_index) + 1];
        return {panel_.data() + a, Eigen::Index(b - a)};
    }
    void read_monthly_ghi(const Window& w, Eigen::Index span_index) {
        span_pixels_ = in_zone_(span_panels(span_index));
        ghi_->read_at(w, span_pixels_, b_.ghi);
    }
    // An annual GHI split into months by the scenario's profile.
    void split_monthly_ghi(Eigen::Index span_index, const IrradiationParams& p) {
        b_.ghi = solar::split_annual(b_.ghi_year(span_panels(span_index)), monthly_shares(p));
    }

    // A census mesh coarser than the grid gives every pixel of a cell the same share: summed per run of
    // pixels in one zone and one cell (the same quanta as pixel by pixel), not stored per pixel.
    void read_population(const Window& w) {
        population_runs_.clear();
        if (!population_) return;
        auto add = [&](size_t run, double value, int64_t n) {
            if (!std::isnan(value)) population_runs_.push_back({b_.zone(zone_run_start_[run]), value, n});
        };
        const bool one_zone = in_zone_.size() == w.size() && zone_run_start_.size() == 1;  // most windows (filled)
        auto add_one_zone = [&](double value, int64_t n) { add(0, value, n); };
        if (one_zone ? population_->counts_by_cell(w, add_one_zone) : population_->runs_by_cell(w, in_zone_, zone_run_start_, add))
            b_.population.resize(0);
        else read_single(population_, w, b_.population);
    }

    // Class codes -> table indices; a code the table does not know is an error naming both files. A
    // land-use layer read by nearest cell comes in runs of one cell (runs_by_cell): one lookup per run.
    // The same runs give the class counts of landcover.csv (class_runs_).
    void read_landuse(const Window& w) {
        b_.landuse.resize(in_zone_.size());
        class_runs_.clear();
        Eigen::Index j = 0;  // the next pixel's position in the block
        double last = NAN;   // neighbouring runs mostly share a code: one equal to the last keeps its index
        int last_k = -1;
        auto count = [&](int slot, int64_t n) {
            if (!class_runs_.empty() && class_runs_.back().slot == slot && class_runs_.back().k == last_k)
                class_runs_.back().pixels += n;
            else class_runs_.push_back({slot, last_k, n});
        };
        auto add = [&](size_t run, double code, int64_t n) {
            if (code != last) last_k = class_index(code, w, j), last = code;
            b_.landuse.segment(j, n).setConstant(last_k);
            count(b_.zone(zone_run_start_[run]), n);
            j += n;
        };
        if (landuse_->runs_by_cell(w, in_zone_, zone_run_start_, add)) return;
        landuse_->read_at(w, in_zone_, buf_);  // runs_by_cell called nothing: last and j are as set above
        for (j = 0; j < buf_.rows(); ++j) {
            const double v = buf_(j, 0);
            if (v != last) last_k = class_index(v, w, j), last = v;
            b_.landuse(j) = last_k;
            count(b_.zone(j), 1);
        }
    }
    // The class index of a code at block position j (-1: no value).
    int class_index(double code, const Window& w, Eigen::Index j) const {
        if (std::isnan(code)) return -1;
        const int k = code == std::floor(code) ? in_.classes->index_of(int64_t(code)) : -1;
        if (k < 0) {
            const int i = in_zone_(j);
            throw DataError(fmt::format("{}: land-use code {} at grid pixel ({}, {}) is not in the class table {}",
                                        in_.landuse->path, code, w.x0 + i % w.width, w.y0 + i / w.width,
                                        in_.classes->origin()));
        }
        return k;
    }

    const Inputs& in_;
    const std::vector<ScenarioPass>& passes_;
    PixelSink* sink_;
    std::vector<std::vector<float>> pixel_values_;  // per sink layer, the window's pixels
    ZoneRasterizer zones_;
    LatitudeOf latitude_;
    TileLattice tiles_;
    std::optional<RasterReader> roof_, ghi_, slope_, aspect_, shade_, temperature_, landuse_, terrain_, population_, heat_demand_;
    std::vector<RasterReader> inclusion_;
    Eigen::ArrayXi zone_;     // the window's zone raster
    Eigen::ArrayXi in_zone_;  // window indices of the pixels in a zone: the block's pixels
    std::vector<int> row_pixels_;  // per row of the window, its pixels in a zone
    std::vector<Eigen::Index> panel_;       // block positions where panels can stand
    std::vector<size_t> panel_start_;       // where each span's begin in panel_ (one more at the end)
    Eigen::ArrayXi span_pixels_;            // window indices of one span's panel positions
    Block b_;
    Window window_;
    bool lattice_ = false;      // this window's GHI is read through the nodes of its lattice
    bool monthly_ghi_ = false;  // some pixel of this window needs its monthly GHI
    struct CellShare {  // a run of pixels of one zone in one cell of the population layer
        int slot;
        double value;  // per pixel
        int64_t pixels;
    };
    std::vector<CellShare> population_runs_;
    struct ClassRun {  // pixels of one zone and one land-use class (index, -1 none)
        int slot, k;
        int64_t pixels;
    };
    std::vector<ClassRun> class_runs_;  // the window's, in pixel order
    std::vector<Eigen::Index> zone_run_start_;  // positions in the block's pixels where a zone's run begins
    std::vector<PlaneNodes> roof_nodes_, land_nodes_;  // per scenario pass, when transposed on the lattice
    std::vector<double> month_totals_;
    std::vector<int> span_zones_;  // add_monthly: the zones weighted_sums added to
    Columns values_;
    MonthlyEnergy monthly_;  // one source's monthly energy of the current span (the roof's when summed directly)
    MonthlyEnergy land_monthly_;  // the land's when summed directly (sums_direct)
    ColumnPlan plan_;  // the columns of values_ the kernels write, and how ZoneSums adds them
    CompleteLayers complete_, plan_complete_;  // the span's complete layers, and those plan_ is for
    ColumnMask skip_;  // columns the kernels may leave unwritten (plan_columns)
    Eigen::ArrayXXd buf_;
};

}  // namespace

namespace {
std::atomic<bool> stop_requested{false};

// Blocks outside the zones' common envelope hold no zone pixel: the plan leaves them out, so a huge grid
// around small zones costs only the zones' blocks (a rotated grid keeps every block).
BlockPlan plan_for_zones(const GridSpec& g, const ZoneSet& zones, int block_size) {
    const auto& gt = g.geotransform;
    OGREnvelope all;
    bool any = false;
    for (const auto& z : zones.zones())
        if (z.geometry && z.touches_grid) all.Merge(z.envelope), any = true;
    if (gt[2] != 0 || gt[4] != 0 || !any) return BlockPlan(g, block_size, block_size);
    double c0 = (all.MinX - gt[0]) / gt[1], c1 = (all.MaxX - gt[0]) / gt[1];
    double r0 = (all.MaxY - gt[3]) / gt[5], r1 = (all.MinY - gt[3]) / gt[5];
    if (c0 > c1) std::swap(c0, c1);
    if (r0 > r1) std::swap(r0, r1);
    auto px = [](double v) { return int64_t(std::clamp(v, -1.0, 4.0e9)); };  // one pixel of slack each side
    return BlockPlan(g, block_size, block_size, px(std::floor(c0)) - 1, px(std::floor(r0)) - 1, px(std::ceil(c1)) + 1,
                     px(std::ceil(r1)) + 1);
}
}

void request_stop() { stop_requested = true; }
bool stop_requested_now() { return stop_requested; }

BlockPlan zone_plan(const Inputs& in, int block_size) { return plan_for_zones(in.grid, in.zones, block_size); }

ExactZoneSums compute_zone_sums(const Inputs& in, const EngineRange& range, const ProgressFn& progress,
                                EngineStats& stats, PixelSink* sink) {
    return std::move(compute_zone_sums(in, range, {&in.scenario}, progress, stats, sink).front());
}

std::vector<ExactZoneSums> compute_zone_sums(const Inputs& in, const EngineRange& range,
                                             const std::vector<const Scenario*>& scenarios, const ProgressFn& progress,
                                             EngineStats& stats, PixelSink* sink) {
    const GridSpec& g = in.grid;
    const BlockPlan blocks = plan_for_zones(g, in.zones, range.block_size);
    stats.blocks = (long long)BlockPlan(g, range.block_size, range.block_size).size();
    // Rb is tabulated once per run, at the latitude of the grid centre (method.md §3).
    stats.rb_latitude_deg = LatitudeOf(g)(g.centre_x(g.width / 2.0 - 0.5, g.height / 2.0 - 0.5),
                                          g.centre_y(g.width / 2.0 - 0.5, g.height / 2.0 - 0.5));
    // One Rb table per scenario pass (the albedo is a scenario parameter).
    std::vector<std::unique_ptr<solar::TranspositionTable>> tables;
    std::vector<ScenarioPass> passes;
    for (const Scenario* sc : scenarios) {
        tables.push_back(std::make_unique<solar::TranspositionTable>(stats.rb_latitude_deg, sc->irradiation.albedo,
                                                                    range.threads));
        passes.push_back({sc, tables.back().get()});
    }
    const int nz = int(in.zones.zones().size());
    const int nc = in.landuse ? int(in.classes->classes().size()) : 0;
    const uint64_t first = std::min(range.first, blocks.size()), end = std::min(range.end, blocks.size());

    // Each worker adds its blocks' sums exactly into its own total; totals merge exactly: the result is
    // the same for any thread count, any order of blocks, and any split into shards (exact_sum.hpp).
    std::vector<ExactZoneSums> total(scenarios.size(), ExactZoneSums(nz, nc));
    std::mutex mu;
    std::atomic<uint64_t> next_block{first}, done{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    long long processed = 0;

    auto work = [&] {
        try {
            Worker worker(in, passes, sink);
            std::vector<ExactZoneSums> mine(passes.size(), ExactZoneSums(nz, nc));
            long long used_blocks = 0;
            for (;;) {
                const uint64_t k = next_block++;
                if (k >= end || failed) break;
                if (stop_requested) throw Interrupted();
                std::vector<ZoneSums> sums(passes.size(), ZoneSums(nz, nc, g.pixel_area()));
                if (worker.process(blocks[k], sums)) {
                    for (size_t p = 0; p < passes.size(); ++p) mine[p].add(sums[p]);
                    ++used_blocks;
                }
                const uint64_t finished = ++done;
                if (progress) {
                    std::lock_guard<std::mutex> lock(mu);
                    progress(double(finished) / double(end - first));
                }
            }
            std::lock_guard<std::mutex> lock(mu);
            for (size_t p = 0; p < passes.size(); ++p) total[p].add(mine[p]);
            processed += used_blocks;
            stats.roof_above_pixel_px += worker.roof_above_count();
            stats.roof_above_pixel_max = std::max(stats.roof_above_pixel_max, worker.roof_above_max());
        } catch (...) {
            std::lock_guard<std::mutex> lock(mu);
            if (!error) error = std::current_exception();
            failed = true;
        }
    };
    const int n = int(std::max<uint64_t>(1, std::min<uint64_t>(uint64_t(range.threads), end - first)));
    std::vector<std::thread> pool;
    for (int t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    stats.blocks_processed = processed;
    return total;
}

}  // namespace repot
