// --log-format text|json (README, "Commands" and "Exit codes"): with json every line on stderr is one
// JSON object {"time", "level", "event", ...} and nothing else goes there; stdout is unchanged; text
// (the default) is today's output; run --progress-json is the same as --log-format json.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <thread>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

struct Event {
    std::string line;
    Json json;
    std::string event() const { return json.at("event").str; }
    std::string level() const { return json.at("level").str; }
};

// Every line of stderr as an event; fails the test when a line is not one JSON object with a UTC time
// to the millisecond, a known level and an event.
std::vector<Event> events_of(const CommandResult& r) {
    static const std::regex time_re(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
    std::vector<Event> out;
    for (const auto& line : lines_of(r.err)) {
        INFO("stderr line: ", line);
        Json j;
        REQUIRE_NOTHROW(j = parse_json(line));
        REQUIRE(j.kind == Json::object);
        REQUIRE(j.find("time"));
        REQUIRE(j.find("level"));
        REQUIRE(j.find("event"));
        CHECK(j.members[0].first == "time");  // time, level, event first, then the fields
        CHECK(j.members[1].first == "level");
        CHECK(j.members[2].first == "event");
        CHECK(std::regex_match(j.at("time").str, time_re));
        const std::string level = j.at("level").str;
        CHECK((level == "info" || level == "warning" || level == "error"));
        out.push_back({line, j});
    }
    return out;
}

std::vector<Event> named(const std::vector<Event>& events, const std::string& name) {
    std::vector<Event> out;
    for (const auto& e : events)
        if (e.event() == name) out.push_back(e);
    return out;
}

std::vector<std::string> wrote_on_stdout(const std::string& out) {
    std::vector<std::string> paths;
    for (const auto& l : lines_of(out))
        if (l.rfind("wrote ", 0) == 0) paths.push_back(l.substr(6));
    return paths;
}

// The tiny case's stdout with the output folder replaced, for comparing runs into two folders.
std::string without_folder(std::string text, const std::string& folder) {
    for (size_t at; (at = text.find(folder)) != std::string::npos;) text.replace(at, folder.size(), "OUT");
    return text;
}

// Checks the events of a successful `run` of the tiny case in 3 blocks.
void check_run_events(const CommandResult& r, const std::string& out) {
    const auto events = events_of(r);
    REQUIRE_FALSE(events.empty());
    CHECK(events.front().event() == "started");
    CHECK(events.front().json.at("command").str == "run");
    CHECK_FALSE(events.front().json.at("version").str.empty());
    const auto progress = named(events, "progress");
    CHECK(progress.size() >= 2);
    double last = -1;
    for (const auto& p : progress) {
        const double f = p.json.at("fraction").num;
        CHECK(f >= 0);
        CHECK(f <= 1);
        CHECK(f > last);  // each fraction once, rising
        last = f;
        CHECK(p.level() == "info");
        CHECK(std::regex_search(p.line, std::regex(R"("fraction": [01]\.\d\d\})")));  // as --progress-json printed it
    }
    CHECK(last == 1);
    // One `wrote` per output, the files the run printed on stdout and wrote.
    std::vector<std::string> wrote;
    for (const auto& e : named(events, "wrote")) wrote.push_back(e.json.at("path").str);
    CHECK(wrote.size() >= 4);
    CHECK(wrote == wrote_on_stdout(r.out));
    for (const auto& p : wrote) {
        INFO(p);
        CHECK(fs::exists(p));
    }
    bool csv = false;
    for (const auto& p : wrote) csv = csv || p == (fs::path(out) / "potential.csv").string();
    CHECK(csv);
    const auto summary = named(events, "summary");
    REQUIRE(summary.size() == 1);
    CHECK(events.back().event() == "summary");
    const Json& s = summary[0].json;
    CHECK(s.at("zones").num == 3);
    CHECK(s.at("zones_in_grid").num == 2);
    CHECK(s.at("pixels").num == 480);
    CHECK(s.at("pixels_outside").num == 316);
    CHECK(s.at("blocks").num == 3);
    CHECK(s.at("blocks_read").num >= 1);
    CHECK(named(events, "error").empty());
    CHECK(named(events, "warning").empty());
}

}  // namespace

TEST_CASE("cli log: --log-format json before the subcommand: every stderr line an event, stdout unchanged") {
    TinyCase tc;
    TempDir work("log");
    auto text_args = tc.run_args(work / "text");
    text_args.insert(text_args.end(), {"--block-size", "16", "--threads", "1"});
    const auto text = run_repot(text_args);
    REQUIRE(text.code == 0);

    auto args = tc.run_args(work / "json");
    args.insert(args.begin(), {"--log-format", "json"});
    args.insert(args.end(), {"--block-size", "16", "--threads", "1"});
    const auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    check_run_events(r, work / "json");
    CHECK(without_folder(r.out, work / "json") == without_folder(text.out, work / "text"));
}

