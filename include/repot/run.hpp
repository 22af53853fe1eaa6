#pragma once
// The one library entry point: RunOptions in, outputs written, RunSummary out.
#include <functional>
#include <string>
#include <vector>

namespace repot {

struct RunOptions {
    // zones
    std::string zones, zones_layer, zone_id_field, zone_name_field;
    std::string zone_population_field;   // persons per zone for the waste membership allocation
    // rasters
    std::string roof, roof_slope, roof_aspect, roof_shade, ghi, temperature, landuse, landuse_classes,
        terrain_slope, population, heat_demand;
    std::vector<std::string> inclusion;
    // tables
    std::string waste_plants, waste_members;
    std::string facilities, facility_category_field = "category";  // counted per zone: facilities.csv
    // run plumbing
    std::string grid;          // raster path or EPSG:CODE:RES:XMIN,YMIN,XMAX,YMAX; default: the roof grid
    std::string scenario;      // TOML file
    // --scenario given more than once (or --scenarios DIR): one pass over the rasters, and one output
    // folder per scenario, --out/<name> (docs/scale-out.md).
    std::vector<std::string> scenario_files;
    int threads = 0;           // 0: all cores
    int block_size = 512;      // pixels per block side
    bool checksums = true;     // SHA-256 of every input in run.json
    bool strict = false;       // every warning is an error (exit 1)
    bool maps = false;         // maps/*.tif, maps/overview.png, municipalities.gpkg
    double map_res = 0;        // map pixel size (m), a whole multiple of the grid's; 0: the grid's
    bool csv_bom = false;      // CSVs start with a UTF-8 BOM (Excel then reads them as UTF-8)
    int shard_index = 0, shard_count = 0;  // --shard I/N (1-based); 0/0: the whole run
    bool skip_existing = false;  // --skip-existing: a shard already finished in --out is not run again
    // --transposition-per-pixel: flat-roof panels transposed at every pixel from its interpolated GHI,
    // the reference the default (per source cell of the GHI, then interpolated) is tested against.
    bool transposition_per_pixel = false;
    std::string out;           // output folder
    std::vector<std::string> command_line;  // recorded in run.json
};

struct RunSummary {
    int zones = 0, zones_in_grid = 0;
    long long pixels = 0, pixels_outside = 0, blocks = 0, blocks_processed = 0;
    std::vector<std::string> warnings;
    std::vector<std::string> outputs;  // files written
    std::string table;                 // a short human-readable table of the results
    bool skipped = false;              // --skip-existing found this shard finished
};

// Progress in 0..1, called from worker threads under a lock.
using ProgressFn = std::function<void(double)>;

RunSummary run(const RunOptions& options, const ProgressFn& progress = {});

// `repot merge`: the shard folders of one run (--shard 1/N ... N/N) into the outputs of the whole run,
// the same as a run without shards (docs/scale-out.md). Throws DataError naming a missing, duplicated
// or foreign shard.
struct MergeOptions {
    std::vector<std::string> parts;
    std::string out;
    int threads = 0;
    bool checksums = true;
    bool csv_bom = false;  // also with the shards' own --csv-bom
    std::vector<std::string> command_line;
};
RunSummary merge(const MergeOptions& options);

// Asks a running run() to stop at the next block (safe to call from a signal handler); run() then
// throws Interrupted and writes nothing.
void request_stop();
// True once request_stop() was called (long steps after the blocks poll it: maps, reports).
bool stop_requested_now();

// What `repot info` prints: the grid, every input and what will be computed; throws on the same
// problems as run() would, before any computation.
std::string describe_inputs(const RunOptions& options);

}  // namespace repot
