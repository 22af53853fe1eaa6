// Waste-energy kernel: each tier against values worked out by hand below, the error paths, and the
// population allocation whose shares must add up to the plant's value bit for bit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "repot/error.hpp"
#include "repot/waste.hpp"

using namespace repot;

namespace {

WastePlant plant(std::string id, std::string op, std::string host, double m) {
    WastePlant p;
    p.id = std::move(id);
    p.operator_code = std::move(op);
    p.host_zone = std::move(host);
    p.throughput_t = m;
    return p;
}

double sum_field(const std::map<std::string, ZoneWaste>& zones, double WasteEnergy::*f) {
    double s = 0;
    for (const auto& [id, z] : zones) s += z.*f;
    return s;
}

}  // namespace

TEST_CASE("waste: every tier of a plant with measured LHV and nominal efficiency") {
    // M = 100,000 t, LHV 10,000 kJ/kg, eta 0.20; by hand:
    // E_in = 1e5 t * 1e4 kJ/kg = 1e12 kJ = 1,000,000 GJ
    // power technical = 1e6 * 0.25 / 3.6 = 69,444.444 MWh; heat technical = 200,000 GJ
    // gross = 1e6 * 0.20 / 3.6 = 55,555.556 MWh; usable = gross * 0.7 = 38,888.889 MWh
    // heat usable = 200,000 * 0.5 = 100,000 GJ; biogenic: 560,000 GJ, 21,777.778 MWh, 56,000 GJ
    // CO2: 38,888.889 * 0.525 = 20,416.667 t; 100,000 * 0.0624 = 6,240 t
    WastePlant p = plant("A", "13856", "13101", 100000);
    p.lhv_measured_kj_per_kg = 10000;
    p.lhv_calculated_kj_per_kg = 9500;  // ignored: measured wins
    p.efficiency_nominal = 0.20;
    p.power_generated_mwh = 1;  // reported actuals never enter the computation
    const auto r = compute_plant(p, WasteParams{});
    CHECK(r.lhv_source == LhvSource::measured);
    CHECK(r.lhv_kj_per_kg == 10000);
    CHECK_FALSE(r.eta_el_plant_is_default);
    CHECK(r.eta_el_plant == 0.20);
    CHECK(r.throughput_t == 100000);
    CHECK(r.theoretical_gj == doctest::Approx(1000000.0).epsilon(1e-12));
    CHECK(r.biogenic_theoretical_gj == doctest::Approx(560000.0).epsilon(1e-12));
    CHECK(r.power_technical_mwh == doctest::Approx(69444.444444444).epsilon(1e-12));
    CHECK(r.heat_technical_gj == doctest::Approx(200000.0).epsilon(1e-12));
    CHECK(r.power_gross_mwh == doctest::Approx(55555.555555556).epsilon(1e-12));
    CHECK(r.power_usable_mwh == doctest::Approx(38888.888888889).epsilon(1e-12));
    CHECK(r.heat_usable_gj == doctest::Approx(100000.0).epsilon(1e-12));
    CHECK(r.biogenic_usable_mwh == doctest::Approx(21777.777777778).epsilon(1e-12));
    CHECK(r.biogenic_heat_usable_gj == doctest::Approx(56000.0).epsilon(1e-12));
    CHECK(r.power_usable_co2_t == doctest::Approx(20416.666666667).epsilon(1e-12));
    CHECK(r.heat_usable_co2_t == doctest::Approx(6240.0).epsilon(1e-12));
}

