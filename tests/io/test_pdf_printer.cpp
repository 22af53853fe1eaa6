// --pdf: HTML pages printed by one headless Chromium (src/report/pdf_printer). The printing tests run
// the real Chromium and are skipped, with a message, where none is installed; the text of each PDF is
// read back with pdftotext (Debian poppler-utils).
#include <doctest/doctest.h>

#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "../../src/report/pdf_printer.hpp"
#include "../test_support.hpp"
#include "repot/error.hpp"

using namespace repot;
using namespace repot_test;
namespace fs = std::filesystem;

namespace {

// An environment variable set for one test and restored after it.
struct ScopedEnv {
    std::string name;
    std::optional<std::string> old;
    ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
        if (const char* v = std::getenv(name.c_str())) old = v;
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() { old ? (void)::setenv(name.c_str(), old->c_str(), 1) : (void)::unsetenv(name.c_str()); }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Standard output of a shell command (the tests' own fixed commands on their own temp paths).
std::string output_of(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
    return out;
}

bool have_program(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null").c_str()) == 0;
}

// Chromium behind a script that logs each start to `launches` and then execs it with the same fds, so
// that the test counts the browser processes print_pdfs starts without any hook in the printer.
std::string counting_wrapper(const TempDir& dir, const std::string& chromium) {
    const std::string script = dir.write("chromium-wrapper", "#!/bin/sh\necho started >> '" + dir / "launches" +
                                                                 "'\nexec '" + chromium + "' \"$@\"\n");
    fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add);
    return script;
}

int launches(const TempDir& dir) {
    const std::string log = read_file(dir / "launches");
    return static_cast<int>(std::count(log.begin(), log.end(), '\n'));
}

// Leftovers of print_pdfs in the temp folder (its profile folders are named repot-chromium-*).
int leftover_profiles(const TempDir& dir) {
    int n = 0;
    for (const auto& entry : fs::directory_iterator(dir.path))
        n += entry.path().filename().string().starts_with("repot-chromium-");
    return n;
}

const char* const page_style = "<style>@page { size: A4; margin: 15mm; } body { font-family: sans-serif; }</style>";

std::string page(const std::string& body) {
    return "<!doctype html><html><head><meta charset=\"utf-8\">" + std::string(page_style) + "</head><body>" + body +
           "</body></html>";
}

}  // namespace

TEST_CASE("pdf_printer: REPOT_CHROMIUM naming no program is an error naming it, not a silent PATH search") {
    {
        ScopedEnv env("REPOT_CHROMIUM", "/nonexistent");
        const std::string message = data_error([] { find_chromium(); });
        CHECK(contains(message, "REPOT_CHROMIUM='/nonexistent'"));
    }
    {
        ScopedEnv env("REPOT_CHROMIUM", "no-such-chromium-program");
        CHECK(contains(data_error([] { find_chromium(); }), "no-such-chromium-program"));
    }
    {
        ScopedEnv env("REPOT_CHROMIUM", "/bin/sh");  // any executable file is taken as given
        CHECK(find_chromium() == std::optional<std::string>("/bin/sh"));
    }
    {
        ScopedEnv path("PATH", "/nonexistent-folder");
        ScopedEnv chosen("REPOT_CHROMIUM", "");  // empty counts as unset
        CHECK(!find_chromium());
        CHECK(contains(data_error([] { require_chromium(); }),
                       "--pdf needs Chromium (Debian package chromium): not found on PATH"));
    }
}

TEST_CASE("pdf_printer: a program that cannot start or is not Chromium gives an error naming it") {
    TempDir dir("pdf_bad_binary");
    const std::vector<PrintJob> jobs = {{dir.write("a.html", page("a")), dir / "a.pdf"}};
    ScopedEnv tmp("TMPDIR", dir.path.string());

    const std::string missing = data_error([&] { print_pdfs("/nonexistent", jobs, {}); });
    CHECK(contains(missing, "--pdf needs Chromium"));
    CHECK(contains(missing, "'/nonexistent'"));
    CHECK(contains(missing, "No such file or directory"));

    const std::string not_chromium = data_error([&] { print_pdfs("/bin/false", jobs, {}); });
    CHECK(contains(not_chromium, "Chromium '/bin/false' exited with status 1"));

    CHECK(!fs::exists(dir / "a.pdf"));
    CHECK(leftover_profiles(dir) == 0);
}

TEST_CASE("pdf_printer: a Chromium that never answers is ended by a stop request") {
    TempDir dir("pdf_hang");
    ScopedEnv tmp("TMPDIR", dir.path.string());
    const std::string hang = dir.write("hang", "#!/bin/sh\necho $$ > '" + dir / "pid" + "'\nexec /bin/sleep 300\n");
    fs::permissions(hang, fs::perms::owner_exec, fs::perm_options::add);
    int calls = 0;
    const auto stop_soon = [&] { return ++calls > 5; };  // polled every 0.2 s while waiting
    CHECK_THROWS_AS(print_pdfs(hang, {{dir.write("a.html", page("a")), dir / "a.pdf"}}, stop_soon), Interrupted);
    const pid_t pid = std::stoi(read_file(dir / "pid"));
    CHECK(::kill(pid, 0) == -1);  // killed and reaped: no such process
    CHECK(leftover_profiles(dir) == 0);
}

TEST_CASE("pdf_printer: three pages printed by one Chromium") {
    const auto chromium = find_chromium();
    if (!chromium) {
        MESSAGE("skipped: no Chromium (Debian package chromium) on PATH and REPOT_CHROMIUM unset");
        return;
    }
    TempDir dir("pdf_three");
    ScopedEnv tmp("TMPDIR", dir.path.string());
    const std::vector<PrintJob> jobs = {
        {dir.write("tokyo.html", page("<h1>千代田区</h1><p>rooftop potential</p>")), dir / "tokyo.pdf"},
        {dir.write("svg.html", page("<svg width=\"300\" height=\"120\"><rect width=\"300\" height=\"120\" "
                                    "fill=\"#cde\"/><text x=\"10\" y=\"60\" font-size=\"20\">inline svg "
                                    "label</text></svg>")),
         dir / "svg.pdf"},
        {dir.write("plain #3.html", page("<p>third page</p>")), dir / "plain #3.pdf"},  // '#' must not cut the URL
    };
    print_pdfs(counting_wrapper(dir, *chromium), jobs, {});

    CHECK(launches(dir) == 1);
    CHECK(leftover_profiles(dir) == 0);
    const std::vector<std::string> expected = {"千代田区", "inline svg label", "third page"};
    const bool can_read_text = have_program("pdftotext") && have_program("pdfinfo");
    if (!can_read_text) MESSAGE("text of the PDFs not checked: pdftotext/pdfinfo (Debian poppler-utils) missing");
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        CAPTURE(jobs[i].pdf_path);
        REQUIRE(fs::exists(jobs[i].pdf_path));
        CHECK(read_file(jobs[i].pdf_path).starts_with("%PDF-"));
        CHECK(!fs::exists(jobs[i].pdf_path + ".part"));
        if (!can_read_text) continue;
        const std::string quoted_pdf = "'" + jobs[i].pdf_path + "'";
        CHECK(contains(output_of("pdftotext -enc UTF-8 " + quoted_pdf + " -"), expected[i]));
        CHECK(contains(output_of("pdfinfo " + quoted_pdf), "(A4)"));  // from @page: Chromium's default is Letter
    }
}