TEST_CASE("cli log: --log-format json after the subcommand, --log-format=json, with -q") {
    TinyCase tc;
    TempDir work("log");
    SUBCASE("after the subcommand") {
        auto args = tc.run_args(work / "out");
        args.insert(args.end(), {"--block-size", "16", "--log-format", "json"});
        const auto r = run_repot(args);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        check_run_events(r, work / "out");
    }
    SUBCASE("--log-format=json") {
        auto args = tc.run_args(work / "out");
        args.insert(args.end(), {"--block-size", "16", "--log-format=json"});
        const auto r = run_repot(args);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        check_run_events(r, work / "out");
    }
    SUBCASE("-q: nothing on stdout, no progress; the log keeps started, wrote and summary") {
        auto args = tc.run_args(work / "out");
        args.insert(args.end(), {"--block-size", "16", "--log-format", "json", "-q"});
        const auto r = run_repot(args);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        CHECK(r.out.empty());
        const auto events = events_of(r);
        CHECK(named(events, "progress").empty());
        CHECK(named(events, "started").size() == 1);
        CHECK(named(events, "wrote").size() >= 4);
        CHECK(named(events, "summary").size() == 1);
    }
}

TEST_CASE("cli log: --progress-json still gives JSON progress lines (as --log-format json)") {
    TinyCase tc;
    TempDir work("log");
    auto args = tc.run_args(work / "out");
    args.insert(args.end(), {"--block-size", "16", "--progress-json"});
    const auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    check_run_events(r, work / "out");
}

TEST_CASE("cli log: the default text format is unchanged") {
    TinyCase tc;
    TempDir work("log");
    SUBCASE("a run: nothing on stderr off a terminal") {
        auto args = tc.run_args(work / "out");
        args.insert(args.end(), {"--block-size", "16"});
        const auto r = run_repot(args);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        CHECK(r.err.empty());
        CHECK(contains(r.out, "3 zones (2 on the grid), 480 pixels (316 outside every zone), "));
        CHECK(wrote_on_stdout(r.out).size() >= 4);
    }
    SUBCASE("--log-format text is the default") {
        auto args = tc.run_args(work / "out");
        args.insert(args.begin(), {"--log-format", "text"});
        const auto r = run_repot(args);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        CHECK(r.err.empty());
    }
    SUBCASE("an error: one text line, no JSON") {
        write_text(tc.roof, "not a raster\n");
        const auto r = run_repot(tc.run_args(work / "out"));
        INFO(describe(r));
        CHECK(r.code == 1);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].rfind("repot: error: ", 0) == 0);
        CHECK(contains(lines[0], tc.roof));
        CHECK_FALSE(contains(r.err, "{"));
    }
    SUBCASE("a usage error: CLI11's line") {
        auto args = tc.run_args(work / "out");
        args.insert(args.end(), {"--block-size", "3"});
        const auto r = run_repot(args);
        INFO(describe(r));
        CHECK(r.code == 2);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].rfind("repot: error: ", 0) == 0);
        CHECK(contains(lines[0], "(see --help)"));
    }
}

TEST_CASE("cli log: a bad input is one error event with exit code 1 naming the file, nothing else") {
    TinyCase tc;
    TempDir work("log");
    write_text(tc.roof, "not a raster\n");
    auto args = tc.run_args(work / "out");
    args.insert(args.begin(), {"--log-format", "json"});
    const auto r = run_repot(args);
    INFO(describe(r));
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(files_in(work.path() / "out").empty());
    const auto events = events_of(r);
    // started, then the error: no progress, no GDAL text, no other event.
    REQUIRE(events.size() == 2);
    CHECK(events[0].event() == "started");
    const auto errors = named(events, "error");
    REQUIRE(errors.size() == 1);
    CHECK(events[1].event() == "error");
    CHECK(errors[0].level() == "error");
    CHECK(errors[0].json.at("exit_code").num == 1);
    CHECK(contains(errors[0].json.at("message").str, tc.roof));
    // The message is the text format's line without its "repot: error: " prefix.
    const auto text = run_repot(tc.run_args(work / "out"));
    CHECK(text.err == "repot: error: " + errors[0].json.at("message").str + "\n");
}

