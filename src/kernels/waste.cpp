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

std::map<std::string, ZoneWaste> allocate_to_members(
    const std::vector<WastePlant>& plants, const std::vector<WastePlantResult>& results,
    const std::map<std::string, std::vector<std::string>>& members,
    const std::map<std::string, double>& population_by_zone, std::vector<std::string>& warnings) {
    if (plants.size() != results.size())
        throw std::invalid_argument("allocate_to_members: plants and results differ in length");
    std::map<std::string, ZoneWaste> out;
    std::set<std::string> warned;  // one warning per operator, not per plant
    auto warn_once = [&](const std::string& key, std::string msg) {
        if (warned.insert(key).second) warnings.push_back(std::move(msg));
    };

    for (size_t i = 0; i < plants.size(); ++i) {
        const WastePlant& p = plants[i];
        const std::vector<std::string> zones = served_zones(p, members);
        const bool by_members = members.count(p.operator_code) > 0 && !p.operator_code.empty();
        if (!by_members && !p.operator_code.empty() && p.operator_code != p.host_zone)
            warn_once("host:" + p.operator_code,
                      fmt::format("waste: operator {} ({}) is not in the membership table; its plants "
                                  "serve their host municipality alone",
                                  p.operator_code, p.operator_name));

        std::vector<double> weights;
        if (by_members) {
            for (const auto& z : zones) {
                auto pop = population_by_zone.find(z);
                if (pop == population_by_zone.end())
                    throw DataError(fmt::format(
                        "waste membership: member {} of operator {} has no population (not a "
                        "municipality of the run?)",
                        z, p.operator_code));
                if (!(pop->second >= 0 && std::isfinite(pop->second)))
                    throw DataError(fmt::format("waste membership: population of member {} of "
                                                "operator {} is {}; expected a number >= 0",
                                                z, p.operator_code, pop->second));
                weights.push_back(pop->second);
            }
            double sum = 0;
            for (double w : weights) sum += w;
            if (sum == 0) {
                weights.assign(weights.size(), 1.0);
                warn_once("pop:" + p.operator_code,
                          fmt::format("waste: all {} members of operator {} ({}) have zero "
                                      "population; its plants are shared equally",
                                      zones.size(), p.operator_code, p.operator_name));
            }
        } else {
            weights.assign(1, 1.0);
        }

        // Split field by field so that each field's shares add up exactly to the plant's value.
        std::vector<WasteEnergy> parts(zones.size());
        for (const auto& f : kWasteFields) {
            const std::vector<double> s = split_exact(results[i].*f.member, weights);
            for (size_t j = 0; j < zones.size(); ++j) parts[j].*f.member = s[j];
        }
        for (size_t j = 0; j < zones.size(); ++j) {
            ZoneWaste& z = out[zones[j]];
            add(z, parts[j]);
            if (results[i].throughput_t > 0) ++z.plants;
        }
    }
    return out;
}

}  // namespace repot
