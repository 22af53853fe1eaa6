#pragma once
// landcover.csv: what the land PV rests on, the area of every land-use class per zone.
#include <string>

#include "inputs.hpp"
#include "repot/accumulate.hpp"

namespace repot {

// One row per zone on the grid and class of the table, then a row for pixels without a class (empty
// code): zone_id,zone_name,class_code,class_name,pixels,area_m2,share. A zone's areas add up to its
// land_area_m2 in potential.csv. Empty when the run has no land-use layer.
std::string landcover_csv(const Inputs& in, const ZoneSums& sums);

}  // namespace repot
