// `repot run` with the heat and waste sources on a tiny case: --population on a coarser grid in
// another CRS (persons conserved), solar heat and ground heat with their demand caps (per zone from
// population, per cell from --heat-demand), waste plants from a CSV with the FY2022 column names and
// from a GeoJSON point layer, the union plant shared by population; and bad plant tables.
// Every expected value is computed here from the formulas of method.md §5-8 and §10 and
// docs/waste.md, written out rather than read from repot.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

// --- parameters (defaults of method.md, written out) ----------------------------------------------

constexpr double kCoverage = 0.80;               // solar_roof.coverage: collector share of eligible roof
constexpr double kPersonsPerHousehold = 2.0;
constexpr double kCollectorPerHousehold = 6.0;   // m²
constexpr double kCollectorEfficiency = 0.40;
constexpr double kHotWaterPerHousehold = 12.0;   // GJ/yr
constexpr double kGjPerKwh = 0.0036;
constexpr double kHeatCo2 = 0.0624;              // t-CO2/GJ, city gas in an 80 % boiler
constexpr double kElCo2 = 0.525;                 // t-CO2/MWh
constexpr double kCop = 4;
// Ground heat per m² of open ground: a borehole of 100 m × 30 W/m × 1800 h, × COP/(COP−1), per 6 m × 6 m.
constexpr double kGroundPerM2 = 100.0 * 30.0 * 1800.0 * kCop / (kCop - 1) * 3.6e-6 / 36.0;  // GJ/m² = 0.72
constexpr double kGroundFraction = 0.1;          // default_open_ground_fraction (no land use)
constexpr double kGroundDemandPerHousehold = 10.2 + 0.7;  // heating + cooling GJ/yr
constexpr double kGroundCo2 = kHeatCo2 - kElCo2 / (3.6 * kCop);  // net of the heat pump's electricity
constexpr double kPixelArea = 100;

// Waste (docs/waste.md).
constexpr double kEtaElMax = 0.25, kEtaHeat = 0.20, kEtaPlantDefault = 0.15, kSelfUse = 0.3, kHeatUse = 0.5;
constexpr double kBiogenic = 0.56, kLhvDefault = 9000;

// --- the case -------------------------------------------------------------------------------------
//
// A 64 × 64 grid of 10 m pixels in EPSG:6677, x -7650..-7010, y -33820..-33180 (central Tokyo).
// Population: 5 × 4 cells of 0.001° in EPSG:6668 (JGD2011 degrees, ≈ 90 m × 111 m), top-left corner
// 139.750° E 35.700° N, lying wholly inside the grid; each cell holds the centres of 9 × 11 pixels
// (the test recomputes this with OGR). Zones:
//   13101 "Alpha":  x -7540..-7460, y -33600..-33520: 64 px, all inside population cell (0, 2) with
//                   99 px, so it gets 64/99 of that cell; few people: the household caps bind;
//   13102 "Beta":   x -7300..-7160, y -33440..-33300: 196 px over six cells, many people;
//   13103 "Gamma":  x -7451..-7359.5, y -33503..-33390: holds population cell (1, 1) whole (the
//                   cell spans x -7450.84..-7360.34, y -33502.37..-33391.36) and no other pixel
//                   centre, so it gets exactly that cell's 910 persons; no roof data.
// Roof (m², nodata -9999): nodata in Gamma and where (c + r) % 11 == 0, else one of
//   {0, 12.5, 40, 87.25, 100}. GHI: 12 bands, 1.5 × a Tokyo-like month + c % 7 + (r % 4) / 2, high
//   enough that 6 m² of collector yield more than a household's 12 GJ of hot water.
// Heat demand (GJ/yr per pixel, nodata -1): 40 + r % 3 in Alpha, elsewhere 1.5 + 0.75 × ((c + 2r) % 4),
//   one nodata pixel (40, 15) in Beta.
struct HeatCase {
    static constexpr double X0 = -7650, Y_TOP = -33180, RES = 10;
    static constexpr int W = 64, H = 64;
    static constexpr double ROOF_NODATA = -9999, DEMAND_NODATA = -1;
    static constexpr double LON0 = 139.75, LAT0 = 35.70, CELL = 0.001;
    static constexpr int PW = 5, PH = 4;
    static constexpr std::array<std::array<double, PW>, PH> PERSONS{{{120, 340, 800, 2600, 1500},
                                                                     {75, 910, 1200, 3100, 640},
                                                                     {40, 55, 430, 280, 90},
                                                                     {15, 25, 35, 45, 5}}};
    static constexpr std::array<double, 12> MONTH{81, 90, 114.5, 132.5, 148, 122.5, 137, 134, 99, 85, 70.5, 69.5};
    static constexpr std::array<double, 5> ROOF_VALUES{0, 12.5, 40, 87.25, 100};

    TempDir dir{"heat"};
    std::string zones = dir / "zones.geojson", roof = dir / "roof.tif", ghi = dir / "ghi.tif",
                population = dir / "population.tif", demand = dir / "heat_demand.tif",
                scenario = dir / "scenario.toml";

    HeatCase() {
        write_zones_geojson(zones, {rect_zone("13101", "Alpha", -7540, -33600, -7460, -33520),
                                    rect_zone("13102", "Beta", -7300, -33440, -7160, -33300),
                                    rect_zone("13103", "Gamma", -7451, -33503, -7359.5, -33390)});
        std::vector<double> roof_v, demand_v;
        std::vector<std::vector<double>> ghi_v(12);
        for (int r = 0; r < H; ++r)
            for (int c = 0; c < W; ++c) {
                roof_v.push_back(std::isnan(roof_at(c, r)) ? ROOF_NODATA : roof_at(c, r));
                demand_v.push_back(std::isnan(demand_at(c, r)) ? DEMAND_NODATA : demand_at(c, r));
                for (int m = 0; m < 12; ++m) ghi_v[size_t(m)].push_back(ghi_at(c, r, m));
            }
        write_raster(roof, grid_spec(ROOF_NODATA), {roof_v});
        write_raster(ghi, grid_spec(std::nullopt), ghi_v);
        write_raster(demand, grid_spec(DEMAND_NODATA), {demand_v});
        RasterSpec ps;
        ps.x0 = LON0, ps.y_top = LAT0, ps.res = CELL, ps.width = PW, ps.height = PH, ps.epsg = 6668;
        std::vector<double> pop_v;
        for (const auto& row : PERSONS) pop_v.insert(pop_v.end(), row.begin(), row.end());
        write_raster(population, ps, {pop_v});
        write_text(scenario, "# panels flat: in-plane irradiation = GHI\n[solar_roof]\nflat_panel_tilt_deg = 0\n");
    }

