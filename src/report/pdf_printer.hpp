#pragma once
// --pdf: the report pages printed to PDF by headless Chromium, driven over the DevTools protocol on a
// pipe (--remote-debugging-pipe: no network port, nothing another local user could connect to). One
// browser prints every page: starting Chromium costs far more than printing a one-page report.
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace repot {

// Path of a Chromium binary: $REPOT_CHROMIUM if set (a path, or a name looked up on PATH), else the
// first of chromium, chromium-browser, google-chrome on PATH; nullopt if none. Throws DataError naming
// $REPOT_CHROMIUM when it is set but names no executable file: the user asked for that one binary, so
// quietly taking another from PATH (or reporting "not found on PATH") would mislead.
std::optional<std::string> find_chromium();

// find_chromium(), or a DataError saying --pdf needs Chromium and how to get it.
std::string require_chromium();

struct PrintJob {
    std::string html_path, pdf_path;
};

// Prints every job, in order, with one headless Chromium: paper size from the pages' @page CSS,
// backgrounds printed. Each PDF is written under a temporary name and renamed, so a failure leaves no
// partial file. Throws DataError naming the program when it cannot be started, or the page and
// Chromium's message when a page fails; Interrupted when `stop` returns true (checked between pages
// and while waiting for Chromium).
void print_pdfs(const std::string& chromium, const std::vector<PrintJob>& jobs, const std::function<bool()>& stop);

}  // namespace repot