TEST_CASE("pdf_printer: a stop request ends the run between pages; a missing page is named") {
    const auto chromium = find_chromium();
    if (!chromium) {
        MESSAGE("skipped: no Chromium (Debian package chromium) on PATH and REPOT_CHROMIUM unset");
        return;
    }
    TempDir dir("pdf_stop");
    ScopedEnv tmp("TMPDIR", dir.path.string());
    const std::vector<PrintJob> jobs = {{dir.write("1.html", page("one")), dir / "1.pdf"},
                                        {dir.write("2.html", page("two")), dir / "2.pdf"}};
    const auto stop_after_first = [&] { return fs::exists(jobs[0].pdf_path); };
    CHECK_THROWS_AS(print_pdfs(*chromium, jobs, stop_after_first), Interrupted);
    CHECK(fs::exists(jobs[0].pdf_path));
    CHECK(!fs::exists(jobs[1].pdf_path));
    CHECK(leftover_profiles(dir) == 0);

    const std::vector<PrintJob> missing = {{dir / "missing.html", dir / "missing.pdf"}};
    const std::string message = data_error([&] { print_pdfs(*chromium, missing, {}); });
    CHECK(contains(message, "missing.html"));
    CHECK(contains(message, "ERR_FILE_NOT_FOUND"));
    CHECK(!fs::exists(dir / "missing.pdf"));
}
