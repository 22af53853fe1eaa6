#pragma once
// municipalities.gpkg of a run (--maps): the zones in the grid's CRS with potential.csv's columns, the
// plants (as points in the same CRS where the plant table placed them by coordinates).
#include "inputs.hpp"
#include "repot/output_dir.hpp"
#include "repot/results.hpp"

namespace repot {

// `plants_csv`: the text of plants.csv, empty without --waste-plants.
void stage_municipalities_gpkg(const Inputs& in, const ResultsTable& table, const std::string& plants_csv,
                               OutputDir& out);

}  // namespace repot
