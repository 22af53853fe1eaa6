#pragma once
// Errors that carry what the user must do, and map to the exit codes of the command line:
// 1 data/runtime error, 2 usage error.
#include <stdexcept>
#include <string>

namespace repot {

enum class ExitCode : int { ok = 0, data = 1, usage = 2, interrupted = 130 };

// A problem with the input data or the environment (missing file, no CRS, NaN values...).
struct DataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A problem with how repot was called (conflicting flags, malformed values).
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The run was stopped by the user (SIGINT/SIGTERM); nothing was written.
struct Interrupted : std::runtime_error {
    Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace repot
