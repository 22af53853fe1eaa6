#include "repot/run.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <cpl_conv.h>
#include <gdal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "build_results.hpp"
#include "engine.hpp"
#include "inputs.hpp"
#include "landcover.hpp"
#include "manifest.hpp"
#include "gpkg_output.hpp"
#include "maps.hpp"
#include "monthly_csv.hpp"
#include "member_population.hpp"
#include "repot/error.hpp"
#include "../io/facilities.hpp"
#include "../io/path_clash.hpp"
#include "../report/csv_bom.hpp"
#include "../report/smart_community.hpp"
#include "repot/output_dir.hpp"

namespace repot {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string summary_table(const ResultsTable& t) {
    // The usable tier of each source: what a reader of the terminal wants first.
    const std::pair<const char*, const char*> cols[] = {
        {"roof_area_m2", "roof m²"},
        {"solar_roof_usable_mwh", "roof PV MWh"},
        {"solar_land_usable_mwh", "land PV MWh"},
        {"solar_heat_usable_gj", "sol.heat GJ"},
        {"ground_heat_usable_gj", "ground GJ"},
        {"waste_served_power_usable_mwh", "waste MWh"},  // by host when no membership table is given
    };
    std::string out = fmt::format("{:<6} {:<10}", "zone", "name");
    for (auto [c, label] : cols) out += fmt::format(" {:>13}", label);
    out += "\n";
    for (size_t r = 0; r < t.rows.size(); ++r) {
        out += fmt::format("{:<6} {:<10}", t.rows[r].zone_id, t.rows[r].zone_name);
        for (auto [c, label] : cols) {
            auto v = t.value(r, c);
            if (!v && std::string(c) == "waste_served_power_usable_mwh") v = t.value(r, "waste_power_usable_mwh");
            out += fmt::format(" {:>13}", v ? fmt::format("{:.0f}", *v) : std::string("-"));
        }
        out += "\n";
    }
    return out + "(usable tier; '-' = not computed, see notes in potential.csv)\n";
}

// --strict: a pipeline that wants every warning to stop the run.
void fail_if_strict(const RunOptions& o, const std::vector<std::string>& warnings) {
    if (!o.strict || warnings.empty()) return;
    throw DataError(fmt::format("--strict: {}{}", warnings.front(),
                                warnings.size() > 1 ? fmt::format(" (and {} more warnings)", warnings.size() - 1) : ""));
}

// Every file the run reads, as the user named it.
std::vector<NamedPath> input_paths(const RunOptions& o) {
    std::vector<NamedPath> in{{"--zones", o.zones},
                              {"--roof", o.roof},
                              {"--roof-slope", o.roof_slope},
                              {"--roof-aspect", o.roof_aspect},
                              {"--roof-shade", o.roof_shade},
                              {"--ghi", o.ghi},
                              {"--temperature", o.temperature},
                              {"--landuse", o.landuse},
                              {"--landuse-classes", o.landuse_classes},
                              {"--terrain-slope", o.terrain_slope},
                              {"--population", o.population},
                              {"--heat-demand", o.heat_demand},
                              {"--waste-plants", o.waste_plants},
                              {"--waste-members", o.waste_members},
                              {"--grid", o.grid},
                              {"--scenario", o.scenario},
                              {"--facilities", o.facilities}};
    for (const auto& p : o.inclusion) in.push_back({"--inclusion", p});
    return in;
}

// Every file the run would write into --out (the names staged below).
std::vector<NamedPath> output_paths(const RunOptions& o) {
    std::vector<std::string> names{"potential.csv", "potential_long.csv", "potential_monthly.csv", "run.json"};
    if (!o.waste_plants.empty()) names.push_back("plants.csv");
    if (!o.landuse.empty()) names.push_back("landcover.csv");
    if (o.maps) names.push_back("municipalities.gpkg");  // maps/ holds only files repot names itself
    if (!o.facilities.empty()) names.push_back("facilities.csv");
    std::vector<NamedPath> out;
    for (const auto& n : names) out.push_back({"--out", (std::filesystem::path(o.out) / n).string()});
    return out;
}

}  // namespace