TEST_CASE("cli log: a usage error is one usage_error event with exit code 2") {
    TinyCase tc;
    TempDir work("log");
    SUBCASE("a bad value, the flag before the subcommand") {
        auto args = tc.run_args(work / "out");
        args.insert(args.begin(), {"--log-format", "json"});
        args.insert(args.end(), {"--block-size", "3"});
        const auto r = run_repot(args);
        INFO(describe(r));
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        const auto events = events_of(r);
        REQUIRE(events.size() == 1);
        CHECK(events[0].event() == "usage_error");
        CHECK(events[0].level() == "error");
        CHECK(events[0].json.at("exit_code").num == 2);
        CHECK(contains(events[0].json.at("message").str, "--block-size"));
    }
    SUBCASE("an unknown flag, --log-format after the subcommand") {
        auto args = tc.run_args(work / "out");
        args.insert(args.end(), {"--no-such-flag", "--log-format", "json"});
        const auto r = run_repot(args);
        INFO(describe(r));
        CHECK(r.code == 2);
        const auto events = events_of(r);
        REQUIRE(events.size() == 1);
        CHECK(events[0].event() == "usage_error");
        CHECK(events[0].json.at("exit_code").num == 2);
        CHECK(contains(events[0].json.at("message").str, "--no-such-flag"));
    }
    SUBCASE("a missing required flag with --progress-json") {
        auto args = without_flag(tc.run_args(work / "out"), "--out");
        args.push_back("--progress-json");
        const auto r = run_repot(args);
        INFO(describe(r));
        CHECK(r.code == 2);
        const auto events = events_of(r);
        REQUIRE(events.size() == 1);
        CHECK(events[0].event() == "usage_error");
        CHECK(contains(events[0].json.at("message").str, "--out"));
    }
    SUBCASE("a bad --log-format value is a usage error in text") {
        auto args = tc.run_args(work / "out");
        args.insert(args.begin(), {"--log-format", "xml"});
        const auto r = run_repot(args);
        INFO(describe(r));
        CHECK(r.code == 2);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].rfind("repot: error: ", 0) == 0);
        CHECK(contains(lines[0], "--log-format"));
    }
    SUBCASE("a usage error found after parsing (a bad scenario file) is an error event with exit code 2") {
        write_text(tc.scenario, "[solar_roof]\nno_such_key = 1\n");
        auto args = tc.run_args(work / "out");
        args.insert(args.begin(), {"--log-format", "json"});
        const auto r = run_repot(args);
        INFO(describe(r));
        CHECK(r.code == 2);
        const auto events = events_of(r);
        REQUIRE(events.size() == 2);
        CHECK(events[0].event() == "started");
        CHECK(events[1].event() == "error");
        CHECK(events[1].json.at("exit_code").num == 2);
        CHECK(contains(events[1].json.at("message").str, tc.scenario));
    }
}

TEST_CASE("cli log: warnings of the run are logged as warning events (and stay in run.json)") {
    TinyCase tc;
    TempDir work("log");
    // The tiny zones plus a zone without geometry: a warning, not an error.
    std::string zones = read_text(tc.zones);
    const auto end = zones.rfind(" ]}");
    REQUIRE(end != std::string::npos);
    zones.insert(end, "  ,{\"type\": \"Feature\", \"properties\": {\"code\": 104, \"name\": \"Delta\"}, \"geometry\": null}\n");
    write_text(tc.zones, zones);
    auto args = tc.run_args(work / "out");
    args.insert(args.begin(), {"--log-format", "json"});
    args.push_back("-q");
    const auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    const auto warnings = named(events_of(r), "warning");
    REQUIRE(warnings.size() >= 1);
    CHECK(warnings[0].level() == "warning");
    CHECK(contains(warnings[0].json.at("message").str, "no geometry"));
    const Json manifest = parse_json(read_text(work.path() / "out" / "run.json"));
    REQUIRE(manifest.at("warnings").items.size() == warnings.size());
    for (size_t i = 0; i < warnings.size(); ++i)
        CHECK(manifest.at("warnings").items[i].str == warnings[i].json.at("message").str);
}

