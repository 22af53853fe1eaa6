#include <limits>
#include <memory>

#include "commands.hpp"
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
    cmd->add_flag("-q,--quiet", *quiet, "No summary on the terminal");
    cmd->callback([&action, o, quiet] {
        action = [o, quiet] {
            o->command_line = invocation();
            const RunSummary s = merge(*o);
            if (!*quiet) {
                std::fputs(s.table.c_str(), stdout);
                for (const auto& f : s.outputs) std::printf("wrote %s\n", f.c_str());
            }
            return 0;
        };
    });
}

}  // namespace repot::cli
