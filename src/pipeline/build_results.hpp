#pragma once
#include "inputs.hpp"
#include "repot/accumulate.hpp"
#include "repot/results.hpp"
#include "repot/waste.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace repot {

// Turns the per-zone sums into the result table: units, empty cells where a source's inputs are
// missing, coverage shares and notes. Checks usable <= technical <= theoretical (throws if not).
// Waste is table-based: per-zone sums by host, and (with a membership table) by the zones served.
struct WasteByZone {
    std::map<std::string, ZoneWaste> host, served;
    bool has_served = false;
    std::set<std::string> served_not_computed;               // zones whose waste_served_* cells stay empty
    std::map<std::string, std::vector<Note>> notes;   // zone -> notes of the allocation
};
ResultsTable build_results(const Inputs& in, const ZoneSums& sums, const WasteByZone* waste);

// The method.md §1 invariant on one row; returns a description of the violation or "".
std::string check_tiers(const ResultsTable& t, size_t row);

}  // namespace repot