    static RasterSpec grid_spec(std::optional<double> nodata) {
        RasterSpec s;
        s.x0 = X0, s.y_top = Y_TOP, s.res = RES, s.width = W, s.height = H, s.nodata = nodata;
        return s;
    }
    // The zone of pixel (c, r) by the pixel-centre rule, worked out from the rectangles above.
    static std::string zone_of(int c, int r) {
        if (c >= 11 && c <= 18 && r >= 34 && r <= 41) return "13101";
        if (c >= 35 && c <= 48 && r >= 12 && r <= 25) return "13102";
        if (c >= 20 && c <= 28 && r >= 21 && r <= 31) return "13103";
        return "";
    }
    static double roof_at(int c, int r) {
        if (zone_of(c, r) == "13103" || (c + r) % 11 == 0) return NAN;
        return ROOF_VALUES[size_t((c + 3 * r) % 5)];
    }
    static double ghi_at(int c, int r, int m) { return 1.5 * MONTH[size_t(m)] + c % 7 + 0.5 * (r % 4); }
    static double ghi_year(int c, int r) {
        double h = 0;
        for (int m = 0; m < 12; ++m) h += ghi_at(c, r, m);
        return h;
    }
    static double demand_at(int c, int r) {
        if (c == 40 && r == 15) return NAN;
        if (zone_of(c, r) == "13101") return 40 + r % 3;
        return 1.5 + 0.75 * ((c + 2 * r) % 4);
    }
    static double total_persons() {
        double t = 0;
        for (const auto& row : PERSONS)
            for (double v : row) t += v;
        return t;
    }

    std::vector<std::string> run_args(const std::string& out) const {
        return {"run", "--zones", zones, "--zone-id-field", "code", "--zone-name-field", "name", "--roof", roof,
                "--ghi", ghi, "--scenario", scenario, "--out", out, "-q"};
    }
    std::vector<std::string> with_population(const std::string& out) const {
        auto a = run_args(out);
        a.insert(a.end(), {"--population", population});
        return a;
    }
};

// Which population cell holds each pixel centre, found with OGR independently of repot: every
// pixel centre of the grid transformed to JGD2011 degrees.
struct PopLayout {
    std::vector<int> cell;                                   // per pixel r * W + c; -1 outside the layer
    std::array<int, HeatCase::PW * HeatCase::PH> count{};    // pixel centres per cell
    double margin = 1;  // closest approach of a pixel centre to a cell edge, in cells
};

PopLayout pop_layout() {
    using C = HeatCase;
    OGRSpatialReference grid_srs, geo;
    REQUIRE(grid_srs.importFromEPSG(6677) == OGRERR_NONE);
    REQUIRE(geo.importFromEPSG(6668) == OGRERR_NONE);
    grid_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    geo.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // lon, lat
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&grid_srs, &geo));
    REQUIRE(ct != nullptr);
    PopLayout L;
    L.cell.assign(size_t(C::W * C::H), -1);
    int failed = 0;
    for (int r = 0; r < C::H; ++r)
        for (int c = 0; c < C::W; ++c) {
            double x = C::X0 + C::RES * (c + 0.5), y = C::Y_TOP - C::RES * (r + 0.5);
            if (!ct->Transform(1, &x, &y)) {
                ++failed;
                continue;
            }
            const double fx = (x - C::LON0) / C::CELL, fy = (C::LAT0 - y) / C::CELL;
            if (fx > -0.5 && fx < C::PW + 0.5 && fy > -0.5 && fy < C::PH + 0.5)
                L.margin = std::min({L.margin, std::abs(fx - std::round(fx)), std::abs(fy - std::round(fy))});
            if (fx < 0 || fy < 0 || fx >= C::PW || fy >= C::PH) continue;
            const int k = int(fy) * C::PW + int(fx);
            L.cell[size_t(r * C::W + c)] = k;
            ++L.count[size_t(k)];
        }
    REQUIRE(failed == 0);
    return L;
}

// Sums over one zone's pixels (or the pixels outside every zone, zone ""), each term a formula of
// method.md.
struct ZoneSums {
    double px = 0, roof_px = 0, roof_m2 = 0, collector_kwh = 0, open_m2 = 0;
    double population = 0;                      // Σ persons of the pixel's cell / pixels of that cell
    double solar_capped = 0, ground_capped = 0; // Σ min(Q_px, D_px), D missing -> 0
    double demand_px = 0;
};

ZoneSums zone_sums(const std::string& zone, const PopLayout& L) {
    using C = HeatCase;
    ZoneSums s;
    for (int r = 0; r < C::H; ++r)
        for (int c = 0; c < C::W; ++c) {
            if (C::zone_of(c, r) != zone) continue;
            s.px += 1;
            const int k = L.cell[size_t(r * C::W + c)];
            if (k >= 0) s.population += C::PERSONS[size_t(k / C::PW)][size_t(k % C::PW)] / L.count[size_t(k)];
            const double R = C::roof_at(c, r);
            const double H_year = C::ghi_year(c, r);  // = in-plane at tilt 0
            double q_px = 0;
            if (!std::isnan(R)) {
                s.roof_px += 1;
                s.roof_m2 += R;  // no slope layer: every roof flat and eligible
                s.collector_kwh += R * kCoverage * H_year;
                q_px = R * kCoverage * H_year * kCollectorEfficiency * kGjPerKwh;  // uncapped, per pixel
            }
            const double open = kPixelArea - (std::isnan(R) ? 0.0 : R);  // roof nodata -> 0
            s.open_m2 += open;
            const double D = C::demand_at(c, r);
            if (!std::isnan(D)) {
                s.demand_px += 1;
                s.solar_capped += std::min(q_px, D);
                s.ground_capped += std::min(open * kGroundFraction * kGroundPerM2, D);
            }
        }
    return s;
}

