#include "log.hpp"

#include <map>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "repot/json.hpp"
#include "repot/message_text.hpp"

namespace repot::cli {

namespace {
std::atomic<LogFormat> g_format{LogFormat::text};
std::mutex g_write;

const char* level_name(LogLevel level) {
    switch (level) {
        case LogLevel::warning: return "warning";
        case LogLevel::error: return "error";
        default: return "info";
    }
}

void write_stderr(const std::string& line) {
    std::lock_guard<std::mutex> lock(g_write);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}
}  // namespace

void set_log_format(LogFormat format) { g_format = format; }
LogFormat log_format() { return g_format; }

// Strings are shown as in text messages (escape_for_message: control characters and bytes that are not
// UTF-8 escaped), so every line is valid JSON and a message reads the same in both formats.
LogField::LogField(std::string k, std::string_view value)
    : key(std::move(k)), json(json_string(escape_for_message(value))) {}
LogField::LogField(std::string k, bool value) : key(std::move(k)), json(value ? "true" : "false") {}
LogField::LogField(std::string k, double value)
    : key(std::move(k)), json(std::isfinite(value) ? fmt::format("{}", value) : std::string("null")) {}
LogField::LogField(std::string k, double value, int decimals)
    : key(std::move(k)), json(std::isfinite(value) ? fmt::format("{:.{}f}", value, decimals) : std::string("null")) {}

std::string utc_now() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
    const std::time_t secs = std::time_t(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, ((ms % 1000) + 1000) % 1000);
}

std::string log_line(std::string_view time, LogLevel level, std::string_view event, const std::vector<LogField>& fields) {
    std::string line = fmt::format("{{\"time\": {}, \"level\": \"{}\", \"event\": {}", json_string(std::string(time)),
                                   level_name(level), json_string(std::string(event)));
    for (const LogField& f : fields) line += fmt::format(", {}: {}", json_string(f.key), f.json);
    return line + "}\n";
}

void log_event(LogLevel level, std::string_view event, const std::vector<LogField>& fields) {
    if (!json_log()) return;
    write_stderr(log_line(utc_now(), level, event, fields));
}

void log_error(const std::string& message, int exit_code) {
    if (json_log()) log_event(LogLevel::error, "error", {{"message", message}, {"exit_code", exit_code}});
    else write_stderr("repot: error: " + escape_for_message(message) + "\n");
}

void log_interrupted(int exit_code) {
    const std::string message = "interrupted; nothing was written";
    if (json_log()) log_event(LogLevel::error, "interrupted", {{"message", message}, {"exit_code", exit_code}});
    else write_stderr("repot: " + message + "\n");
}

void log_usage_error(const std::string& message, int exit_code) {
    log_event(LogLevel::error, "usage_error", {{"message", message}, {"exit_code", exit_code}});
}

void print_written(const std::vector<std::string>& files) {
    std::map<std::string, std::pair<int, int>> pages;  // report folder -> pages, PDFs
    for (const auto& f : files) {
        const auto slash = f.rfind('/');
        const std::string dir = slash == std::string::npos ? "" : f.substr(0, slash + 1);
        const std::string name = f.substr(dir.size());
        const bool page = dir.size() >= 7 && dir.compare(dir.size() - 7, 7, "report/") == 0 && name != "index.html";
        if (!page) {
            std::printf("wrote %s\n", f.c_str());
            continue;
        }
        auto& [html, pdf] = pages[dir];
        (name.size() > 4 && name.compare(name.size() - 4, 4, ".pdf") == 0 ? pdf : html) += 1;
    }
    for (const auto& [dir, n] : pages)
        std::printf("wrote %d pages%s in %s\n", n.first, n.second ? fmt::format(" and {} PDFs", n.second).c_str() : "",
                    dir.c_str());
}

}  // namespace repot::cli