TEST_CASE("waste: defaults for LHV and efficiency, and the calculated LHV before the default") {
    // M = 36,000 t, LHV default 9,000, eta default 0.15: E_in = 324,000 GJ; technical 22,500 MWh;
    // gross 13,500 MWh; usable 9,450 MWh; heat 64,800 / 32,400 GJ; biogenic 5,292 MWh;
    // CO2 9,450 * 0.525 = 4,961.25 t and 32,400 * 0.0624 = 2,021.76 t.
    const auto r = compute_plant(plant("B", "13201", "13201", 36000), WasteParams{});
    CHECK(r.lhv_source == LhvSource::default_value);
    CHECK(r.lhv_kj_per_kg == 9000);
    CHECK(r.eta_el_plant_is_default);
    CHECK(r.eta_el_plant == 0.15);
    CHECK(r.theoretical_gj == doctest::Approx(324000.0).epsilon(1e-12));
    CHECK(r.power_technical_mwh == doctest::Approx(22500.0).epsilon(1e-12));
    CHECK(r.power_gross_mwh == doctest::Approx(13500.0).epsilon(1e-12));
    CHECK(r.power_usable_mwh == doctest::Approx(9450.0).epsilon(1e-12));
    CHECK(r.heat_technical_gj == doctest::Approx(64800.0).epsilon(1e-12));
    CHECK(r.heat_usable_gj == doctest::Approx(32400.0).epsilon(1e-12));
    CHECK(r.biogenic_usable_mwh == doctest::Approx(5292.0).epsilon(1e-12));
    CHECK(r.power_usable_co2_t == doctest::Approx(4961.25).epsilon(1e-12));
    CHECK(r.heat_usable_co2_t == doctest::Approx(2021.76).epsilon(1e-12));

    WastePlant c = plant("C", "13201", "13201", 1000);
    c.lhv_calculated_kj_per_kg = 8000;  // 1,000 t * 8,000 kJ/kg = 8,000 GJ
    const auto rc = compute_plant(c, WasteParams{});
    CHECK(rc.lhv_source == LhvSource::calculated);
    CHECK(rc.theoretical_gj == doctest::Approx(8000.0).epsilon(1e-12));

    WasteParams k;
    k.lhv_default_kj_per_kg = 10000;
    k.eta_el_plant_default = 0.1;
    const auto rk = compute_plant(plant("B", "13201", "13201", 36000), k);
    CHECK(rk.theoretical_gj == doctest::Approx(360000.0).epsilon(1e-12));
    CHECK(rk.power_usable_mwh == doctest::Approx(360000.0 * 0.1 * 0.7 / 3.6).epsilon(1e-12));
}

TEST_CASE("waste: a zero-throughput plant contributes zero") {
    WastePlant p = plant("idle", "13856", "13103", 0);
    p.efficiency_nominal = 0.2;
    const auto r = compute_plant(p, WasteParams{});
    for (const auto& f : kWasteFields) CHECK(r.*f.member == 0.0);
    CHECK(r.power_gross_mwh == 0.0);
}

