#pragma once
#include <CLI/CLI.hpp>

#include "repot/run.hpp"

namespace repot::cli {

// The input flags `run` and `info` share.
void add_input_flags(CLI::App* cmd, RunOptions& o);

}  // namespace repot::cli
