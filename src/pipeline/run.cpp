#include "repot/run.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <cpl_conv.h>
#include <gdal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "build_results.hpp"
#include "engine.hpp"
#include "inputs.hpp"
#include "landcover.hpp"
#include "manifest.hpp"
#include "gpkg_output.hpp"
#include "maps.hpp"
#include "monthly_csv.hpp"
#include "shard.hpp"
#include "member_population.hpp"
#include "repot/error.hpp"
#include "repot/json.hpp"
#include "repot/message_text.hpp"
#include "../io/commit_journal.hpp"
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

namespace {

// A run up to its zone sums: options settled, inputs open and checked, the output folder locked.
struct RunContext {
    RunOptions o;
    std::vector<NamedPath> inputs;
    Inputs in;
    std::optional<FacilityCountMap> facilities;
    std::unique_ptr<OutputDir> out;
    std::unique_ptr<MapWriter> maps;
    Timings timings;
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
};

void settle(RunOptions& o) {
    if (o.threads <= 0) o.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    // GDAL's block cache defaults to 5 % of RAM. A worker reads its block's source tiles once per piece of
    // the tile lattice (up to 4 per 512 px block), so each worker needs its block's tiles kept: 16 MB a
    // thread holds a 512 × 512 tile of 12 float32 bands and the other layers' (at 4 threads a 12-band GHI
    // on the grid decodes twice as often with 32 MB in all). Memory stays bounded by block size ×
    // threads. GDAL_CACHEMAX still wins when set.
    if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(int64_t(std::max(32, 16 * o.threads)) << 20);
}

// Opens everything a run needs before computing, once no output would overwrite an input.
void open_run(RunContext& c, const std::vector<NamedPath>& outputs) {
    RunOptions& o = c.o;
    c.inputs = input_paths(o);
    refuse_clashing_paths(c.inputs, outputs);
    c.in = open_inputs(o);
    fail_if_strict(o, c.in.zones.warnings());  // before an hour of work, when the inputs already warn
    if (!o.facilities.empty())
        c.facilities = count_facilities(o.facilities, o.facility_category_field, c.in.zones, facility_categories());
}

void lock_output(RunContext& c) {
    const int factor = c.o.maps && c.in.has_grid ? map_factor(c.in.grid, c.o.map_res) : 1;
    c.out = std::make_unique<OutputDir>(c.o.out);  // before computing: an unwritable folder fails in a second
    for (const auto& p : c.inputs) c.out->keep(p.path);
    if (c.o.maps && c.in.has_grid) c.maps = std::make_unique<MapWriter>(c.in, *c.out, factor, c.o.threads);
}

// From zone sums to the committed outputs: waste, the results table, every file, run.json.
RunSummary finish(RunContext& c, const ZoneSums& sums, const EngineStats& stats, const std::string& shards_json,
                  std::chrono::steady_clock::time_point t1) {
    const RunOptions& o = c.o;
    Inputs& in = c.in;
    OutputDir& out = *c.out;
    Timings& timings = c.timings;
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
    if (c.facilities) out.stage("facilities.csv", csv(facilities_csv(*c.facilities, in.zones)));
    std::vector<MapOutput> map_outputs;
    if (c.maps) map_outputs = c.maps->finish();
    if (o.maps) stage_municipalities_gpkg(in, table, plants, out);
    timings.write_s = seconds_since(t2);
    std::vector<std::string> outputs = out.staged_names();
    outputs.push_back("run.json");
    out.stage("run.json",
              manifest_json(o, in, table, stats, in_zones, timings, warnings, outputs, map_outputs, shards_json));

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

// --shard I/N: this shard's blocks, written as exact sums with a manifest into its own folder.
RunSummary run_shard(RunContext& c, const ProgressFn& progress) {
    const RunOptions& o = c.o;
    const ShardRange range = c.in.has_grid ? shard_range(c.in, o.block_size, o.shard_index, o.shard_count) : ShardRange{};
    const ShardFingerprint fp = shard_fingerprint(o, c.inputs, range.plan_blocks);
    RunSummary s;
    if (o.skip_existing) {  // a rerun of the whole array skips the shards that finished
        try {
            const ShardRecord done = read_shard(o.out);
            if (done.fingerprint == fp && done.index == o.shard_index && done.count == o.shard_count) {
                s.skipped = true;
                return s;
            }
        } catch (const DataError&) {  // no finished shard there: run it
        }
    }
    lock_output(c);
    EngineStats stats;
    ExactZoneSums sums(int(c.in.zones.zones().size()), c.in.landuse ? int(c.in.classes->classes().size()) : 0);
    if (c.in.has_grid)
        sums = compute_zone_sums(c.in, {o.threads, o.block_size, range.first, range.end}, progress, stats, c.maps.get());
    if (c.maps) c.maps->keep_parts();  // this shard's blocks; repot merge builds the maps
    c.out->stage("sums.txt", sums.to_text());
    std::vector<std::string> outputs = c.out->staged_names();
    outputs.push_back("run.json");
    c.out->stage("run.json", shard_manifest(o, c.inputs, fp, range, stats, seconds_since(c.t0), outputs));
    s.outputs = c.out->commit();
    s.blocks = (long long)(range.end - range.first);
    s.blocks_processed = stats.blocks_processed;
    return s;
}

struct NamedScenario {
    std::string path, name;
    Scenario scenario;
    std::vector<std::string> set;
};

// The scenarios of --scenario ×N: loaded, named (the file's `name`, else its stem), names unique.
std::vector<NamedScenario> load_scenarios(const std::vector<std::string>& files) {
    std::vector<NamedScenario> out;
    for (const auto& f : files) {
        NamedScenario n{f, "", Scenario{}, {}};
        n.set = load_scenario(f, n.scenario);
        n.name = n.scenario.name;
        if (!is_plain_name(n.name) || n.name.find('/') != std::string::npos)
            throw UsageError(fmt::format("{}: scenario name {} cannot be a folder name", f, quote_for_message(n.name)));
        for (const auto& other : out)
            if (other.name == n.name)
                throw UsageError(fmt::format("--scenario {} and {} are both named {}: each writes --out/<name>/", other.path,
                                             f, quote_for_message(n.name)));
        out.push_back(std::move(n));
    }
    return out;
}

// Whether a parameter is applied to the zone sums rather than per pixel: co2 and waste, and every
// parameter that scales a tier linearly (kernels.hpp: solar_roof_zone, solar_land_zone, the heat tiers).
// A heat-demand raster caps heat per pixel, which makes the heat yields per-pixel parameters again.
bool applied_per_zone(const ParamInfo& p, bool heat_demand_layer) {
    if (p.section == "co2" || p.section == "waste") return true;
    if (p.section == "solar_roof")
        return p.key == "density_kw_m2" || p.key == "design_factor" || p.key == "usable_factor" ||
               (p.key == "coverage" && !heat_demand_layer);
    if (p.section == "solar_land") return p.key == "density_kw_m2" || p.key == "design_factor";
    if (p.section == "solar_heat") return !heat_demand_layer || p.key != "collector_efficiency";
    if (p.section == "ground_heat")
        return !heat_demand_layer || p.key == "heating_gj_per_household" || p.key == "cooling_gj_per_household";
    return false;  // irradiation, tilts, eligibility thresholds: what the kernels compute per pixel
}

// The parameters the kernels use: scenarios that agree on all of them share one kernel pass and differ
// only in what is applied per zone: docs/scale-out.md.
std::string kernel_key(Scenario s, bool heat_demand_layer) {
    std::string key;
    for (const auto& p : describe(s)) {
        if (applied_per_zone(p, heat_demand_layer)) continue;
        for (int k = 0; k < p.count; ++k) key += fmt::format("{}.{}[{}]={:a};", p.section, p.key, k, p.value[k]);
    }
    return key;
}

// --scenario ×N: one pass over the rasters, one output folder per scenario.
RunSummary run_scenarios(RunContext& c, const ProgressFn& progress) {
    RunOptions& o = c.o;
    if (o.shard_count > 0 || o.maps)
        throw UsageError("several scenarios go with neither --shard nor --maps: run those once per scenario");
    const std::vector<NamedScenario> scenarios = load_scenarios(o.scenario_files);
    const std::string out_root = o.out;
    o.scenario = scenarios.front().path;
    std::vector<NamedPath> outputs;  // every scenario's outputs, checked against every input first
    for (const auto& sc : scenarios) {
        o.out = (std::filesystem::path(out_root) / sc.name).string();
        for (auto& p : output_paths(o)) outputs.push_back(std::move(p));
    }
    o.out = out_root;
    open_run(c, outputs);
    std::vector<std::unique_ptr<OutputDir>> outs;
    for (const auto& sc : scenarios) {
        outs.push_back(std::make_unique<OutputDir>((std::filesystem::path(out_root) / sc.name).string()));
        for (const auto& p : c.inputs) outs.back()->keep(p.path);
    }
    std::vector<std::string> keys;
    std::vector<const Scenario*> passes;
    std::vector<size_t> pass_of;
    for (const auto& sc : scenarios) {
        const std::string key = kernel_key(sc.scenario, c.in.heat_demand.has_value());
        const auto it = std::find(keys.begin(), keys.end(), key);
        pass_of.push_back(size_t(it - keys.begin()));
        if (it == keys.end()) keys.push_back(key), passes.push_back(&sc.scenario);
    }
    c.timings.open_s = seconds_since(c.t0);
    const auto t1 = std::chrono::steady_clock::now();
    EngineStats stats;
    const int nz = int(c.in.zones.zones().size()), nc = c.in.landuse ? int(c.in.classes->classes().size()) : 0;
    std::vector<ExactZoneSums> sums(passes.size(), ExactZoneSums(nz, nc));
    if (c.in.has_grid) sums = compute_zone_sums(c.in, {o.threads, o.block_size}, passes, progress, stats);
    RunSummary all;
    all.table = fmt::format("{} scenarios in {} kernel pass{} (parameters applied per zone share one: docs/scale-out.md)\n",
                            scenarios.size(), passes.size(), passes.size() == 1 ? "" : "es");
    for (size_t k = 0; k < scenarios.size(); ++k) {
        use_scenario(c.in, scenarios[k].scenario, scenarios[k].set);
        o.scenario = scenarios[k].path;
        o.out = outs[k]->dir();
        c.out = std::move(outs[k]);
        RunSummary s = finish(c, sums[pass_of[k]].rounded(), stats, "", t1);
        all.outputs.insert(all.outputs.end(), s.outputs.begin(), s.outputs.end());
        all.table += fmt::format("scenario {} ({}):\n{}", scenarios[k].name, scenarios[k].path, s.table);
        all.zones = s.zones, all.zones_in_grid = s.zones_in_grid, all.pixels = s.pixels;
        all.pixels_outside = s.pixels_outside, all.blocks = s.blocks, all.blocks_processed = s.blocks_processed;
        all.warnings.insert(all.warnings.end(), s.warnings.begin(), s.warnings.end());
    }
    return all;
}

}  // namespace

RunSummary run(const RunOptions& options, const ProgressFn& progress) {
    RunContext c;
    c.o = options;
    settle(c.o);
    if (c.o.scenario_files.size() > 1) return run_scenarios(c, progress);
    if (c.o.scenario_files.size() == 1) c.o.scenario = c.o.scenario_files.front();
    const bool shard = c.o.shard_count > 0;
    const std::filesystem::path out(c.o.out);
    std::vector<NamedPath> outputs = output_paths(c.o);
    if (shard) outputs = {{"--out", (out / "sums.txt").string()}, {"--out", (out / "run.json").string()}};
    open_run(c, outputs);
    if (shard) return run_shard(c, progress);
    lock_output(c);
    c.timings.open_s = seconds_since(c.t0);
    auto t1 = std::chrono::steady_clock::now();
    EngineStats stats;
    ZoneSums sums(int(c.in.zones.zones().size()));
    if (c.in.has_grid)
        sums = compute_zone_sums(c.in, {c.o.threads, c.o.block_size}, progress, stats, c.maps.get()).rounded();
    return finish(c, sums, stats, "", t1);
}

RunSummary merge(const MergeOptions& m) {
    if (m.parts.empty()) throw UsageError("repot merge needs the shard folders");
    std::vector<ShardRecord> shards;
    for (const auto& folder : m.parts) shards.push_back(read_shard(folder));
    const int n = shards.front().count;
    std::map<int, const ShardRecord*> by_index;
    for (const auto& s : shards) {
        if (s.count != n)
            throw DataError(fmt::format("{}: shard {}/{} is not of the same split as {} ({}/{})", s.folder, s.index,
                                        s.count, shards.front().folder, shards.front().index, n));
        if (auto [it, fresh] = by_index.emplace(s.index, &s); !fresh)
            throw DataError(fmt::format("{}: shard {}/{} is given twice (also {})", s.folder, s.index, n, it->second->folder));
        const ShardFingerprint& a = shards.front().fingerprint;
        const ShardFingerprint& b = s.fingerprint;
        const char* what = a.version != b.version               ? "another repot version"
                           : a.options_sha256 != b.options_sha256 ? "other options or scenario"
                           : a.inputs_sha256 != b.inputs_sha256   ? "other input files (path, size or time differ)"
                           : a.plan_blocks != b.plan_blocks       ? "another block plan"
                                                                  : nullptr;
        if (what) throw DataError(fmt::format("{}: shard of a different run than {}: {}", s.folder, shards.front().folder, what));
    }
    std::string missing;
    for (int i = 1; i <= n; ++i)
        if (!by_index.count(i)) missing += fmt::format("{}{}", missing.empty() ? "" : ", ", i);
    if (!missing.empty()) throw DataError(fmt::format("shards missing: {} of {} (given: {})", missing, n, fmt::join(m.parts, " ")));

    RunContext c;
    c.o = shards.front().options;
    c.o.out = m.out;
    c.o.threads = m.threads;
    c.o.checksums = m.checksums;
    c.o.csv_bom = c.o.csv_bom || m.csv_bom;
    c.o.command_line = m.command_line;
    settle(c.o);
    open_run(c, output_paths(c.o));
    // The inputs must still be the files the shards read.
    if (shard_fingerprint(shards.front().options, c.inputs, shards.front().fingerprint.plan_blocks).inputs_sha256 !=
        shards.front().fingerprint.inputs_sha256)
        throw DataError("the input files changed since the shards ran (path, size or modification time differ)");
    lock_output(c);
    c.timings.open_s = seconds_since(c.t0);
    auto t1 = std::chrono::steady_clock::now();
    const int nz = int(c.in.zones.zones().size()), nc = c.in.landuse ? int(c.in.classes->classes().size()) : 0;
    ExactZoneSums total(nz, nc);
    EngineStats stats = shards.front().stats;
    stats.blocks_processed = 0, stats.roof_above_pixel_px = 0, stats.roof_above_pixel_max = 0;
    JsonWriter list;
    list.begin_array();
    uint64_t expected_first = 0;
    for (const auto& [index, s] : by_index) {
        if (s->range.first != expected_first)
            throw DataError(fmt::format("{}: shard {}/{} starts at block {}, not {}", s->folder, index, n, s->range.first,
                                        expected_first));
        expected_first = s->range.end;
        std::ifstream f(std::filesystem::path(s->folder) / "sums.txt", std::ios::binary);
        std::stringstream text;
        text << f.rdbuf();
        try {
            total.add(ExactZoneSums::from_text(text.str(), nz, nc));
        } catch (const std::runtime_error& e) {
            throw DataError(fmt::format("{}/sums.txt: {}", s->folder, e.what()));
        }
        if (c.maps) c.maps->add_parts(s->folder, zone_plan(c.in, c.o.block_size), s->range.first, s->range.end);
        stats.blocks_processed += s->stats.blocks_processed;
        stats.roof_above_pixel_px += s->stats.roof_above_pixel_px;
        stats.roof_above_pixel_max = std::max(stats.roof_above_pixel_max, s->stats.roof_above_pixel_max);
        list.begin_object().value("index", index).value("folder", s->folder);
        list.value("first_block", (long long)s->range.first).value("end_block", (long long)s->range.end).end_object();
        if (stop_requested_now()) throw Interrupted();
    }
    list.end_array();
    if (expected_first != shards.front().fingerprint.plan_blocks)
        throw DataError(fmt::format("the shards cover blocks 0..{} of a plan of {}", expected_first,
                                    shards.front().fingerprint.plan_blocks));
    return finish(c, total.rounded(), stats, list.str(), t1);
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
