#pragma once
// The population of every zone as the waste membership allocation sees it: the membership table's
// column, else the zone attribute (--zone-population-field), else the population layer with its
// coverage (docs/waste.md, "Allocation to municipalities").
#include <map>
#include <string>

#include "inputs.hpp"
#include "repot/accumulate.hpp"
#include "repot/waste.hpp"

namespace repot {

std::map<std::string, MemberPopulation> member_populations(const Inputs& in, const ZoneSums& sums);

}  // namespace repot
