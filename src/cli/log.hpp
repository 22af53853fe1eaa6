#pragma once
// What the command line says on stderr, in one of two formats (--log-format, a global flag):
//   text  the human messages each command prints itself (progress bar on a terminal, `repot: error: ...`);
//         log_event writes nothing, so text output is unchanged;
//   json  every message is one JSON object per line, {"time", "level", "event", ...fields}, and nothing
//         else goes to stderr (the commands check json_log() and log events instead of printing).
// Events: started, progress, warning, wrote, summary, error, interrupted, usage_error (README, "Logs").
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace repot::cli {

enum class LogFormat { text, json };
enum class LogLevel { info, warning, error };

// The format of this process, set by main (and by `run --progress-json`, which implies json); text by default.
void set_log_format(LogFormat format);
LogFormat log_format();
inline bool json_log() { return log_format() == LogFormat::json; }

// One field of an event: its key and its value written as JSON (strings through json_string, made valid
// UTF-8 first; numbers as they print).
struct LogField {
    LogField(std::string key, std::string_view value);
    LogField(std::string key, const char* value) : LogField(std::move(key), std::string_view(value)) {}
    LogField(std::string key, bool value);
    LogField(std::string key, double value);
    LogField(std::string key, double value, int decimals);  // fixed decimals: 0.50, 1.00
    template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
    LogField(std::string key, T value) : key(std::move(key)), json(std::to_string(value)) {}

    std::string key;
    std::string json;
};

// With json: one line on stderr, written whole (safe from worker threads). With text: nothing.
void log_event(LogLevel level, std::string_view event, const std::vector<LogField>& fields = {});

// The JSON line of an event at `time` (an ISO 8601 UTC timestamp), with its newline.
std::string log_line(std::string_view time, LogLevel level, std::string_view event, const std::vector<LogField>& fields);
// Now as 2026-12-03T08:00:00.123Z.
std::string utc_now();

// The messages main prints in both formats. `message` is shown as given (already one line).
void log_error(const std::string& message, int exit_code);        // text: repot: error: <message>
void log_interrupted(int exit_code);                              // text: repot: interrupted; nothing was written
void log_usage_error(const std::string& message, int exit_code);  // json only: text goes through CLI11's failure_message

// "wrote <path>" on stdout for each file, the report's per-municipality pages as one line per folder
// (a run with --report writes a page per zone: 62 lines would hide the rest).
void print_written(const std::vector<std::string>& files);

}  // namespace repot::cli