TEST_CASE("waste: invariants hold for the defaults and a violation is an error, never clamped") {
    WastePlant p = plant("X", "13201", "13201", 50000);
    p.lhv_measured_kj_per_kg = 9000;
    for (double eta : {0.01, 0.15, 0.25 / 0.7, 0.25}) {  // 0.25 / 0.7 sits exactly on the bound
        p.efficiency_nominal = eta;
        const auto r = compute_plant(p, WasteParams{});
        CHECK(r.power_usable_mwh >= 0);
        CHECK(r.power_usable_mwh <= r.power_technical_mwh * (1 + 1e-12));
        CHECK(r.power_technical_mwh * 3.6 <= r.theoretical_gj);
        CHECK(r.heat_usable_gj <= r.heat_technical_gj);
        CHECK(r.heat_technical_gj <= r.theoretical_gj);
    }
    // 0.40 * (1 - 0.3) = 0.28 > eta_el_max 0.25: usable above technical.
    p.efficiency_nominal = 0.40;
    CHECK_THROWS_AS(compute_plant(p, WasteParams{}), DataError);
    try {
        compute_plant(p, WasteParams{});
    } catch (const DataError& e) {
        const std::string msg = e.what();
        CHECK(msg.find("plant X") != std::string::npos);
        CHECK(msg.find("usable electricity > technical electricity") != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
    }
    // The same plant passes once the assumption allows it: the check follows the parameters.
    WasteParams k;
    k.eta_el_max = 0.30;
    CHECK_NOTHROW(compute_plant(p, k));
}

TEST_CASE("waste: invalid plant inputs and parameters") {
    const WasteParams k;
    CHECK_THROWS_AS(compute_plant(plant("n", "", "13101", -1), k), DataError);
    CHECK_THROWS_AS(compute_plant(plant("n", "", "13101", std::nan("")), k), DataError);
    WastePlant p = plant("l", "", "13101", 10);
    p.lhv_measured_kj_per_kg = 0;
    CHECK_THROWS_AS(compute_plant(p, k), DataError);
    p.lhv_measured_kj_per_kg.reset();
    p.efficiency_nominal = 1.5;
    CHECK_THROWS_AS(compute_plant(p, k), DataError);

    for (double WasteParams::*f :
         {&WasteParams::eta_el_max, &WasteParams::eta_heat, &WasteParams::eta_el_plant_default,
          &WasteParams::self_use, &WasteParams::heat_use_share, &WasteParams::biogenic_fraction}) {
        WasteParams bad;
        bad.*f = 1.2;
        CHECK_THROWS_AS(validate(bad), UsageError);
        bad.*f = -0.1;
        CHECK_THROWS_AS(validate(bad), UsageError);
    }
    WasteParams bad;
    bad.lhv_default_kj_per_kg = 0;
    CHECK_THROWS_AS(validate(bad), UsageError);
    bad = WasteParams{};
    bad.co2_t_per_mwh = -1;
    CHECK_THROWS_AS(validate(bad), UsageError);
    CHECK_NOTHROW(validate(WasteParams{}));
}

TEST_CASE("waste: split_exact adds up bit for bit in any order") {
    std::mt19937_64 rng(20240601);
    std::uniform_real_distribution<double> total_d(0.0, 1e7), w_d(0.0, 1e6);
    std::uniform_int_distribution<int> n_d(1, 30);
    for (int trial = 0; trial < 2000; ++trial) {
        const double total = total_d(rng) / (1 + trial % 7);  // spread over several binades
        std::vector<double> w(static_cast<size_t>(n_d(rng)));
        for (auto& x : w) x = (trial % 5 == 0 && &x != &w.front()) ? 0.0 : w_d(rng);
        if (std::accumulate(w.begin(), w.end(), 0.0) == 0) w.front() = 1;
        const auto s = split_exact(total, w);
        REQUIRE(s.size() == w.size());
        double fwd = 0, bwd = 0, shuffled = 0;
        for (double x : s) fwd += x;
        for (auto it = s.rbegin(); it != s.rend(); ++it) bwd += *it;
        auto perm = s;
        std::shuffle(perm.begin(), perm.end(), rng);
        for (double x : perm) shuffled += x;
        CHECK(fwd == total);
        CHECK(bwd == total);
        CHECK(shuffled == total);
        const double sw = std::accumulate(w.begin(), w.end(), 0.0);
        for (size_t i = 0; i < s.size(); ++i) {
            CHECK(s[i] >= 0);
            CHECK(s[i] == doctest::Approx(total * w[i] / sw).epsilon(1e-9).scale(total));
        }
    }
    CHECK(split_exact(0.0, {1, 2}) == std::vector<double>{0.0, 0.0});
    CHECK(split_exact(5.0, {0, 3}) == std::vector<double>{0.0, 5.0});
    CHECK_THROWS_AS(split_exact(1.0, {0, 0}), std::invalid_argument);
    CHECK_THROWS_AS(split_exact(1.0, {}), std::invalid_argument);
    CHECK_THROWS_AS(split_exact(1.0, {1, -1}), std::invalid_argument);
}

TEST_CASE("waste: allocation by population sums back to the plant total exactly") {
    // An awkward plant shared by the 23 wards with their 2020 census populations.
    WastePlant p = plant("U", "13856", "13108", 123456.789);
    p.lhv_measured_kj_per_kg = 9876.5;
    p.efficiency_nominal = 0.173;
    const std::vector<WastePlant> plants{p};
    const std::vector<WastePlantResult> results{compute_plant(p, WasteParams{})};
    const std::vector<double> pop{66680,  169179, 260486, 346235, 226114, 211444, 272085, 524310,
                                  422488, 288088, 748081, 943664, 243883, 346162, 591108, 301599,
                                  355213, 217475, 584483, 752608, 695043, 453093, 688153};
    std::map<std::string, std::vector<std::string>> members;
    std::map<std::string, MemberPopulation> population;
    for (int i = 0; i < 23; ++i) {
        const std::string z = std::to_string(13101 + i);
        members["13856"].push_back(z);
        population[z] = {pop[static_cast<size_t>(i)], PopulationSource::layer, 1.0};
    }
    std::vector<std::string> warnings;
    const auto served = allocate_to_members(plants, results, members, population, warnings).served;
    CHECK(warnings.empty());
    REQUIRE(served.size() == 23);
    const double total_pop = std::accumulate(pop.begin(), pop.end(), 0.0);
    for (const auto& f : kWasteFields) {
        CHECK(sum_field(served, f.member) == results[0].*f.member);  // exact, not approximate
        for (int i = 0; i < 23; ++i)
            CHECK(served.at(std::to_string(13101 + i)).*f.member ==
                  doctest::Approx(results[0].*f.member * pop[static_cast<size_t>(i)] / total_pop)
                      .epsilon(1e-12));
    }
    CHECK(served.at("13101").plants == 1);

    // By host, the whole plant goes to where it stands.
    const auto hosted = sum_by_host(plants, results);
    REQUIRE(hosted.size() == 1);
    CHECK(hosted.at("13108").power_usable_mwh == results[0].power_usable_mwh);
    CHECK(hosted.at("13108").plants == 1);
}

TEST_CASE("waste: host sums, plants outside the membership table, zero populations") {
    const WasteParams k;
    std::vector<WastePlant> plants{plant("a", "13201", "13201", 1000), plant("b", "13201", "13201", 3000),
                                   plant("c", "13899", "13202", 2000),  // union without membership
                                   plant("d", "13900", "13203", 4000),  // union, members all empty
                                   plant("e", "13201", "13201", 0)};
    std::vector<WastePlantResult> results;
    for (const auto& p : plants) results.push_back(compute_plant(p, k));

    const auto hosted = sum_by_host(plants, results);
    CHECK(hosted.at("13201").throughput_t == 4000);
    CHECK(hosted.at("13201").plants == 2);  // the idle plant "e" is listed but does not count
    CHECK(hosted.at("13201").theoretical_gj ==
          doctest::Approx(results[0].theoretical_gj + results[1].theoretical_gj));

    const std::map<std::string, std::vector<std::string>> members{{"13900", {"13204", "13205"}}};
    std::map<std::string, MemberPopulation> population{{"13204", {0.0, PopulationSource::table, 1}},
                                                       {"13205", {0.0, PopulationSource::table, 1}}};
    std::vector<std::string> warnings;
    const MemberAllocation a = allocate_to_members(plants, results, members, population, warnings);
    const auto& served = a.served;
    CHECK(served.at("13201").throughput_t == 4000);  // municipal plants: host alone, no warning
    CHECK(served.at("13202").throughput_t == 2000);  // union not in the table: its host
    // Zero populations: nothing to share by, so no share at all (not equal shares) and empty cells.
    CHECK(served.count("13204") == 0);
    CHECK(served.count("13205") == 0);
    CHECK(a.not_computed == std::set<std::string>{"13204", "13205"});
    CHECK(a.notes.at("13204").at(0).text.find("no member of operator 13900") != std::string::npos);
    CHECK(served.count("13203") == 0);
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0].find("no member of operator 13900") != std::string::npos);
    CHECK(warnings[1].find("13899") != std::string::npos);

    // A negative population is an error.
    std::vector<std::string> w2;
    population["13205"].persons = -1;
    CHECK_THROWS_AS(allocate_to_members(plants, results, members, population, w2), DataError);

    CHECK(served_zones(plants[3], members) == std::vector<std::string>{"13204", "13205"});
    CHECK(served_zones(plants[2], members) == std::vector<std::string>{"13202"});
}

