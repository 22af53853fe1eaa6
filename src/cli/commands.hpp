#pragma once
// Each subcommand lives in its own file and registers itself on the root app.
// The returned action runs after parsing succeeded; it returns the exit code.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace repot {
struct ReportOptions;
}

namespace repot::cli {

using Action = std::function<int()>;

// The command line as typed, for the run manifest.
std::vector<std::string>& invocation();

// --lang, --pdf and --smart-community-rules, shared by `report` and `run --report`.
void add_report_flags(CLI::App* cmd, ReportOptions& o);

// Each add_* creates the subcommand, binds its flags and sets `action` to run it when chosen.
void add_run_command(CLI::App& root, Action& action);
void add_info_command(CLI::App& root, Action& action);
void add_params_command(CLI::App& root, Action& action);
void add_prepare_command(CLI::App& root, Action& action);
void add_report_command(CLI::App& root, Action& action);
void add_merge_command(CLI::App& root, Action& action);
void add_diff_command(CLI::App& root, Action& action);  // returns 3 when the runs differ

}  // namespace repot::cli
