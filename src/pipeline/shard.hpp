#pragma once
// Shards of a run (--shard I/N) and what `repot merge` checks (docs/scale-out.md). A shard computes a
// contiguous range of the run's block plan, balanced by in-zone pixels, and writes its exact zone sums
// (sums.txt) and a manifest (run.json with a "shard" object) into its own folder. Merge adds the sums
// exactly, so the whole run's outputs are the same bits for any N.
#include <string>
#include <vector>

#include "../io/json_read.hpp"
#include "../io/path_clash.hpp"
#include "engine.hpp"
#include "inputs.hpp"

namespace repot {

struct ShardRange {
    uint64_t first = 0, end = 0;  // blocks [first, end) of the plan
    uint64_t plan_blocks = 0;
};

// Shard `index` (1-based) of `count`: the plan cut where the running in-zone pixel count (estimated on a
// raster of the zones with up to 16 × 16 cells per block) crosses index/count of the total.
ShardRange shard_range(const Inputs& in, int block_size, int index, int count);

// What every shard of one run must share: repot's version, the run's options (but --out, --threads,
// --shard, --skip-existing, --no-checksum), each input file's path, size and modification time (no
// shard hashes an input; merge hashes them once for run.json), and the plan's size.
struct ShardFingerprint {
    std::string version, options_sha256, inputs_sha256;
    uint64_t plan_blocks = 0;
    bool operator==(const ShardFingerprint&) const = default;
};
ShardFingerprint shard_fingerprint(const RunOptions& o, const std::vector<NamedPath>& inputs, uint64_t plan_blocks);

// The shard folder's run.json: the fingerprint, the options (to merge with), the inputs' identity,
// the shard's range and engine statistics, and "outputs" like every run.json.
std::string shard_manifest(const RunOptions& o, const std::vector<NamedPath>& inputs, const ShardFingerprint& f,
                           const ShardRange& r, const EngineStats& stats, double seconds,
                           const std::vector<std::string>& outputs);

struct ShardRecord {
    std::string folder;
    ShardFingerprint fingerprint;
    int index = 0, count = 0;
    ShardRange range;
    EngineStats stats;
    RunOptions options;
};
// Reads a shard folder's run.json; throws DataError naming the folder when it is not a finished shard.
ShardRecord read_shard(const std::string& folder);

}  // namespace repot
