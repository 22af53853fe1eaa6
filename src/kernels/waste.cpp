// Waste-energy tiers of one incineration plant (method.md §7-8) and their aggregation to
// municipalities: by host, and by member in proportion to population. No I/O here.
#include "repot/waste.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "repot/error.hpp"

namespace repot {

namespace {

constexpr double kGjPerMwh = 3.6;
// Relative slack in the invariant checks: it absorbs the last-bit rounding of products that are
// equal in exact arithmetic (e.g. eta_plant * (1 - self_use) == eta_el_max). Nothing is clamped.
constexpr double kInvariantSlack = 1e-12;

void check_fraction(const char* name, double v) {
    if (!(v >= 0 && v <= 1))
        throw UsageError(fmt::format("waste parameter {} = {} must lie in [0, 1]", name, v));
}

std::string plant_label(const WastePlant& p) {
    std::string s = fmt::format("waste plant {}", p.id.empty() ? "(no id)" : p.id);
    if (!p.name.empty()) s += fmt::format(" ({})", p.name);
    if (!p.source.empty()) s += fmt::format(" [{}]", p.source);
    return s;
}

void check_le(const WastePlant& p, const char* what, double lower, double upper, const char* why) {
    if (lower > upper * (1 + kInvariantSlack))
        throw DataError(fmt::format("{}: invariant violated: {} ({} > {}); {}", plant_label(p), what,
                                    lower, upper, why));
}

void add(WasteEnergy& into, const WasteEnergy& e, double share = 1) {
    for (const auto& f : kWasteFields) into.*f.member += e.*f.member * share;
}

}  // namespace

const char* to_string(LhvSource s) {
    switch (s) {
        case LhvSource::measured: return "measured";
        case LhvSource::calculated: return "calculated";
        case LhvSource::default_value: return "default";
    }
    return "default";
}

void validate(const WasteParams& p) {
    if (!(p.lhv_default_kj_per_kg > 0 && std::isfinite(p.lhv_default_kj_per_kg)))
        throw UsageError(fmt::format("waste parameter lhv_default_kj_per_kg = {} must be > 0",
                                     p.lhv_default_kj_per_kg));
    check_fraction("eta_el_max", p.eta_el_max);
    check_fraction("eta_heat", p.eta_heat);
    check_fraction("eta_el_plant_default", p.eta_el_plant_default);
    check_fraction("self_use", p.self_use);
    check_fraction("heat_use_share", p.heat_use_share);
    check_fraction("biogenic_fraction", p.biogenic_fraction);
    for (auto [name, v] : {std::pair{"co2_t_per_mwh", p.co2_t_per_mwh},
                           std::pair{"co2_t_per_gj_heat", p.co2_t_per_gj_heat}})
        if (!(v >= 0 && std::isfinite(v)))
            throw UsageError(fmt::format("waste parameter {} = {} must be >= 0", name, v));
}

WastePlantResult compute_plant(const WastePlant& p, const WasteParams& k) {
    validate(k);
    if (!(p.throughput_t >= 0 && std::isfinite(p.throughput_t)))
        throw DataError(fmt::format("{}: throughput {} t must be a finite number >= 0",
                                    plant_label(p), p.throughput_t));
    for (auto [name, v] : {std::pair{"measured LHV", p.lhv_measured_kj_per_kg},
                           std::pair{"calculated LHV", p.lhv_calculated_kj_per_kg}})
        if (v && !(*v > 0 && std::isfinite(*v)))
            throw DataError(fmt::format("{}: {} {} kJ/kg must be > 0", plant_label(p), name, *v));
    if (p.efficiency_nominal && !(*p.efficiency_nominal > 0 && *p.efficiency_nominal <= 1))
        throw DataError(fmt::format("{}: nominal power efficiency {} must lie in (0, 1]",
                                    plant_label(p), *p.efficiency_nominal));

    WastePlantResult r;
    if (p.lhv_measured_kj_per_kg) {
        r.lhv_kj_per_kg = *p.lhv_measured_kj_per_kg;
        r.lhv_source = LhvSource::measured;
    } else if (p.lhv_calculated_kj_per_kg) {
        r.lhv_kj_per_kg = *p.lhv_calculated_kj_per_kg;
        r.lhv_source = LhvSource::calculated;
    } else {
        r.lhv_kj_per_kg = k.lhv_default_kj_per_kg;
        r.lhv_source = LhvSource::default_value;
    }
    r.eta_el_plant_is_default = !p.efficiency_nominal;
    r.eta_el_plant = p.efficiency_nominal.value_or(k.eta_el_plant_default);

    // t/yr * kJ/kg = 1e3 kg * kJ/kg = 1e3 kJ = 1e-3 GJ.
    const double e_in = p.throughput_t * r.lhv_kj_per_kg / 1000.0;
    r.throughput_t = p.throughput_t;
    r.theoretical_gj = e_in;
    r.biogenic_theoretical_gj = e_in * k.biogenic_fraction;
    r.power_technical_mwh = e_in * k.eta_el_max / kGjPerMwh;
    r.heat_technical_gj = e_in * k.eta_heat;
    r.power_gross_mwh = e_in * r.eta_el_plant / kGjPerMwh;
    r.power_usable_mwh = r.power_gross_mwh * (1 - k.self_use);
    r.heat_usable_gj = r.heat_technical_gj * k.heat_use_share;
    r.biogenic_usable_mwh = r.power_usable_mwh * k.biogenic_fraction;
    r.biogenic_heat_usable_gj = r.heat_usable_gj * k.biogenic_fraction;
    r.power_usable_co2_t = r.power_usable_mwh * k.co2_t_per_mwh;
    r.heat_usable_co2_t = r.heat_usable_gj * k.co2_t_per_gj_heat;

    check_le(p, "usable electricity > technical electricity", r.power_usable_mwh,
             r.power_technical_mwh,
             "the nominal efficiency times (1 - self_use) exceeds eta_el_max: check the efficiency "
             "column (percent vs fraction) or raise eta_el_max");
    check_le(p, "technical electricity > theoretical input", r.power_technical_mwh * kGjPerMwh,
             r.theoretical_gj, "eta_el_max must not exceed 1");
    check_le(p, "usable heat > technical heat", r.heat_usable_gj, r.heat_technical_gj,
             "heat_use_share must not exceed 1");
    check_le(p, "technical heat > theoretical input", r.heat_technical_gj, r.theoretical_gj,
             "eta_heat must not exceed 1");
    check_le(p, "usable electricity < 0", 0.0, r.power_usable_mwh, "self_use must not exceed 1");
    return r;
}

std::map<std::string, ZoneWaste> sum_by_host(const std::vector<WastePlant>& plants,
                                             const std::vector<WastePlantResult>& results) {
    if (plants.size() != results.size())
        throw std::invalid_argument("sum_by_host: plants and results differ in length");
    std::map<std::string, ZoneWaste> out;
    for (size_t i = 0; i < plants.size(); ++i) {
        ZoneWaste& z = out[plants[i].host_zone];
        add(z, results[i]);
        if (results[i].throughput_t > 0) ++z.plants;
    }
    return out;
}

std::vector<double> split_exact(double total, const std::vector<double>& weights) {
    if (weights.empty()) throw std::invalid_argument("split_exact: no weights");
    double sum_w = 0;
    for (double w : weights) {
        if (!(w >= 0 && std::isfinite(w)))
            throw std::invalid_argument("split_exact: weights must be finite and >= 0");
        sum_w += w;
    }
    if (!(sum_w > 0)) throw std::invalid_argument("split_exact: weights sum to zero");
    if (!(total >= 0 && std::isfinite(total)))
        throw std::invalid_argument("split_exact: total must be finite and >= 0");

    const size_t rem = static_cast<size_t>(
        std::max_element(weights.begin(), weights.end()) - weights.begin());
    std::vector<double> shares(weights.size(), 0.0);
    if (total < std::numeric_limits<double>::min()) {  // 0 or subnormal: nothing worth splitting
        shares[rem] = total;
        return shares;
    }
    // total = m * 2^e with m in [0.5, 1), so total is an integer multiple of u = 2^(e-53) below
    // 2^53 u. Shares rounded down to multiples of u keep every partial sum such a multiple <= total,
    // hence exactly representable: the additions are exact in any order. Rounding down keeps the
    // sum of the others below total, so the remainder (>= total / n, the largest weight) is >= 0.
    int e = 0;
    std::frexp(total, &e);
    double others = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
        if (i == rem) continue;
        const double exact = total * (weights[i] / sum_w);
        shares[i] = std::ldexp(std::floor(std::ldexp(exact, 53 - e)), e - 53);
        others += shares[i];
    }
    shares[rem] = total - others;
    return shares;
}

