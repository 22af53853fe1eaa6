#include <cpl_progress.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>

#include "commands.hpp"
#include "input_flags.hpp"
#include "log.hpp"
#include "repot/run.hpp"
#include "../report/report.hpp"
#include "validators.hpp"

namespace repot::cli {

namespace {

// GDAL's "0...10...20...100 - done." bar on a terminal; `progress` events (each whole percent once) with
// --log-format json; nothing with -q.
ProgressFn make_progress(bool quiet) {
    if (quiet) return {};
    if (json_log())
        return [last = -1](double f) mutable {
            int pct = int(f * 100);
            if (pct == last) return;
            last = pct;
            log_event(LogLevel::info, "progress", {{"fraction", pct / 100.0, 2}});
        };
    if (!isatty(fileno(stderr))) return {};
    return [](double f) { GDALTermProgress(f, nullptr, nullptr); };
}

}  // namespace

void add_run_command(CLI::App& root, Action& action) {
    auto o = std::make_shared<RunOptions>();
    auto quiet = std::make_shared<bool>(false);
    auto report = std::make_shared<bool>(false);
    auto shard = std::make_shared<std::string>();
    auto scenario_dir = std::make_shared<std::string>();
    auto report_options = std::make_shared<ReportOptions>();
    CLI::App* cmd = root.add_subcommand("run", "Survey the potential of every zone and write CSV reports and run.json");
    add_input_flags(cmd, *o);
    cmd->add_option("--scenario", o->scenario_files,
                    "Scenario parameters, TOML (see `repot params`); repeat it to survey several scenarios in one pass "
                    "into --out/<name>/");
    cmd->add_option("--scenarios", *scenario_dir, "A folder of scenario files (*.toml): as --scenario for each")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--threads", o->threads, "Worker threads (default: all cores)")->check(whole_number(0, std::numeric_limits<int>::max(), "0 (all cores) or more"));
    cmd->add_option("--block-size", o->block_size,
                    "Pixels per block side: the unit of reads and of the plan, never of a result (memory per thread ~ 20 MB "
                    "plus 16 MB of GDAL block cache)")
        ->check(whole_number(16, 4096, "16..4096"));
    cmd->add_flag("--transposition-per-pixel", o->transposition_per_pixel,
                  "Transpose flat-roof panels at every pixel from its interpolated GHI (the slower reference the "
                  "default, per source cell of the GHI, is tested against: docs/method.md section 10)");
    cmd->add_flag("--strict", o->strict, "Every warning is an error (exit 1): repaired geometries, overlaps, partial members...");
    cmd->add_flag("--no-checksum", [o](int64_t) { o->checksums = false; }, "Skip the SHA-256 of inputs in run.json");
    cmd->add_flag("--maps", o->maps,
                  "Also write maps/*.tif (Cloud-Optimized GeoTIFFs per source, zones.tif), maps/overview.png and "
                  "municipalities.gpkg");
    cmd->add_option("--map-res", o->map_res,
                    "Map pixel size in metres, a whole multiple of the grid's: pixels summed (default: the grid's)")
        ->check(positive_number())
        ->needs("--maps");
    cmd->add_flag("--csv-bom", o->csv_bom, "Start every CSV with a UTF-8 BOM (Excel then shows Japanese names right)");
    cmd->add_option("--facilities", o->facilities,
                    "Facility layer (points or polygons with a category: station, public_facility, ...) counted per zone "
                    "into facilities.csv for the smart-community indicators");
    cmd->add_option("--facility-category-field", o->facility_category_field,
                    "Field of --facilities holding the category (default: category)")
        ->needs("--facilities");
    cmd->add_option("--shard", *shard,
                    "Compute only shard I of N (1 <= I <= N) into --out; `repot merge` joins the N folders (docs/scale-out.md)")
        ->check(shard_spec());
    cmd->add_flag("--skip-existing", o->skip_existing, "With --shard: exit 0 at once when --out holds this shard finished")
        ->needs("--shard");
    cmd->add_flag("--report", *report, "Then write the report (as `repot report DIR`) into --out");
    add_report_flags(cmd, *report_options);
    cmd->add_option("--out", o->out, "Output folder (created if missing)")->required();
    cmd->add_flag("-q,--quiet", *quiet, "No progress or summary on the terminal");
    cmd->add_flag_callback("--progress-json", [] { set_log_format(LogFormat::json); },
                           "Progress as JSON lines on stderr: the same as `repot --log-format json run`");
    action = nullptr;
    cmd->callback([&action, o, quiet, report, report_options, shard, scenario_dir] {
        if (!scenario_dir->empty()) {  // its *.toml files, in name order
            std::vector<std::string> found;
            for (const auto& e : std::filesystem::directory_iterator(*scenario_dir))
                if (e.path().extension() == ".toml") found.push_back(e.path().string());
            if (found.empty()) throw CLI::ValidationError("--scenarios", *scenario_dir + " holds no *.toml file");
            std::sort(found.begin(), found.end());
            o->scenario_files.insert(o->scenario_files.end(), found.begin(), found.end());
        }
        if (!shard->empty()) {
            std::sscanf(shard->c_str(), "%d/%d", &o->shard_index, &o->shard_count);
            if (*report)
                throw CLI::ValidationError("--shard", "--report belongs to the merged run: run `repot report` on the "
                                                      "folder `repot merge` writes");
        }
        action = [o, quiet, report, report_options] {
            o->command_line = invocation();
            RunSummary s = run(*o, make_progress(*quiet));
            for (const auto& w : s.warnings) log_event(LogLevel::warning, "warning", {{"message", w}});
            if (o->shard_count > 0) {
                for (const auto& f : s.outputs) log_event(LogLevel::info, "wrote", {{"path", f}});
                log_event(LogLevel::info, "summary",
                          {{"index", o->shard_index}, {"count", o->shard_count}, {"skipped", s.skipped},
                           {"blocks", s.blocks}, {"blocks_read", s.blocks_processed}});
                if (*quiet) return 0;
                if (s.skipped) std::printf("shard %d/%d: already finished in %s\n", o->shard_index, o->shard_count, o->out.c_str());
                else std::printf("shard %d/%d: %lld blocks computed into %s\n", o->shard_index, o->shard_count, s.blocks,
                                 o->out.c_str());
                return 0;
            }
            for (const auto& f : s.outputs) log_event(LogLevel::info, "wrote", {{"path", f}});
            if (*report) {  // a second transaction on the finished folder, as `repot report` would do
                report_options->dir = o->out;
                report_options->csv_bom = o->csv_bom;
                const auto files = write_report(*report_options, stop_requested_now);
                for (const auto& f : files) log_event(LogLevel::info, "wrote", {{"path", f}});
                s.outputs.insert(s.outputs.end(), files.begin(), files.end());
            }
            log_event(LogLevel::info, "summary",
                      {{"zones", s.zones}, {"zones_in_grid", s.zones_in_grid}, {"pixels", s.pixels},
                       {"pixels_outside", s.pixels_outside}, {"blocks", s.blocks}, {"blocks_read", s.blocks_processed}});
            if (!*quiet) {
                std::fputs(s.table.c_str(), stdout);
                std::printf("%d zones (%d on the grid), %lld pixels (%lld outside every zone), %lld of %lld blocks read\n",
                            s.zones, s.zones_in_grid, s.pixels, s.pixels_outside, s.blocks_processed, s.blocks);
                print_written(s.outputs);
            }
            return 0;
        };
    });
}

}  // namespace repot::cli
