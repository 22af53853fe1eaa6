#include <limits>
#include <memory>

#include "commands.hpp"
#include "log.hpp"
#include "repot/run.hpp"
#include "validators.hpp"

namespace repot::cli {

void add_merge_command(CLI::App& root, Action& action) {
    auto o = std::make_shared<MergeOptions>();
    auto quiet = std::make_shared<bool>(false);
    CLI::App* cmd = root.add_subcommand(
        "merge", "Join the folders of `repot run --shard I/N` into the outputs of the whole run (docs/scale-out.md)");
    cmd->add_option("PARTS", o->parts, "The N shard folders, in any order")->required();
    cmd->add_option("--out", o->out, "Output folder (created if missing)")->required();
    cmd->add_option("--threads", o->threads, "Threads for the maps and checksums (default: all cores)")
        ->check(whole_number(0, std::numeric_limits<int>::max(), "0 (all cores) or more"));
    cmd->add_flag("--no-checksum", [o](int64_t) { o->checksums = false; }, "Skip the SHA-256 of inputs in run.json");
    cmd->add_flag("--csv-bom", o->csv_bom, "Start every CSV with a UTF-8 BOM (as run --csv-bom; on when the shards had it)");
    cmd->add_flag("-q,--quiet", *quiet, "No summary on the terminal");
    cmd->callback([&action, o, quiet] {
        action = [o, quiet] {
            o->command_line = invocation();
            const RunSummary s = merge(*o);
            for (const auto& w : s.warnings) log_event(LogLevel::warning, "warning", {{"message", w}});
            for (const auto& f : s.outputs) log_event(LogLevel::info, "wrote", {{"path", f}});
            log_event(LogLevel::info, "summary",
                      {{"zones", s.zones}, {"zones_in_grid", s.zones_in_grid}, {"pixels", s.pixels},
                       {"pixels_outside", s.pixels_outside}, {"blocks", s.blocks}, {"blocks_read", s.blocks_processed}});
            if (!*quiet) {
                std::fputs(s.table.c_str(), stdout);
                print_written(s.outputs);
            }
            return 0;
        };
    });
}

}  // namespace repot::cli