TEST_CASE("cli log: shards log index, count and skipped; merge and report log what they wrote") {
    TinyCase tc;
    TempDir work("log");
    std::vector<std::string> parts;
    for (int i = 1; i <= 2; ++i) {
        const std::string part = work / ("part-" + std::to_string(i));
        parts.push_back(part);
        auto args = tc.run_args(part);
        args.insert(args.begin(), {"--log-format", "json"});
        args.insert(args.end(), {"--block-size", "16", "--shard", std::to_string(i) + "/2", "--skip-existing"});
        const auto r = run_repot(args);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        const auto events = events_of(r);
        const auto summary = named(events, "summary");
        REQUIRE(summary.size() == 1);
        CHECK(summary[0].json.at("index").num == i);
        CHECK(summary[0].json.at("count").num == 2);
        CHECK(summary[0].json.at("skipped").kind == Json::boolean);
        CHECK_FALSE(summary[0].json.at("skipped").b);
        CHECK(named(events, "wrote").size() == 2);  // sums.txt, run.json
        if (i == 1) {  // again: skipped
            const auto again = run_repot(args);
            INFO(describe(again));
            REQUIRE(again.code == 0);
            const auto s = named(events_of(again), "summary");
            REQUIRE(s.size() == 1);
            CHECK(s[0].json.at("skipped").b);
            CHECK(named(events_of(again), "wrote").empty());
        }
    }
    std::vector<std::string> merge{"merge", "--log-format", "json"};
    merge.insert(merge.end(), parts.begin(), parts.end());
    merge.insert(merge.end(), {"--out", work / "merged"});
    const auto m = run_repot(merge);
    INFO(describe(m));
    REQUIRE(m.code == 0);
    const auto events = events_of(m);
    CHECK(events.front().json.at("command").str == "merge");
    std::vector<std::string> wrote;
    for (const auto& e : named(events, "wrote")) wrote.push_back(e.json.at("path").str);
    CHECK(wrote == wrote_on_stdout(m.out));
    const auto summary = named(events, "summary");
    REQUIRE(summary.size() == 1);
    CHECK(summary[0].json.at("zones").num == 3);
    CHECK(summary[0].json.at("pixels").num == 480);

    const auto rep = run_repot({"report", work / "merged", "--log-format", "json"});
    INFO(describe(rep));
    REQUIRE(rep.code == 0);
    const auto rep_events = events_of(rep);
    CHECK(rep_events.front().json.at("command").str == "report");
    std::vector<std::string> rep_wrote;
    for (const auto& e : named(rep_events, "wrote")) rep_wrote.push_back(e.json.at("path").str);
    CHECK_FALSE(rep_wrote.empty());
    // stdout names every file but the pages, which it counts: "wrote 3 pages in DIR/report/".
    std::vector<std::string> not_pages;
    for (const auto& p : rep_wrote)
        if (p.find("/report/") == std::string::npos || p.find("/report/index.html") != std::string::npos) not_pages.push_back(p);
    std::vector<std::string> on_stdout = wrote_on_stdout(rep.out);
    REQUIRE_FALSE(on_stdout.empty());
    CHECK(on_stdout.back() == "3 pages in " + (fs::path(work / "merged") / "report").string() + "/");
    on_stdout.pop_back();
    CHECK(not_pages == on_stdout);
}

TEST_CASE("cli log: an interrupted run logs one interrupted event with exit code 130") {
    // Fine grids and small blocks, so that the run is still computing when its first progress event
    // above 0 is read; SIGINT then. A run that finished first is retried on a finer grid.
    TinyCase tc;
    TempDir work("log-int");
    const fs::path out = work / "out";
    CommandResult r;
    for (const char* res : {"0.25", "0.1", "0.05"}) {
        const std::string grid = std::string("EPSG:6677:") + res + ":-8000,-34120,-7600,-34000";
        auto args = tc.run_args(out.string());
        args.insert(args.end(), {"--grid", grid, "--block-size", "16", "--threads", "1", "--log-format", "json"});
        r = run_and_signal(args, [](const std::string& err) { return contains(err, "\"fraction\": 0.0"); }, SIGINT);
        if (r.code != 0) break;
        fs::remove_all(out);  // finished before the signal
    }
    INFO(r.err);
    REQUIRE(r.code == 130);
    const auto events = events_of(r);
    REQUIRE_FALSE(events.empty());
    CHECK(events.front().event() == "started");
    CHECK(events.back().event() == "interrupted");
    CHECK(events.back().level() == "error");
    CHECK(events.back().json.at("exit_code").num == 130);
    CHECK(named(events, "interrupted").size() == 1);
    CHECK(named(events, "wrote").empty());
    CHECK(named(events, "summary").empty());
    for (const auto& f : files_in(out)) CHECK(f == ".repot.lock");
}

TEST_CASE("cli log: other commands log started and their errors") {
    TinyCase tc;
    const auto r = run_repot({"--log-format", "json", "info", "--zones", tc.dir / "missing.geojson", "--zone-id-field", "code"});
    INFO(describe(r));
    CHECK(r.code != 0);
    const auto events = events_of(r);
    REQUIRE_FALSE(events.empty());
    for (const auto& e : events) CHECK((e.event() == "started" || e.event() == "error" || e.event() == "usage_error"));
    const auto ok = run_repot({"params", "--log-format", "json"});
    INFO(describe(ok));
    REQUIRE(ok.code == 0);
    const auto ok_events = events_of(ok);
    REQUIRE(ok_events.size() == 1);
    CHECK(ok_events[0].json.at("command").str == "params");
    CHECK_FALSE(ok.out.empty());
}