TEST_CASE("waste: a union member without population gets empty cells, a partly covered one a note") {
    // Union 13950 of three members: 13301 (300 persons, layer coverage 99.5 %: above the 99 % mark),
    // 13302 (100 persons on the 50 % of it the layer covers), 13303 (no population). 13303 also runs
    // its own plant. E_in = 1000 t x 10,000 kJ/kg / 1000 = 10,000 GJ, shared 300 : 100 between 13301 and 13302.
    WastePlant u = plant("U", "13950", "13301", 1000);
    u.operator_name = "Union";
    u.lhv_measured_kj_per_kg = 10000;
    WastePlant own = plant("M", "13303", "13303", 500);
    const std::vector<WastePlant> plants{u, own};
    const std::vector<WastePlantResult> results{compute_plant(u, WasteParams{}), compute_plant(own, WasteParams{})};
    REQUIRE(results[0].theoretical_gj == 10000);
    const std::map<std::string, std::vector<std::string>> members{{"13950", {"13301", "13302", "13303"}}};
    const std::map<std::string, MemberPopulation> population{
        {"13301", {300.0, PopulationSource::layer, 0.995}},
        {"13302", {100.0, PopulationSource::layer, 0.5}},
        {"13303", {std::nullopt, PopulationSource::layer, 0.0}}};
    std::vector<std::string> warnings;
    const MemberAllocation a = allocate_to_members(plants, results, members, population, warnings);

    REQUIRE(a.served.size() == 2);
    CHECK(a.served.at("13301").throughput_t == 750);
    CHECK(a.served.at("13302").throughput_t == 250);
    CHECK(a.served.at("13301").theoretical_gj == 7500);
    CHECK(a.served.at("13302").theoretical_gj == 2500);
    CHECK(a.served.at("13301").heat_technical_gj == 1500);   // 0.20 x 7,500
    CHECK(a.served.at("13302").heat_technical_gj == 500);
    // 13303 is not computed: neither a union share nor its own plant (a partial sum would read as complete).
    CHECK(a.not_computed == std::set<std::string>{"13303"});
    CHECK(a.served.count("13303") == 0);

    CHECK(a.notes.count("13301") == 0);
    REQUIRE(a.notes.at("13302").size() == 1);
    CHECK(a.notes.at("13302")[0].text.find("operator 13950 (Union)") != std::string::npos);
    CHECK(a.notes.at("13302")[0].text.find("50.0 %") != std::string::npos);
    REQUIRE(a.notes.at("13303").size() == 1);
    CHECK(a.notes.at("13303")[0].text.find("waste_served not computed") != std::string::npos);
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0].find("member 13302") != std::string::npos);
    CHECK(warnings[0].find("50.0 %") != std::string::npos);
    CHECK(warnings[1].find("member 13303") != std::string::npos);
    CHECK(warnings[1].find("other 2 members") != std::string::npos);

    // Populations from the table or a zone attribute carry no coverage note, whatever the layer's coverage.
    std::map<std::string, MemberPopulation> given = population;
    given["13302"].source = PopulationSource::table;
    std::vector<std::string> w2;
    CHECK(allocate_to_members(plants, results, members, given, w2).notes.count("13302") == 0);
    CHECK(w2.size() == 1);
}