struct HeatExpected {
    double households = 0;
    double solar_area = 0, solar_th = 0, solar_tech = 0, solar_usable = 0;
    double ground_th = 0, ground_tech = 0, ground_usable = 0;
};

// Population caps (method.md §5-6, §10): per municipality.
HeatExpected heat_expected(const ZoneSums& s, std::optional<double> population, bool heat_demand) {
    HeatExpected e;
    const double collector_m2 = s.roof_m2 * kCoverage;
    e.solar_area = collector_m2;
    if (population) {
        e.households = *population / kPersonsPerHousehold;
        e.solar_area = std::min(kCollectorPerHousehold * e.households, collector_m2);
    }
    const double mean_plane = collector_m2 > 0 ? s.collector_kwh / collector_m2 : 0;  // = mean GHI over roofs
    e.solar_th = mean_plane * e.solar_area * kGjPerKwh;
    e.solar_tech = e.solar_th * kCollectorEfficiency;
    e.ground_th = s.open_m2 * kGroundPerM2;
    e.ground_tech = e.ground_th * kGroundFraction;
    if (heat_demand) {
        e.solar_usable = std::min(s.solar_capped, e.solar_tech);
        e.ground_usable = std::min(s.ground_capped, e.ground_tech);
    } else if (population) {
        e.solar_usable = std::min(e.solar_tech, e.households * kHotWaterPerHousehold);
        e.ground_usable = std::min(e.ground_tech, e.households * kGroundDemandPerHousehold);
    }
    return e;
}

const char* const kZones[] = {"13101", "13102", "13103"};

void check_outputs_exist(const fs::path& out, bool plants) {
    std::set<std::string> files;
    for (const auto& e : fs::directory_iterator(out)) files.insert(e.path().filename().string());
    std::set<std::string> expected{"potential.csv", "potential_long.csv", "potential_monthly.csv", "run.json"};
    if (plants) expected.insert("plants.csv");
    CHECK(files == expected);
}

std::vector<std::string> notes_of(const fs::path& out) {
    const Json j = parse_json(read_text(out / "run.json"));
    std::vector<std::string> notes;
    for (const auto& n : j.at("notes").items) notes.push_back(n.at("text").str);
    return notes;
}

bool any_note(const std::vector<std::string>& notes, const std::string& part) {
    return std::any_of(notes.begin(), notes.end(), [&](const std::string& n) { return contains(n, part); });
}

}  // namespace

