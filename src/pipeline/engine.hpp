#pragma once
// The block engine: plan -> (threads) rasterize zones, read layers, run kernels, sum per zone ->
// merge the blocks' sums in block order.
#include "inputs.hpp"
#include "repot/accumulate.hpp"
#include "repot/run.hpp"

namespace repot {

struct EngineStats {
    long long blocks = 0, blocks_processed = 0;
    double rb_latitude_deg = 0;
    long long roof_above_pixel_px = 0;  // roof pixels read holding more m² than the pixel has
    double roof_above_pixel_max = 0;
};

ZoneSums compute_zone_sums(const Inputs& in, int threads, int block_size, const ProgressFn& progress, EngineStats& stats);

}  // namespace repot