RunSummary run(const RunOptions& options, const ProgressFn& progress) {
    RunOptions o = options;
    // GDAL's block cache defaults to 5 % of RAM; repot reads each block once, so a small cache is enough
    // and keeps memory bounded by block size × threads. GDAL_CACHEMAX still wins when set.
    if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(int64_t(32) << 20);
    if (o.threads <= 0) o.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    auto t0 = std::chrono::steady_clock::now();
    Timings timings;
    const std::vector<NamedPath> inputs = input_paths(o);
    refuse_clashing_paths(inputs, output_paths(o));
    Inputs in = open_inputs(o);
    fail_if_strict(o, in.zones.warnings());  // before an hour of work, when the inputs already warn
    std::optional<FacilityCountMap> facilities;
    if (!o.facilities.empty())
        facilities = count_facilities(o.facilities, o.facility_category_field, in.zones, facility_categories());
    const int factor = o.maps && in.has_grid ? map_factor(in.grid, o.map_res) : 1;
    OutputDir out(o.out);  // before computing: an unwritable folder fails in a second, not after an hour
    for (const auto& p : inputs) out.keep(p.path);
    std::unique_ptr<MapWriter> maps;
    if (o.maps && in.has_grid) maps = std::make_unique<MapWriter>(in, out, factor, o.threads);
    timings.open_s = seconds_since(t0);

    auto t1 = std::chrono::steady_clock::now();
    EngineStats stats;
    ZoneSums sums(int(in.zones.zones().size()));
    if (in.has_grid) sums = compute_zone_sums(in, {o.threads, o.block_size}, progress, stats, maps.get()).rounded();
    // Waste: per plant, then by host and (with a membership table) by the zones each plant serves.
    std::vector<std::string> warnings = in.zones.warnings();
    if (stats.roof_above_pixel_px > 0)
        warnings.push_back(fmt::format("{}: {} roof pixels hold more roof than the pixel's {:g} m² (up to {:g} m²; e.g. "
                                       "from prepare roofs --area-field): kept as read, with no open ground",
                                       o.roof, stats.roof_above_pixel_px, in.grid.pixel_area(), stats.roof_above_pixel_max));
    std::vector<WastePlantResult> plant_results;
    WasteByZone waste;
    if (!o.waste_plants.empty()) {
        const WasteParams wp = in.waste_params();
        for (const auto& p : in.plants) plant_results.push_back(compute_plant(p, wp));
        waste.host = sum_by_host(in.plants, plant_results);
        if (!in.members.empty()) {
            MemberAllocation a =
                allocate_to_members(in.plants, plant_results, in.members, member_populations(in, sums), warnings);
            waste.served = std::move(a.served);
            waste.served_not_computed = std::move(a.not_computed);
            waste.notes = std::move(a.notes);
            waste.has_served = true;
        }
    }
    fail_if_strict(o, warnings);
    ResultsTable table = build_results(in, sums, o.waste_plants.empty() ? nullptr : &waste);
    timings.compute_s = seconds_since(t1);

    auto t2 = std::chrono::steady_clock::now();
    long long in_zones = 0;
    for (int z = 1; z <= sums.zone_count(); ++z) in_zones += (long long)sums.get(z, q_pixels);
    // --csv-bom: every CSV starts with a UTF-8 BOM, so that Excel does not read Japanese names as mojibake.
    auto csv = [&](const std::string& text) { return o.csv_bom ? with_bom(text) : text; };
    out.stage("potential.csv", csv(to_wide_csv(table)));
    const std::string plants = o.waste_plants.empty() ? "" : plants_csv(in.plants, plant_results, in.members);
    if (!o.waste_plants.empty()) out.stage("plants.csv", csv(plants));
    out.stage("potential_long.csv", csv(to_long_csv(table)));
    if (in.landuse) out.stage("landcover.csv", csv(landcover_csv(in, sums)));
    out.stage("potential_monthly.csv", csv(monthly_csv(in, sums, table)));
    if (facilities) out.stage("facilities.csv", csv(facilities_csv(*facilities, in.zones)));
    std::vector<MapOutput> map_outputs;
    if (maps) map_outputs = maps->finish();
    if (o.maps)
        stage_municipalities_gpkg(in, table, plants, out);
    timings.write_s = seconds_since(t2);
    std::vector<std::string> outputs = out.staged_names();
    outputs.push_back("run.json");
    out.stage("run.json", manifest_json(o, in, table, stats, in_zones, timings, warnings, outputs, map_outputs));

    RunSummary s;
    s.outputs = out.commit();
    s.zones = int(table.rows.size());
    for (size_t r = 0; r < table.rows.size(); ++r) s.zones_in_grid += table.value(r, "pixel_count").value_or(0) > 0;
    s.pixels = in.grid.pixel_count();
    s.pixels_outside = s.pixels - in_zones;
    s.blocks = stats.blocks;
    s.blocks_processed = stats.blocks_processed;
    s.warnings = warnings;
    s.table = summary_table(table);
    return s;
}

std::string describe_inputs(const RunOptions& o) {
    Inputs in = open_inputs(o);
    const GridSpec& g = in.grid;
    auto b = g.bounds();
    std::string out = in.has_grid ? fmt::format("grid: {} × {} px of {:g} m² from {}\n  extent x {:.2f}..{:.2f}, y "
                                                "{:.2f}..{:.2f}\n",
                                                g.width, g.height, g.pixel_area(), in.grid_source, b[0], b[2], b[1], b[3])
                                  : std::string("grid: none (no raster and no --grid)\n");
    int in_grid = 0;
    for (const auto& z : in.zones.zones()) in_grid += z.touches_grid;
    out += fmt::format("zones: {} from {} ({} overlap the grid's extent)\n", in.zones.zones().size(), o.zones, in_grid);
    out += "layers:\n";
    for (const RasterInput* r : in.rasters()) out += "  " + r->describe() + "\n";
    if (in.classes) out += fmt::format("land-use classes: {} from {}\n", in.classes->classes().size(), in.classes->origin());
    const bool demand = in.population || in.heat_demand;
    std::vector<std::string> sources;
    if (in.roof && in.ghi) sources.push_back("solar_roof (theoretical, technical, usable)");
    if (in.landuse && in.ghi) sources.push_back("solar_land (theoretical, technical, usable)");
    const std::string heat_tiers = demand ? "theoretical, technical, usable" : "theoretical, technical";
    if (in.roof && in.ghi) sources.push_back(fmt::format("solar_heat ({})", heat_tiers));
    if (in.has_grid) sources.push_back(fmt::format("ground_heat ({})", heat_tiers));
    out += "computes: " + fmt::format("{}", fmt::join(sources, ", "));
    if (!o.waste_plants.empty())
        out += fmt::format(", waste from {} plants by host{}", in.plants.size(),
                           in.members.empty() ? "" : " and by the municipalities they serve");
    out += "\n";
    std::string maps;
    for (const auto& m : map_specs(in)) maps += fmt::format(" maps/{} ({} {}, {})", m.file, m.source, m.tier, m.unit);
    out += fmt::format("--maps writes:{} maps/zones.tif maps/zones.csv{} municipalities.gpkg\n", maps,
                       in.has_grid ? " maps/overview.png" : "");
    for (const auto& n : in.notes) out += "note: " + n.text + " [" + n.code + "]\n";
    return out;
}

}  // namespace repot