TEST_CASE("cli heat: population on a coarser grid in another CRS is conserved and caps solar and ground heat") {
    HeatCase hc;
    TempDir work("heat");
    const PopLayout L = pop_layout();
    // The layout the case was built for: every cell inside the grid with 9 × 11 pixel centres, no
    // pixel centre within 0.3 % of a cell (≈ 0.3 m) of an edge, so no rounding can move one.
    REQUIRE(L.margin > 0.003);
    for (int k = 0; k < HeatCase::PW * HeatCase::PH; ++k) {
        INFO("population cell ", k);
        REQUIRE(L.count[size_t(k)] == 99);
    }

    auto r = run_repot(hc.with_population(work / "out"));
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    const fs::path out = work.path() / "out";
    check_outputs_exist(out, false);
    CsvTable t(read_text(out / "potential.csv"));
    REQUIRE(t.body.size() == 3);

    // Persons: Alpha 64/99 of cell (0, 2); Gamma exactly cell (1, 1); Beta shares of six cells.
    std::map<std::string, ZoneSums> sums;
    for (const char* z : kZones) sums[z] = zone_sums(z, L);
    CHECK(sums["13101"].px == 64);
    CHECK(sums["13102"].px == 196);
    CHECK(sums["13103"].px == 99);
    CHECK(sums["13101"].population == doctest::Approx(40.0 * 64 / 99));
    CHECK(sums["13102"].population ==
          doctest::Approx((27 * 800 + 81 * 2600 + 18 * 1500 + 15 * 1200 + 45 * 3100 + 10 * 640) / 99.0));
    CHECK(t.cell("zone_id", "13103", "population") == "910.0");  // a cell wholly inside a zone: all of it
    for (const char* z : kZones) {
        INFO("zone ", z);
        check_cell(std::string(z) + " population", t.cell("zone_id", z, "population"), sums[z].population, 1);
        check_cell(std::string(z) + " households", t.cell("zone_id", z, "households"),
                   sums[z].population / kPersonsPerHousehold, 1);
        check_cell(std::string(z) + " population_coverage", t.cell("zone_id", z, "population_coverage"), 1, 6);
        CHECK_FALSE(contains(t.cell("zone_id", z, "notes"), "population covers"));
        CHECK(t.cell("zone_id", z, "heat_demand_coverage").empty());
    }

    // Conservation: persons in the zones (as printed) + persons on the pixels outside every zone
    // (by hand) = the raster's total, every cell lying inside the grid.
    const ZoneSums outside = zone_sums("", L);
    CHECK(outside.population > 1000);  // most people live outside the three zones
    double in_zones = 0;
    for (const char* z : kZones) in_zones += std::stod(t.cell("zone_id", z, "population"));
    const double total = HeatCase::total_persons();
    CHECK(total == 12305);
    CHECK(std::abs(in_zones + outside.population - total) <= 3 * 0.05 + 1e-6);

    // Heat, zone by zone.
    std::map<std::string, HeatExpected> e;
    for (const char* z : kZones) e[z] = heat_expected(sums[z], sums[z].population, false);
    // The regimes the case was built for: Alpha's households cap the collector area and its demand
    // caps both usable tiers; Beta's roofs cap the collector area and its demand caps nothing.
    CHECK(kCollectorPerHousehold * e["13101"].households < sums["13101"].roof_m2 * kCoverage);
    CHECK(e["13101"].solar_usable < e["13101"].solar_tech);
    CHECK(e["13101"].ground_usable < e["13101"].ground_tech);
    CHECK(kCollectorPerHousehold * e["13102"].households > sums["13102"].roof_m2 * kCoverage);
    CHECK(e["13102"].solar_usable == e["13102"].solar_tech);
    CHECK(e["13102"].ground_usable == e["13102"].ground_tech);
    CHECK(kGroundPerM2 == doctest::Approx(0.72));
    CHECK(kGroundCo2 == doctest::Approx(0.0624 - 0.525 / 14.4));

    for (const char* z : {"13101", "13102"}) {
        const HeatExpected& x = e[z];
        auto check = [&](const char* col, double v) { check_cell(std::string(z) + " " + col, t.cell("zone_id", z, col), v, 3); };
        check("solar_heat_theoretical_gj", x.solar_th);
        check("solar_heat_technical_gj", x.solar_tech);
        check("solar_heat_usable_gj", x.solar_usable);
        check("solar_heat_usable_co2_t", x.solar_usable * kHeatCo2);
        check("ground_heat_theoretical_gj", x.ground_th);
        check("ground_heat_technical_gj", x.ground_tech);
        check("ground_heat_usable_gj", x.ground_usable);
        check("ground_heat_usable_co2_t", x.ground_usable * kGroundCo2);
    }
    // Alpha: usable = 12 GJ and 10.9 GJ per household.
    check_cell("13101 solar usable", t.cell("zone_id", "13101", "solar_heat_usable_gj"),
               40.0 * 64 / 99 / 2 * 12, 3);
    check_cell("13101 ground usable", t.cell("zone_id", "13101", "ground_heat_usable_gj"),
               40.0 * 64 / 99 / 2 * 10.9, 3);

    // Gamma has no roof data: no solar heat; ground heat on whole pixels, 99 × 100 m² × 0.72 GJ/m².
    for (const char* c : {"solar_heat_theoretical_gj", "solar_heat_technical_gj", "solar_heat_usable_gj",
                          "solar_heat_usable_co2_t"}) {
        INFO("13103 ", c);
        CHECK(t.cell("zone_id", "13103", c).empty());
    }
    check_cell("13103 ground th", t.cell("zone_id", "13103", "ground_heat_theoretical_gj"), 99 * 100 * 0.72, 3);
    check_cell("13103 ground tech", t.cell("zone_id", "13103", "ground_heat_technical_gj"), 99 * 100 * 0.72 * 0.1, 3);
    check_cell("13103 ground usable", t.cell("zone_id", "13103", "ground_heat_usable_gj"), 712.8, 3);  // < 455 × 10.9
    check_cell("13103 ground co2", t.cell("zone_id", "13103", "ground_heat_usable_co2_t"), 712.8 * kGroundCo2, 3);

    // The population layer is recorded as what it is; the note says how demand is capped.
    Json j = parse_json(read_text(out / "run.json"));
    bool layer = false;
    for (const auto& l : j.at("layers").items)
        if (l.at("role").str == "population") {
            layer = true;
            CHECK(l.at("crs").str == "EPSG:6668");
            CHECK_FALSE(l.at("on_grid").b);
            CHECK(contains(l.at("kind").str, "extensive"));
        }
    CHECK(layer);
    const auto notes = notes_of(out);
    CHECK(any_note(notes, "heat demand from --population"));
    CHECK_FALSE(any_note(notes, "are not computed"));
}

TEST_CASE("cli heat: without population or heat demand the usable heat is empty and run.json says why") {
    HeatCase hc;
    TempDir work("heat");
    const PopLayout L = pop_layout();
    auto r = run_repot(hc.run_args(work / "out"));
    INFO(describe(r));
    REQUIRE(r.code == 0);
    const fs::path out = work.path() / "out";
    CsvTable t(read_text(out / "potential.csv"));
    for (const char* z : kZones) {
        INFO("zone ", z);
        for (const char* c : {"population", "households", "population_coverage", "solar_heat_usable_gj",
                              "solar_heat_usable_co2_t", "ground_heat_usable_gj", "ground_heat_usable_co2_t"})
            CHECK_MESSAGE(t.cell("zone_id", z, c).empty(), c);
        // The theoretical and technical tiers stand; without households the collectors take every
        // eligible roof.
        const HeatExpected x = heat_expected(zone_sums(z, L), std::nullopt, false);
        check_cell(std::string(z) + " ground th", t.cell("zone_id", z, "ground_heat_theoretical_gj"), x.ground_th, 3);
        check_cell(std::string(z) + " ground tech", t.cell("zone_id", z, "ground_heat_technical_gj"), x.ground_tech, 3);
        if (std::string(z) == "13103") continue;
        check_cell(std::string(z) + " solar th", t.cell("zone_id", z, "solar_heat_theoretical_gj"), x.solar_th, 3);
        check_cell(std::string(z) + " solar tech", t.cell("zone_id", z, "solar_heat_technical_gj"), x.solar_tech, 3);
    }
    const auto notes = notes_of(out);
    CHECK(any_note(notes, "no --population or --heat-demand: the usable tiers of solar heat and ground-source heat "
                          "are not computed"));
    CHECK(any_note(notes, "no land-use layer: ground-source heat takes every pixel's open ground with fraction 0.1"));
}

