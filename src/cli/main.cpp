// repot: renewable-energy potential per municipality. This file only parses the command line,
// dispatches to one subcommand and maps errors to exit codes (0 ok, 1 data, 2 usage, 130 interrupted),
// reported on stderr as text or, with --log-format json, as JSON lines (log.hpp).
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
#include "log.hpp"
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

// The format asked for on a command line that did not parse: --log-format json (or =json) or run's
// --progress-json anywhere before a lone "--" (the usage error is then a JSON line too).
repot::cli::LogFormat format_in_args(int argc, char** argv) {
    using repot::cli::LogFormat;
    LogFormat f = LogFormat::text;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--") break;
        if (a == "--progress-json") f = LogFormat::json;
        else if (a == "--log-format=json" || (a == "--log-format" && i + 1 < argc && std::string(argv[i + 1]) == "json"))
            f = LogFormat::json;
        else if (a == "--log-format=text" || (a == "--log-format" && i + 1 < argc && std::string(argv[i + 1]) == "text"))
            f = LogFormat::text;
    }
    return f;
}

// The subcommand chosen, as typed: "run", "prepare roofs".
std::string command_path(const CLI::App& app) {
    std::string path;
    for (const CLI::App* a = &app; !a->get_subcommands().empty();) {
        a = a->get_subcommands().front();
        path += (path.empty() ? "" : " ") + a->get_name();
    }
    return path;
}
}  // namespace

int main(int argc, char** argv) {
#if defined(__GLIBC__)
    // GDAL's cache blocks and the engine's per-window arrays (about 1 MB each) are freed and allocated
    // again for every window. With glibc's defaults freed memory goes back to the system and comes back
    // as fresh pages the kernel must clear (7 % of a 65 Mpx profile, 49,000 → 21,000 page faults);
    // keeping it costs no more than the peak. Arrays above 4 MB (a 12-band layer's window on the grid,
    // 25 MB) are still mapped and returned: kept in the heap they fragmented it (65 Mpx with 12 bands on
    // the grid: 243 → 203 MiB on 2 threads, 359 → 308 MiB on 4).
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
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
    // Global, before or after the subcommand: subcommands hand flags they do not know to the root app
    // (fallthrough is inherited by the subcommands added below).
    std::string log_format = "text";
    app.add_option("--log-format", log_format, "Messages on stderr: text (default) or json (one JSON object per line)")
        ->check(CLI::IsMember({"text", "json"}))
        ->configurable(false);
    app.fallthrough();

    repot::cli::Action action;
    repot::cli::add_run_command(app, action);
    repot::cli::add_info_command(app, action);
    repot::cli::add_params_command(app, action);
    repot::cli::add_prepare_command(app, action);
    repot::cli::add_report_command(app, action);
    repot::cli::add_merge_command(app, action);
    repot::cli::add_diff_command(app, action);

    using repot::cli::LogLevel;
    const int usage = static_cast<int>(repot::ExitCode::usage);
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        repot::cli::set_log_format(format_in_args(argc, argv));
        if (repot::cli::json_log()) repot::cli::log_usage_error(e.what(), usage);
        else app.exit(e);
        return usage;
    }
    // run --progress-json has set json already.
    if (log_format == "json") repot::cli::set_log_format(repot::cli::LogFormat::json);
    repot::cli::log_event(LogLevel::info, "started", {{"command", command_path(app)}, {"version", REPOT_VERSION}});
    // Every error is one line, whatever the message holds: a GDAL message of several lines, or file
    // content that a message quoted without quote_for_message, is escaped by log_error as a last resort.
    try {
        return action();
    } catch (const repot::Interrupted&) {
        repot::cli::log_interrupted(static_cast<int>(repot::ExitCode::interrupted));
        return static_cast<int>(repot::ExitCode::interrupted);
    } catch (const repot::UsageError& e) {
        repot::cli::log_error(e.what(), usage);
        return usage;
    } catch (const std::exception& e) {
        repot::cli::log_error(e.what(), static_cast<int>(repot::ExitCode::data));
        return static_cast<int>(repot::ExitCode::data);
    }
}
