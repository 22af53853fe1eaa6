#pragma once
// Opens and validates every input of a run (used by `run` and `info`): fails early, naming the file.
#include <optional>
#include <string>
#include <vector>

#include "../io/raster_reader.hpp"
#include "../io/zones.hpp"
#include "repot/grid.hpp"
#include "repot/landuse.hpp"
#include "repot/results.hpp"
#include "repot/run.hpp"
#include "repot/scenario.hpp"
#include "repot/waste.hpp"

namespace repot {

struct Inputs {
    bool has_grid = false;  // false: no raster and no --grid, only table-based sources run
    GridSpec grid;
    std::string grid_source;
    ZoneSet zones;
    Scenario scenario;
    std::vector<std::string> scenario_set;  // parameters the scenario file changed
    std::optional<RasterInput> roof, ghi, slope, aspect, shade, temperature, landuse, terrain_slope, population, heat_demand;
    std::vector<RasterInput> inclusion;
    std::optional<LandUseTable> classes;
    std::vector<WastePlant> plants;                               // empty without --waste-plants
    std::map<std::string, std::vector<std::string>> members;      // operator -> member zones
    std::map<std::string, double> member_population;              // member -> persons, membership table column
    WasteParams waste_params() const;
    std::vector<Note> notes;  // run-wide notes, e.g. a source that cannot be computed
    bool transposition_per_pixel = false;  // RunOptions: the reference evaluation of flat-roof panels

    std::vector<const RasterInput*> rasters() const;
};

Inputs open_inputs(const RunOptions& o);

// Another scenario for the same inputs (--scenario ×N): its parameters and the notes that name them.
void use_scenario(Inputs& in, const Scenario& s, const std::vector<std::string>& set);

// The analysis grid (method.md §10): --grid, else the grid of the first projected raster in the order
// roof, GHI, land use, roof slope, terrain slope, population; nullopt when the run has no raster at all.
std::optional<GridSpec> choose_grid(const RunOptions& o, std::string& source);

// Grid from a raster or from "EPSG:CODE:RES:XMIN,YMIN,XMAX,YMAX". Refuses geographic CRSs.
GridSpec grid_from_spec(const std::string& spec);
GridSpec grid_from_raster(const std::string& path);

}  // namespace repot
