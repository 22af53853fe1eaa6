// repot: renewable-energy potential per municipality. This file only parses the command line,
// dispatches to one subcommand and maps errors to exit codes (0 ok, 1 data, 2 usage, 130 interrupted).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <cpl_error.h>
#include <gdal.h>
#include <csignal>
#include <cstdio>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "commands.hpp"
#include "repot/error.hpp"
#include "repot/prepare.hpp"
#include "repot/message_text.hpp"
#include "repot/run.hpp"
#include "repot/version.hpp"

std::vector<std::string>& repot::cli::invocation() {
    static std::vector<std::string> args;
    return args;
}

namespace {
extern "C" void on_signal(int) {
    repot::request_stop();
    repot::request_prepare_stop();
}

// Every error is one line, whatever the message holds: a GDAL message of several lines, or file
// content that a message quoted without quote_for_message, is escaped here as a last resort.
void print_error(const char* what) {
    std::fprintf(stderr, "repot: error: %s\n", repot::escape_for_message(what).c_str());
}
}  // namespace

int main(int argc, char** argv) {
#if defined(__GLIBC__)
    // GDAL's cache blocks and the engine's per-window arrays (about 1 MB each) are freed and allocated
    // again for every window. With glibc's defaults freed memory goes back to the system and comes back
    // as fresh pages the kernel must clear (7 % of a 65 Mpx profile, 49,000 → 21,000 page faults);
    // keeping it costs no more than the peak.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    GDALAllRegister();
    // Errors reach the user once, through our own one-line message, not GDAL's stderr handler too.
    CPLSetErrorHandler(CPLQuietErrorHandler);
    repot::cli::invocation().assign(argv, argv + argc);
    CLI::App app{"repot: theoretical, technical and usable renewable-energy potential per municipality"};
    app.require_subcommand(1);
    // Usage errors read like every other error: one line, prefixed, pointing at --help.
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return "repot: error: " + repot::escape_for_message(e.what()) + " (see --help)\n";
    });
    app.set_version_flag("--version", [] { return repot::version_text(); });

    repot::cli::Action action;
    repot::cli::add_run_command(app, action);
    repot::cli::add_info_command(app, action);
    repot::cli::add_params_command(app, action);
    repot::cli::add_prepare_command(app, action);
    repot::cli::add_report_command(app, action);
    repot::cli::add_merge_command(app, action);
    repot::cli::add_diff_command(app, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return static_cast<int>(repot::ExitCode::usage);
    }
    try {
        return action();
    } catch (const repot::Interrupted&) {
        std::fprintf(stderr, "repot: interrupted; nothing was written\n");
        return static_cast<int>(repot::ExitCode::interrupted);
    } catch (const repot::UsageError& e) {
        print_error(e.what());
        return static_cast<int>(repot::ExitCode::usage);
    } catch (const std::exception& e) {
        print_error(e.what());
        return static_cast<int>(repot::ExitCode::data);
    }
}