TEST_CASE("cli heat: --heat-demand caps solar and ground heat per cell") {
    HeatCase hc;
    TempDir work("heat");
    const PopLayout L = pop_layout();
    auto args = hc.with_population(work / "out");
    args.insert(args.end(), {"--heat-demand", hc.demand});
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    const fs::path out = work.path() / "out";
    CsvTable t(read_text(out / "potential.csv"));

    std::map<std::string, ZoneSums> sums;
    std::map<std::string, HeatExpected> e;
    for (const char* z : kZones) {
        sums[z] = zone_sums(z, L);
        e[z] = heat_expected(sums[z], sums[z].population, true);
    }
    // Alpha: plenty of demand per cell, so the zone's (household-capped) technical tier binds;
    // Beta: little demand per cell, the per-cell minimum binds.
    CHECK(sums["13101"].solar_capped > e["13101"].solar_tech);
    CHECK(e["13101"].solar_usable == e["13101"].solar_tech);
    CHECK(sums["13102"].solar_capped < e["13102"].solar_tech);
    CHECK(sums["13102"].ground_capped < e["13102"].ground_tech);
    CHECK(sums["13102"].demand_px == 195);

    for (const char* z : kZones) {
        const HeatExpected& x = e[z];
        auto check = [&](const char* col, double v, int d = 3) {
            check_cell(std::string(z) + " " + col, t.cell("zone_id", z, col), v, d);
        };
        check("heat_demand_coverage", sums[z].demand_px / sums[z].px, 6);
        check("ground_heat_technical_gj", x.ground_tech);
        check("ground_heat_usable_gj", x.ground_usable);
        check("ground_heat_usable_co2_t", x.ground_usable * kGroundCo2);
        if (std::string(z) == "13103") continue;  // no roofs
        check("solar_heat_technical_gj", x.solar_tech);
        check("solar_heat_usable_gj", x.solar_usable);
        check("solar_heat_usable_co2_t", x.solar_usable * kHeatCo2);
    }
    // Gamma, by hand: every pixel's 7.2 GJ of ground heat exceeds its demand (at most 3.75 GJ), so
    // the usable tier is the zone's demand.
    double gamma_demand = 0;
    for (int rr = 21; rr <= 31; ++rr)
        for (int c = 20; c <= 28; ++c) gamma_demand += HeatCase::demand_at(c, rr);
    check_cell("13103 ground usable = demand", t.cell("zone_id", "13103", "ground_heat_usable_gj"), gamma_demand, 3);
    CHECK(any_note(notes_of(out), "heat demand from --heat-demand"));
}

// --- waste ----------------------------------------------------------------------------------------

