#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "../diff/diff.hpp"
#include "commands.hpp"
#include "repot/message_text.hpp"
#include "repot/text_table.hpp"

namespace repot::cli {

namespace {

// Exit code of `repot diff` when the runs differ: 1 and 2 already mean bad input and usage, so a
// pipeline can tell "changed" from "could not compare".
constexpr int kChanged = 3;

CLI::Validator non_negative_number() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const auto v = parse_finite(text);
            if (v && *v >= 0) return {};
            return fmt::format("must be a number >= 0, found {}", quote_for_message(text));
        },
        ">= 0", "non-negative number");
}

}  // namespace

void add_diff_command(CLI::App& root, Action& action) {
    auto o = std::make_shared<DiffOptions>();
    auto format = std::make_shared<std::string>("text");
    CLI::App* cmd = root.add_subcommand(
        "diff", "Compare two run folders: every cell changed beyond a tolerance (exit 0 none, 3 some)");
    cmd->add_option("A", o->a, "The earlier `repot run --out` folder")->required();
    cmd->add_option("B", o->b, "The later one")->required();
    cmd->add_option("--tolerance", o->rel_tol, "Relative tolerance of numbers (default 1e-9)")
        ->check(non_negative_number());
    cmd->add_option("--abs-tolerance", o->abs_tol, "Absolute tolerance of numbers (default 0)")
        ->check(non_negative_number());
    cmd->add_option("--format", *format, "text (one line per change) or json (one document)")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--files", o->files,
                    "Comma-separated CSVs to compare (default: potential.csv, potential_monthly.csv, plants.csv, "
                    "landcover.csv where the runs have them)")
        ->delimiter(',')
        ->check(CLI::IsMember(diff_known_files()));
    cmd->callback([&action, o, format] {
        action = [o, format] {
            const DiffResult r = compare_runs(*o);
            std::fputs((*format == "json" ? diff_json(r) : diff_text(r)).c_str(), stdout);
            return r.changes.empty() ? 0 : kChanged;
        };
    });
}

}  // namespace repot::cli