std::vector<std::string> served_zones(const WastePlant& plant,
                                      const std::map<std::string, std::vector<std::string>>& members) {
    auto it = members.find(plant.operator_code);
    if (it != members.end() && !plant.operator_code.empty()) return it->second;
    return {plant.host_zone};
}

namespace {

// What the allocation knows about one operator's members before splitting its plants.
struct OperatorShares {
    std::vector<std::string> zones;   // members with a population, in table order
    std::vector<double> weights;      // their populations
    double total = 0;
};

std::string percent_of(double share) { return fmt::format("{:.1f} %", 100 * share); }

}  // namespace

MemberAllocation allocate_to_members(const std::vector<WastePlant>& plants,
                                     const std::vector<WastePlantResult>& results,
                                     const std::map<std::string, std::vector<std::string>>& members,
                                     const std::map<std::string, MemberPopulation>& population,
                                     std::vector<std::string>& warnings) {
    if (plants.size() != results.size())
        throw std::invalid_argument("allocate_to_members: plants and results differ in length");
    MemberAllocation out;
    std::set<std::string> warned;  // one warning per operator, not per plant
    auto warn_once = [&](const std::string& key, std::string msg) {
        if (warned.insert(key).second) warnings.push_back(std::move(msg));
    };

    // Per operator that runs a plant: which members have a population, and the notes on them. Done
    // before any split, so that a member without population is excluded from every plant alike.
    std::map<std::string, OperatorShares> shares;
    for (const WastePlant& p : plants) {
        const auto list = members.find(p.operator_code);
        if (p.operator_code.empty() || list == members.end() || shares.count(p.operator_code)) continue;
        OperatorShares& sh = shares[p.operator_code];
        const std::string op = fmt::format("operator {} ({})", p.operator_code, p.operator_name);
        std::vector<std::string> missing;
        for (const std::string& z : list->second) {
            const auto it = population.find(z);
            if (it == population.end() || !it->second.persons) {
                missing.push_back(z);
                continue;
            }
            const MemberPopulation& m = it->second;
            if (!(*m.persons >= 0 && std::isfinite(*m.persons)))
                throw DataError(fmt::format("waste membership: population of member {} of operator {} is {}; "
                                            "expected a number >= 0",
                                            z, p.operator_code, *m.persons));
            if (m.source == PopulationSource::layer && m.coverage < kMemberCoverageNote) {
                out.notes[z].push_back({"waste_member_coverage_partial", fmt::format(
                    "waste_served: share of {} weighted by the population on the {} of the zone the population "
                    "layer covers",
                    op, percent_of(m.coverage))});
                warnings.push_back(fmt::format("waste: member {} of {}: the population layer covers {} of it; its "
                                               "share is weighted by the covered population only",
                                               z, op, percent_of(m.coverage)));
            }
            sh.zones.push_back(z);
            sh.weights.push_back(*m.persons);
            sh.total += *m.persons;
        }
        if (!(sh.total > 0)) {
            // Nothing to share by: equal shares would be a guess, so no member gets a value.
            for (const std::string& z : list->second) {
                out.not_computed.insert(z);
                out.notes[z].push_back({"waste_served_no_population", fmt::format(
                    "waste_served not computed: no member of {} has a population to share its plants by", op)});
            }
            warn_once("pop:" + p.operator_code,
                      fmt::format("waste: no member of {} has a positive population; its plants are not allocated "
                                  "to members (waste_served_* empty for its {} members)",
                                  op, list->second.size()));
            sh.zones.clear();
            continue;
        }
        for (const std::string& z : missing) {
            out.not_computed.insert(z);
            out.notes[z].push_back({"waste_member_no_population", fmt::format(
                "waste_served not computed: member of {} without a population (no value in the membership table "
                "or zone attribute, and the population layer does not cover it); the other members share its plants",
                op)});
            warnings.push_back(fmt::format("waste: member {} of {} has no population: its waste_served_* cells are "
                                           "empty and the other {} members share the plants",
                                           z, op, sh.zones.size()));
        }
    }

    for (size_t i = 0; i < plants.size(); ++i) {
        const WastePlant& p = plants[i];
        std::vector<std::string> zones;
        std::vector<double> weights;
        const auto sh = p.operator_code.empty() ? shares.end() : shares.find(p.operator_code);
        if (sh != shares.end()) {
            zones = sh->second.zones;
            weights = sh->second.weights;
        } else {
            if (!p.operator_code.empty() && p.operator_code != p.host_zone)
                warn_once("host:" + p.operator_code,
                          fmt::format("waste: operator {} ({}) is not in the membership table; its plants "
                                      "serve their host municipality alone",
                                      p.operator_code, p.operator_name));
            zones = {p.host_zone};
            weights = {1.0};
        }
        if (zones.empty()) continue;   // an operator without population: not allocated (warned above)

        // Split field by field so that each field's shares add up exactly to the plant's value.
        std::vector<WasteEnergy> parts(zones.size());
        for (const auto& f : kWasteFields) {
            const std::vector<double> s = split_exact(results[i].*f.member, weights);
            for (size_t j = 0; j < zones.size(); ++j) parts[j].*f.member = s[j];
        }
        for (size_t j = 0; j < zones.size(); ++j) {
            if (out.not_computed.count(zones[j])) continue;   // its cells stay empty, not partial
            ZoneWaste& z = out.served[zones[j]];
            add(z, parts[j]);
            if (results[i].throughput_t > 0) ++z.plants;
        }
    }
    return out;
}

}  // namespace repot