namespace {

// The header of datasets/tokyo/waste/tokyo_incineration_facilities_FY2022.csv.
const std::vector<std::string> kFy2022Columns{
    "facility_code", "operator_lg_code", "operator_name", "facility_name", "annual_throughput_t", "facility_kind",
    "process_type", "furnace_operation_type", "operation_mode", "capacity_t_per_day", "n_furnaces",
    "start_fiscal_year", "heat_use_nominal_MJ", "heat_use_nominal_external_MJ", "heat_use_actual_MJ",
    "heat_use_actual_external_MJ", "power_capacity_kW", "power_efficiency_nominal_pct", "power_generated_MWh",
    "power_supplied_external_MWh", "power_sold_MWh", "lhv_calc_kJ_per_kg", "lhv_measured_kJ_per_kg",
    "status_new_under_construction", "status_new_started", "status_capacity_change", "status_suspended",
    "status_abolished", "host_city_code", "host_city_code_source"};

using PlantRow = std::map<std::string, std::string>;

std::string quoted(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

// A plant table with the FY2022 columns (less `drop`), cells not given left empty.
std::string fy2022_csv(const std::vector<PlantRow>& rows, const std::set<std::string>& drop = {}) {
    std::string out;
    bool first = true;
    for (const auto& c : kFy2022Columns)
        if (!drop.count(c)) out += (first ? "" : ",") + c, first = false;
    out += "\n";
    for (const auto& row : rows) {
        first = true;
        for (const auto& c : kFy2022Columns) {
            if (drop.count(c)) continue;
            auto it = row.find(c);
            out += (first ? "" : ",") + quoted(it == row.end() ? "" : it->second);
            first = false;
        }
        out += "\n";
    }
    return out;
}

// P1: run by the union 13999 of Alpha and Beta, standing in Alpha; measured LHV, nominal efficiency.
// P2: Beta's own, standing in Beta; measured LHV 0 (= not reported) so the calculated one; no efficiency.
// P3: idle (throughput 0), in Beta.
const std::vector<PlantRow> kPlants{
    {{"facility_code", "1399901"}, {"operator_lg_code", "13999"}, {"operator_name", "Alpha-Beta union"},
     {"facility_name", "組合清掃工場"}, {"annual_throughput_t", "120000"}, {"power_capacity_kW", "9000"},
     {"power_efficiency_nominal_pct", "20.5"}, {"power_generated_MWh", "40000"}, {"heat_use_actual_MJ", "5000000"},
     {"lhv_calc_kJ_per_kg", "9000"}, {"lhv_measured_kJ_per_kg", "9500"}, {"host_city_code", "13101"},
     {"host_city_code_source", "compiled"}},
    {{"facility_code", "1310201"}, {"operator_lg_code", "13102"}, {"operator_name", "Beta city"},
     {"facility_name", "Beta plant, north"}, {"annual_throughput_t", "30000"}, {"lhv_calc_kJ_per_kg", "8200"},
     {"lhv_measured_kJ_per_kg", "0"}, {"host_city_code", "13102"}, {"host_city_code_source", "operator_lg_code"}},
    {{"facility_code", "1310202"}, {"operator_lg_code", "13102"}, {"operator_name", "Beta city"},
     {"facility_name", "Beta old plant"}, {"annual_throughput_t", "0"}, {"host_city_code", "13102"}},
};

// The quantities of one plant by docs/waste.md, by field name (without prefix).
std::map<std::string, double> plant_expected(double throughput_t, double lhv, double eta_plant) {
    const double E = throughput_t * lhv / 1000;  // t × kJ/kg = 1e3 kJ = 1e-3 GJ
    const double power_usable = E * eta_plant * (1 - kSelfUse) / 3.6;
    const double heat_usable = E * kEtaHeat * kHeatUse;
    return {{"throughput_t", throughput_t},
            {"theoretical_gj", E},
            {"biogenic_theoretical_gj", E * kBiogenic},
            {"power_technical_mwh", E * kEtaElMax / 3.6},
            {"heat_technical_gj", E * kEtaHeat},
            {"power_usable_mwh", power_usable},
            {"heat_usable_gj", heat_usable},
            {"biogenic_usable_mwh", power_usable * kBiogenic},
            {"biogenic_heat_usable_gj", heat_usable * kBiogenic},
            {"power_usable_co2_t", power_usable * kElCo2},
            {"heat_usable_co2_t", heat_usable * kHeatCo2}};
}

const char* const kWasteFieldNames[] = {"throughput_t",        "theoretical_gj",      "biogenic_theoretical_gj",
                                        "power_technical_mwh", "heat_technical_gj",   "power_usable_mwh",
                                        "heat_usable_gj",      "biogenic_usable_mwh", "biogenic_heat_usable_gj",
                                        "power_usable_co2_t",  "heat_usable_co2_t"};

}  // namespace

TEST_CASE("cli waste: CSV plants by host code, the union plant shared by population") {
    HeatCase hc;
    TempDir work("waste");
    const PopLayout L = pop_layout();
    const std::string plants = work / "plants.csv", members = work / "members.csv";
    write_text(plants, fy2022_csv(kPlants));
    write_text(members, "operator_lg_code,operator_name,member_city_code\n13999,Alpha-Beta union,13101\n"
                        "13999,Alpha-Beta union,13102\n");
    auto args = hc.with_population(work / "out");
    args.insert(args.end(), {"--waste-plants", plants, "--waste-members", members});
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    const fs::path out = work.path() / "out";
    check_outputs_exist(out, true);
    CsvTable t(read_text(out / "potential.csv"));

    const auto p1 = plant_expected(120000, 9500, 0.205);          // measured LHV, nominal 20.5 %
    const auto p2 = plant_expected(30000, 8200, kEtaPlantDefault);  // calculated LHV, default efficiency
    CHECK(p1.at("theoretical_gj") == 1140000);
    CHECK(p2.at("theoretical_gj") == 246000);
    const double popA = zone_sums("13101", L).population, popB = zone_sums("13102", L).population;
    const double shareA = popA / (popA + popB);
    CHECK(shareA > 0.005);
    CHECK(shareA < 0.01);

    for (const char* f : kWasteFieldNames) {
        INFO("field ", f);
        const std::string host = std::string("waste_") + f, served = std::string("waste_served_") + f;
        REQUIRE(t.has(host));
        REQUIRE(t.has(served));
        // By host: P1 in Alpha, P2 (and the idle P3) in Beta, nothing in Gamma: 0, not empty.
        check_cell("13101 " + host, t.cell("zone_id", "13101", host), p1.at(f), 3);
        check_cell("13102 " + host, t.cell("zone_id", "13102", host), p2.at(f), 3);
        CHECK(t.cell("zone_id", "13103", host) == "0.000");
        // Served: P1 split between Alpha and Beta by population; P2 serves Beta alone.
        check_cell("13101 " + served, t.cell("zone_id", "13101", served), p1.at(f) * shareA, 3);
        check_cell("13102 " + served, t.cell("zone_id", "13102", served), p1.at(f) * (1 - shareA) + p2.at(f), 3);
        CHECK(t.cell("zone_id", "13103", served) == "0.000");
        // The union plant's shares add back to its total (to the printed decimals).
        const double a = std::stod(t.cell("zone_id", "13101", served)), b = std::stod(t.cell("zone_id", "13102", served));
        CHECK(std::abs(a + b - p2.at(f) - p1.at(f)) <= 3 * 0.0005 + 1e-9 * p1.at(f));
        double host_sum = 0, served_sum = 0;
        for (const char* z : kZones) {
            host_sum += std::stod(t.cell("zone_id", z, host));
            served_sum += std::stod(t.cell("zone_id", z, served));
        }
        CHECK(std::abs(host_sum - served_sum) <= 6 * 0.0005 + 1e-9 * host_sum);
    }
    // The figures by name, for a reader.
    check_cell("P1 power technical", t.cell("zone_id", "13101", "waste_power_technical_mwh"), 1140000 * 0.25 / 3.6, 3);
    check_cell("P1 power usable", t.cell("zone_id", "13101", "waste_power_usable_mwh"), 1140000 * 0.205 * 0.7 / 3.6, 3);
    check_cell("P1 heat technical", t.cell("zone_id", "13101", "waste_heat_technical_gj"), 228000, 3);
    check_cell("P1 heat usable", t.cell("zone_id", "13101", "waste_heat_usable_gj"), 114000, 3);
    check_cell("P1 biogenic usable", t.cell("zone_id", "13101", "waste_biogenic_usable_mwh"),
               1140000 * 0.205 * 0.7 / 3.6 * 0.56, 3);

    // plants.csv: every plant in table order, with its host and the zones it serves.
    CsvTable pl(read_text(out / "plants.csv"));
    REQUIRE(pl.body.size() == 3);
    CHECK(pl.body[0][pl.col("plant_id")] == "1399901");
    CHECK(pl.body[1][pl.col("plant_id")] == "1310201");
    CHECK(pl.body[2][pl.col("plant_id")] == "1310202");
    auto cell = [&](const char* id, const char* col) { return pl.cell("plant_id", id, col); };
    CHECK(cell("1399901", "plant_name") == "組合清掃工場");
    CHECK(cell("1310201", "plant_name") == "Beta plant, north");
    CHECK(cell("1399901", "host_zone") == "13101");
    CHECK(cell("1399901", "host_from") == "code");
    CHECK(cell("1399901", "served_by") == "members");
    CHECK(cell("1399901", "served_zones") == "13101;13102");
    CHECK(cell("1399901", "lhv_source") == "measured");
    check_cell("P1 lhv", cell("1399901", "lhv_used_kj_per_kg"), 9500, 3);
    check_cell("P1 eta", cell("1399901", "eta_el_plant"), 0.205, 4);
    CHECK(cell("1399901", "eta_el_plant_source") == "nominal");
    check_cell("P1 theoretical", cell("1399901", "theoretical_gj"), 1140000, 3);
    check_cell("P1 gross", cell("1399901", "power_gross_mwh"), 1140000 * 0.205 / 3.6, 3);
    check_cell("P1 generated", cell("1399901", "power_generated_actual_mwh"), 40000, 3);
    check_cell("P1 ratio", cell("1399901", "power_gross_to_actual_ratio"), 1140000 * 0.205 / 3.6 / 40000, 4);
    check_cell("P1 heat used", cell("1399901", "heat_used_actual_gj"), 5000, 3);  // 5,000,000 MJ
    CHECK(cell("1310201", "host_zone") == "13102");
    CHECK(cell("1310201", "served_by") == "host");
    CHECK(cell("1310201", "served_zones") == "13102");
    CHECK(cell("1310201", "lhv_source") == "calculated");
    CHECK(cell("1310201", "lhv_measured_kj_per_kg").empty());  // 0 = not reported
    CHECK(cell("1310201", "eta_el_plant_source") == "default");
    check_cell("P2 eta", cell("1310201", "eta_el_plant"), 0.15, 4);
    check_cell("P2 power usable", cell("1310201", "power_usable_mwh"), p2.at("power_usable_mwh"), 3);
    CHECK(cell("1310201", "power_generated_actual_mwh").empty());
    CHECK(cell("1310202", "lhv_source") == "default");
    check_cell("P3 throughput", cell("1310202", "throughput_t"), 0, 3);
    check_cell("P3 theoretical", cell("1310202", "theoretical_gj"), 0, 3);

    // No warnings: the union is in the membership table, the city plants serve their host.
    Json j = parse_json(read_text(out / "run.json"));
    CHECK(j.at("warnings").items.empty());
}

// Union 13999 of Alpha, Beta and Gamma, without --population: populations from the membership table's
// column or from a zone attribute. Gamma has none: its waste_served_* cells are empty with a note, and
// Alpha and Beta share P1 (P2 still serves Beta alone).
TEST_CASE("cli waste: union members' populations from the membership table or a zone attribute") {
    HeatCase hc;
    TempDir work("waste_pop");
    const std::string plants = work / "plants.csv", members = work / "members.csv";
    write_text(plants, fy2022_csv(kPlants));
    const auto p1 = plant_expected(120000, 9500, 0.205);
    const auto p2 = plant_expected(30000, 8200, kEtaPlantDefault);
    auto check_run = [&](const std::vector<std::string>& extra, double share_alpha) {
        auto args = hc.run_args(work / "out");
        args.insert(args.end(), {"--waste-plants", plants, "--waste-members", members});
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run_repot(args);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        const fs::path out = work.path() / "out";
        CsvTable t(read_text(out / "potential.csv"));
        for (const char* f : kWasteFieldNames) {
            INFO("field ", f);
            const std::string served = std::string("waste_served_") + f;
            check_cell("13101 " + served, t.cell("zone_id", "13101", served), p1.at(f) * share_alpha, 3);
            check_cell("13102 " + served, t.cell("zone_id", "13102", served), p1.at(f) * (1 - share_alpha) + p2.at(f), 3);
            CHECK(t.cell("zone_id", "13103", served).empty());   // not computed, not 0
            check_cell("13103 host", t.cell("zone_id", "13103", std::string("waste_") + f), 0, 3);
        }
        CHECK(t.cell("zone_id", "13103", "notes").find("waste_served not computed") != std::string::npos);
        CHECK(t.cell("zone_id", "13101", "notes").find("waste_served") == std::string::npos);
        Json j = parse_json(read_text(out / "run.json"));
        REQUIRE(j.at("warnings").items.size() == 1);
        CHECK(j.at("warnings").items[0].str.find("member 13103 of operator 13999") != std::string::npos);
    };
    SUBCASE("population column of the membership table: Alpha 3,000, Beta 1,000, Gamma empty") {
        write_text(members, "operator_lg_code,member_city_code,population\n13999,13101,3000\n13999,13102,1000\n"
                            "13999,13103,\n");
        check_run({}, 0.75);
    }
    SUBCASE("zone attribute: Alpha 1,000, Beta 3,000, Gamma null") {
        write_text(members, "operator_lg_code,member_city_code\n13999,13101\n13999,13102\n13999,13103\n");
        std::string z = read_text(hc.zones);
        for (auto [name, pop] : {std::pair{"Alpha", "1000"}, {"Beta", "3000"}, {"Gamma", "null"}}) {
            const std::string from = std::string("\"name\": \"") + name + "\"}";
            const auto at = z.find(from);
            REQUIRE(at != std::string::npos);
            z.replace(at, from.size(), std::string("\"name\": \"") + name + "\", \"pop\": " + pop + "}");
        }
        write_text(hc.zones, z);
        check_run({"--zone-population-field", "pop"}, 0.25);
    }
    SUBCASE("the table column wins over the zone attribute") {
        write_text(members, "operator_lg_code,member_city_code,population\n13999,13101,3000\n13999,13102,1000\n"
                            "13999,13103,\n");
        std::string z = read_text(hc.zones);
        const std::string from = "\"name\": \"Alpha\"}";
        const auto at = z.find(from);
        REQUIRE(at != std::string::npos);
        z.replace(at, from.size(), "\"name\": \"Alpha\", \"pop\": 1}");
        write_text(hc.zones, z);
        check_run({"--zone-population-field", "pop"}, 0.75);
    }
}

TEST_CASE("cli waste: a GeoJSON point layer places plants by point-in-polygon") {
    HeatCase hc;
    TempDir work("waste");
    const std::string plants = work / "plants.geojson";
    // G1 stands in Beta although its host code names Alpha: the point wins. G2 stands in Gamma.
    write_text(plants, R"({"type": "FeatureCollection",
 "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6677"}},
 "features": [
  {"type": "Feature", "properties": {"facility_code": "1310291", "operator_lg_code": "13102",
    "operator_name": "Beta city", "facility_name": "Beta point plant", "annual_throughput_t": 50000,
    "power_efficiency_nominal_pct": 12.0, "lhv_calc_kJ_per_kg": null, "lhv_measured_kJ_per_kg": null,
    "host_city_code": "13101"},
   "geometry": {"type": "Point", "coordinates": [-7230.0, -33370.0]}},
  {"type": "Feature", "properties": {"facility_code": "1310391", "operator_lg_code": "13103",
    "operator_name": "Gamma town", "facility_name": "Gamma point plant", "annual_throughput_t": 8000,
    "power_efficiency_nominal_pct": null, "lhv_calc_kJ_per_kg": null, "lhv_measured_kJ_per_kg": 10000,
    "host_city_code": null},
   "geometry": {"type": "Point", "coordinates": [-7400.0, -33450.0]}}
 ]}
)");
    auto args = hc.run_args(work / "out");
    args.insert(args.end(), {"--waste-plants", plants});
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    const fs::path out = work.path() / "out";
    check_outputs_exist(out, true);
    CsvTable t(read_text(out / "potential.csv"));
    const auto g1 = plant_expected(50000, kLhvDefault, 0.12);       // default LHV, nominal 12 %
    const auto g2 = plant_expected(8000, 10000, kEtaPlantDefault);  // measured LHV, default efficiency
    CHECK(g1.at("theoretical_gj") == 450000);
    CHECK(g2.at("theoretical_gj") == 80000);
    for (const char* f : kWasteFieldNames) {
        INFO("field ", f);
        const std::string host = std::string("waste_") + f, served = std::string("waste_served_") + f;
        CHECK(t.cell("zone_id", "13101", host) == "0.000");
        check_cell("13102 " + host, t.cell("zone_id", "13102", host), g1.at(f), 3);
        check_cell("13103 " + host, t.cell("zone_id", "13103", host), g2.at(f), 3);
        for (const char* z : kZones) CHECK_MESSAGE(t.cell("zone_id", z, served).empty(), "no --waste-members: ", served);
    }
    CsvTable pl(read_text(out / "plants.csv"));
    REQUIRE(pl.body.size() == 2);
    CHECK(pl.cell("plant_id", "1310291", "host_zone") == "13102");
    CHECK(pl.cell("plant_id", "1310291", "host_from") == "point");
    CHECK(pl.cell("plant_id", "1310291", "served_zones") == "13102");
    CHECK(pl.cell("plant_id", "1310291", "lhv_source") == "default");
    check_cell("G1 eta", pl.cell("plant_id", "1310291", "eta_el_plant"), 0.12, 4);
    CHECK(pl.cell("plant_id", "1310391", "host_zone") == "13103");
    CHECK(pl.cell("plant_id", "1310391", "host_from") == "point");
    CHECK(pl.cell("plant_id", "1310391", "lhv_source") == "measured");
    check_cell("G2 power usable", pl.cell("plant_id", "1310391", "power_usable_mwh"), 80000 * 0.15 * 0.7 / 3.6, 3);
}

