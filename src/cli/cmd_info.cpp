#include <memory>

#include "commands.hpp"
#include "input_flags.hpp"
#include "repot/run.hpp"

namespace repot::cli {

void add_info_command(CLI::App& root, Action& action) {
    auto o = std::make_shared<RunOptions>();
    CLI::App* cmd = root.add_subcommand("info", "Check the inputs and show the grid, layers and what a run computes");
    add_input_flags(cmd, *o);
    cmd->add_option("--scenario", o->scenario, "Scenario parameters, TOML (see `repot params`)");
    cmd->callback([&action, o] {
        action = [o] {
            std::fputs(describe_inputs(*o).c_str(), stdout);
            return 0;
        };
    });
}

}  // namespace repot::cli
