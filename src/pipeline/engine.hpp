#pragma once
// The block engine: plan -> (threads) rasterize zones, read layers, run kernels, sum per zone ->
// merge the blocks' sums in block order.
#include "inputs.hpp"
#include "repot/accumulate.hpp"
#include "repot/exact_sum.hpp"
#include "repot/quantities.hpp"
#include "repot/run.hpp"

namespace repot {

struct EngineStats {
    long long blocks = 0, blocks_processed = 0;
    double rb_latitude_deg = 0;
    long long roof_above_pixel_px = 0;  // roof pixels read holding more m² than the pixel has
    double roof_above_pixel_max = 0;
};

// Per-pixel values of one quantity for the maps (--maps): column `value` × `scale` where column
// `valid` is 1; NaN (not computed) elsewhere.
struct PixelLayer {
    Q value, valid;
    double scale = 1;
};

// Receives the per-pixel values of every block the engine computes (the map outputs): the fast path
// and the map path are one engine, the sink only sees the kernels' columns.
class PixelSink {
public:
    virtual ~PixelSink() = default;
    virtual const std::vector<PixelLayer>& layers() const = 0;
    // Called from worker threads. `values`: one array of w.size() floats per layer, row-major;
    // `zone`: zone index + 1 per pixel of the window, 0 outside every zone.
    virtual void write_block(const Window& w, const std::vector<std::vector<float>>& values,
                             const Eigen::ArrayXi& zone) = 0;
};

// Which blocks of the run's plan (the blocks of the zones' envelope, in row-major order) to compute:
// all of them, or a shard's contiguous range [first, end).
struct EngineRange {
    int threads = 1, block_size = 512;
    uint64_t first = 0, end = UINT64_MAX;
};

// The run's plan: the blocks of the grid that the zones' envelope touches, in row-major order.
BlockPlan zone_plan(const Inputs& in, int block_size);

ExactZoneSums compute_zone_sums(const Inputs& in, const EngineRange& range, const ProgressFn& progress,
                                EngineStats& stats, PixelSink* sink = nullptr);
// Several scenarios in one pass: every layer is read once and the kernels run once per scenario (the
// sums of each equal those of a run with that scenario alone, bit for bit).
std::vector<ExactZoneSums> compute_zone_sums(const Inputs& in, const EngineRange& range,
                                             const std::vector<const Scenario*>& scenarios, const ProgressFn& progress,
                                             EngineStats& stats, PixelSink* sink = nullptr);

}  // namespace repot
