#pragma once
#include "engine.hpp"
#include "inputs.hpp"
#include "maps.hpp"
#include "repot/results.hpp"

namespace repot {

// Version of the output layout (run.json keys, CSV columns). 2: note codes, coverage of every layer,
// optional grid, the land-use class table.
constexpr int kOutputSchemaVersion = 2;

struct Timings {
    double open_s = 0, compute_s = 0, write_s = 0;
};

// run.json (method.md §9): versions, the full scenario with defaults marked, inputs with size and
// checksum, the grid, pixel accounting, timings, warnings and notes; `outputs` are the files of the
// run (names in --out, run.json included), which the next run into the folder may remove.
std::string manifest_json(const RunOptions& o, Inputs& in, const ResultsTable& t, const EngineStats& stats,
                          long long pixels_in_zones, const Timings& timings, const std::vector<std::string>& warnings,
                          const std::vector<std::string>& outputs, const std::vector<MapOutput>& maps,
                          const std::string& shards_json = "");

}  // namespace repot
