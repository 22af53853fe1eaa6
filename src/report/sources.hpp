#pragma once
// The rows of a report's potential tables: each source (and waste carrier) with the potential.csv
// columns of its three tiers, its CO2 column and its labels.
#include <string>
#include <vector>

namespace repot::report {

struct SourceColumns {
    std::string id;                          // solar_roof, ..., waste_served_heat
    std::string ja, en;                      // row label
    std::string theoretical, technical, usable, co2;  // column names
    std::string unit_theoretical, unit;      // unit of the theoretical tier, and of technical and usable
};

// In page order: roof PV, land PV, solar heat, ground heat, waste power and heat by host, then served.
const std::vector<SourceColumns>& source_columns();

}  // namespace repot::report