TEST_CASE("cli waste: bad plant tables fail with one clear line and no outputs") {
    HeatCase hc;
    TempDir work("waste-err");
    const fs::path out = work.path() / "out";
    const std::string plants = work / "plants.csv", members = work / "members.csv";
    write_text(members, "operator_lg_code,member_city_code\n13999,13101\n13999,13102\n");
    auto base = hc.with_population(out.string());
    base.insert(base.end(), {"--waste-plants", plants});

    SUBCASE("missing required column") {
        write_text(plants, fy2022_csv(kPlants, {"annual_throughput_t"}));
        expect_failure(base, out, 1, {plants, "missing required column annual_throughput_t"});
    }
    SUBCASE("negative throughput") {
        auto rows = kPlants;
        rows[1]["annual_throughput_t"] = "-5";
        write_text(plants, fy2022_csv(rows));
        expect_failure(base, out, 1, {plants, "row 2 (plant 1310201)", "annual_throughput_t", "negative value -5"});
    }
    SUBCASE("unknown host code") {
        auto rows = kPlants;
        rows[2]["host_city_code"] = "99999";
        write_text(plants, fy2022_csv(rows));
        expect_failure(base, out, 1, {plants, "row 3", "unknown host municipality code '99999'"});
    }
    SUBCASE("a point in no municipality") {
        const std::string geo = work / "plants.geojson";
        write_text(geo, R"({"type": "FeatureCollection",
 "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6677"}},
 "features": [{"type": "Feature", "properties": {"facility_code": "9", "annual_throughput_t": 100},
   "geometry": {"type": "Point", "coordinates": [-7600.0, -33200.0]}}]}
)");
        expect_failure(with_flag(base, "--waste-plants", geo), out, 1, {geo, "lies in no municipality"});
    }
    SUBCASE("a member that is no zone of the run") {
        write_text(plants, fy2022_csv(kPlants));
        write_text(members, "operator_lg_code,member_city_code\n13999,13101\n13999,99999\n");
        auto args = base;
        args.insert(args.end(), {"--waste-members", members});
        expect_failure(args, out, 1, {members, "99999"});
    }
    SUBCASE("--waste-members without --population") {
        write_text(plants, fy2022_csv(kPlants));
        auto args = without_flag(base, "--population");
        args.insert(args.end(), {"--waste-members", members});
        expect_failure(args, out, 2, {"--waste-members needs populations", "--zone-population-field"});
    }
}
