#pragma once
// potential_monthly.csv: the technical energy of roof and land PV per month and zone (MWh), for the
// monthly yield profiles of the report pages.
#include <string>

#include "inputs.hpp"
#include "repot/accumulate.hpp"
#include "repot/results.hpp"

namespace repot {

// Rows for the zones whose potential.csv has the source's technical tier (others: not computed, no row).
std::string monthly_csv(const Inputs& in, const ZoneSums& sums, const ResultsTable& table);

}  // namespace repot
