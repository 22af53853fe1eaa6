#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "repot/landuse.hpp"
#include "repot/scenario.hpp"

namespace repot::cli {

namespace {

// A built-in table prints its own text (with its leading "# ... assumptions" comment line); a file is
// checked by the parser first, then printed as it is, so the output can be fed back to --landuse-classes.
void print_class_table(const std::string& spec) {
    LandUseTable table = LandUseTable::select(spec);  // validates; throws on a bad file or name
    if (table.is_builtin()) {
        std::fputs(LandUseTable::builtin_csv(spec), stdout);
        return;
    }
    std::ifstream in(spec, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::fputs(ss.str().c_str(), stdout);
}

}  // namespace

void add_params_command(CLI::App& root, Action& action) {
    auto scenario_file = std::make_shared<std::string>();
    auto classes = std::make_shared<std::string>();
    CLI::App* cmd = root.add_subcommand("params", "Print the scenario (defaults, or a file merged over them) as TOML");
    cmd->add_option("--scenario", *scenario_file, "Show this scenario file merged over the defaults");
    // Optional value: `--landuse-classes` alone keeps meaning the default table, as before.
    CLI::Option* classes_opt =
        cmd->add_option("--landuse-classes", *classes,
                        "Print a land-use class table (CSV) instead: builtin:l03b (default), builtin:jaxa or FILE")
            ->expected(0, 1);
    cmd->callback([&action, scenario_file, classes, classes_opt] {
        const bool print_classes = classes_opt->count() > 0;
        action = [scenario_file, classes, print_classes] {
            if (print_classes) {
                print_class_table(classes->empty() ? LandUseTable::default_id : *classes);
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
