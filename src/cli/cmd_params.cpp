#include <memory>

#include "commands.hpp"
#include "repot/landuse.hpp"
#include "repot/scenario.hpp"

namespace repot::cli {

void add_params_command(CLI::App& root, Action& action) {
    auto scenario_file = std::make_shared<std::string>();
    auto classes = std::make_shared<bool>(false);
    CLI::App* cmd = root.add_subcommand("params", "Print the scenario (defaults, or a file merged over them) as TOML");
    cmd->add_option("--scenario", *scenario_file, "Show this scenario file merged over the defaults");
    cmd->add_flag("--landuse-classes", *classes, "Print the default land-use class table (CSV) instead");
    cmd->callback([&action, scenario_file, classes] {
        action = [scenario_file, classes] {
            if (*classes) {
                std::fputs(LandUseTable::l03b_default_csv(), stdout);
                return 0;
            }
            Scenario s;
            if (!scenario_file->empty()) load_scenario(*scenario_file, s);
            std::fputs(scenario_to_toml(s).c_str(), stdout);
            return 0;
        };
    });
}

}  // namespace repot::cli
