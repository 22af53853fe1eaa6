// Writes plants.csv: every plant of the waste table, zero-throughput ones included, with its inputs,
// the LHV and efficiency actually used and where they came from, the computed tiers, its host and
// the zones it serves, and the reported actuals beside the computed values (never instead of them).
// Fixed decimals keep the file byte-identical between runs.
#include <fstream>
#include <sstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "repot/error.hpp"
#include "repot/text_table.hpp"
#include "repot/waste.hpp"

namespace repot {

namespace {

std::string fixed(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }

std::string fixed(const std::optional<double>& v, int decimals) {
    return v ? fixed(*v, decimals) : std::string();
}

std::string join(const std::vector<std::string>& items, char sep) {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

// Energies, masses and LHV: 3 decimals; efficiencies and ratios: 4 (a nominal 9.83 % is 0.0983).
constexpr int kQty = 3;
constexpr int kFrac = 4;

}  // namespace

std::string plants_csv(const std::vector<WastePlant>& plants, const std::vector<WastePlantResult>& results,
                       const std::map<std::string, std::vector<std::string>>& members) {
    if (plants.size() != results.size())
        throw std::invalid_argument("plants_csv: plants and results differ in length");
    std::ostringstream out;

    std::vector<std::string> header{
        "plant_id", "plant_name", "operator_code", "operator_name", "host_zone", "host_from",
        "served_by", "served_zones", "throughput_t", "lhv_measured_kj_per_kg",
        "lhv_calculated_kj_per_kg", "lhv_used_kj_per_kg", "lhv_source", "efficiency_nominal",
        "eta_el_plant", "eta_el_plant_source", "power_capacity_kw"};
    for (const auto& f : kWasteFields)
        if (f.member != &WasteEnergy::throughput_t) header.emplace_back(f.name);
    for (const char* h : {"power_gross_mwh", "power_generated_actual_mwh",
                          "power_gross_to_actual_ratio", "power_external_actual_mwh",
                          "power_sold_actual_mwh", "heat_used_actual_gj", "heat_external_actual_gj"})
        header.emplace_back(h);
    out << join(header, ',') << '\n';

    for (size_t i = 0; i < plants.size(); ++i) {
        const WastePlant& p = plants[i];
        const WastePlantResult& r = results[i];
        const bool by_members = !p.operator_code.empty() && members.count(p.operator_code) > 0;
        std::vector<std::string> row{
            csv_field(p.id),
            csv_field(p.name),
            csv_field(p.operator_code),
            csv_field(p.operator_name),
            csv_field(p.host_zone),
            p.x ? "point" : "code",
            by_members ? "members" : "host",
            csv_field(join(served_zones(p, members), ';')),
            fixed(p.throughput_t, kQty),
            fixed(p.lhv_measured_kj_per_kg, kQty),
            fixed(p.lhv_calculated_kj_per_kg, kQty),
            fixed(r.lhv_kj_per_kg, kQty),
            to_string(r.lhv_source),
            fixed(p.efficiency_nominal, kFrac),
            fixed(r.eta_el_plant, kFrac),
            r.eta_el_plant_is_default ? "default" : "nominal",
            fixed(p.power_capacity_kw, kQty)};
        for (const auto& f : kWasteFields)
            if (f.member != &WasteEnergy::throughput_t) row.push_back(fixed(r.*f.member, kQty));
        row.push_back(fixed(r.power_gross_mwh, kQty));
        row.push_back(fixed(p.power_generated_mwh, kQty));
        // Only where the plant reports a generation: a ratio against zero or nothing says nothing.
        row.push_back(p.power_generated_mwh && *p.power_generated_mwh > 0
                          ? fixed(r.power_gross_mwh / *p.power_generated_mwh, kFrac)
                          : std::string());
        row.push_back(fixed(p.power_external_mwh, kQty));
        row.push_back(fixed(p.power_sold_mwh, kQty));
        row.push_back(fixed(p.heat_used_actual_gj, kQty));
        row.push_back(fixed(p.heat_external_actual_gj, kQty));
        out << join(row, ',') << '\n';
    }
    return out.str();
}

void write_plants_csv(const std::string& path, const std::vector<WastePlant>& plants,
                      const std::vector<WastePlantResult>& results,
                      const std::map<std::string, std::vector<std::string>>& members) {
    const std::string text = plants_csv(plants, results, members);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw DataError(fmt::format("plants table {}: cannot open for writing", path));
    out << text;
    out.flush();
    if (!out) throw DataError(fmt::format("plants table {}: write failed", path));
}

}  // namespace repot
