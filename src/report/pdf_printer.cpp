#include "pdf_printer.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>
#include <utility>

#include "repot/error.hpp"
#include "repot/message_text.hpp"

extern char** environ;

namespace repot {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Longest wait for any one answer or page load: a one-page report loads and prints in well under a
// second, so this only ends a Chromium that hangs.
constexpr seconds page_timeout{60};
// How long Chromium may take to exit after Browser.close or SIGTERM before it is killed.
constexpr seconds exit_timeout{5};

// A path or program name in a message: quoted and escaped, with room for a deep folder.
std::string shown(std::string_view text) { return quote_for_message(text, 200); }

bool is_executable_file(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

// `name` itself when it holds a '/', else the first executable `dir/name` for the folders of $PATH.
std::optional<std::string> which(const std::string& name) {
    if (name.find('/') != std::string::npos) return is_executable_file(name) ? std::optional(name) : std::nullopt;
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
        if (is_executable_file(candidate)) return candidate.string();
    }
    return std::nullopt;
}

// Chromium sends the PDF as standard base64 (RFC 4648 §4, padded).
std::string base64_decode(std::string_view text) {
    const auto sextet = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        return c == '+' ? 62 : c == '/' ? 63 : -1;
    };
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t bits = 0;  // only the low `count` bits are pending; older ones shift out harmlessly
    int count = 0;
    for (const char c : text.substr(0, text.find('='))) {
        const int value = sextet(c);
        if (value < 0) throw DataError("Chromium sent a PDF that is not valid base64");
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xFF));
        }
    }
    return out;
}

// file:// URL of `path` made absolute. Every byte but the unreserved ones and '/' is percent-encoded:
// a '#', '?' or '%' in a zone name would otherwise cut or change the URL.
std::string file_url(const std::string& path) {
    std::string url = "file://";
    for (const unsigned char c : fs::absolute(path).lexically_normal().string()) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                           std::strchr("-._~/", c) != nullptr;
        url += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
    }
    return url;
}

// Written under a temporary name beside `path` and renamed, so that a failure leaves no partial PDF.
void write_file_atomically(const std::string& path, const std::string& bytes) {
    const std::string part = path + ".part";
    std::ofstream(part, std::ios::binary) << bytes;
    std::error_code ec;
    if (fs::file_size(part, ec) == bytes.size() && !ec) fs::rename(part, path, ec);
    else if (!ec) ec = std::make_error_code(std::errc::io_error);
    if (ec) {
        fs::remove(part);
        throw DataError(fmt::format("cannot write {}: {}", shown(path), ec.message()));
    }
}

// A string member of a protocol answer; its absence means a Chromium that speaks another protocol.
std::string string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) throw DataError(fmt::format("Chromium's answer has no \"{}\"", key));
    return it->get<std::string>();
}

// The last few lines Chromium printed, for error messages: one line, control bytes escaped.
std::string log_tail(const fs::path& log) {
    std::ifstream in(log);
    std::deque<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        lines.push_back(quote_for_message(line, 240));
        if (lines.size() > 4) lines.pop_front();
    }
    std::string tail;
    for (const auto& line : lines) tail += (tail.empty() ? "; it printed: " : " | ") + line;
    return tail;
}

// Writes all of `data`; false when the reader is gone. SIGPIPE is blocked meanwhile (and the one the
// failed write raised is consumed), so that a crashed Chromium gives an error message instead of
// killing repot.
bool write_all(int fd, std::string_view data) {
    sigset_t pipe_signal, old_mask;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, &old_mask);
    int error = 0;
    while (!data.empty() && error == 0) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n >= 0) data.remove_prefix(static_cast<std::size_t>(n));
        else if (errno != EINTR) error = errno;
    }
    if (error == EPIPE) {
        const timespec no_wait{};
        sigtimedwait(&pipe_signal, nullptr, &no_wait);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    return error == 0;
}

// A file descriptor, closed on destruction.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        reset(std::exchange(other.fd_, -1));
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

// The two ends of a new pipe, close-on-exec and numbered 5 or more: then the child's dup2 onto fds 3
// and 4 can never overwrite the other pipe's end before duplicating it.
std::pair<Fd, Fd> make_pipe() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) throw DataError(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    Fd read_end(ends[0]), write_end(ends[1]);
    for (Fd* end : {&read_end, &write_end}) {
        if (end->get() > 4) continue;
        const int moved = ::fcntl(end->get(), F_DUPFD_CLOEXEC, 5);
        if (moved < 0) throw DataError(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
        end->reset(moved);
    }
    return {std::move(read_end), std::move(write_end)};
}

// A fresh private folder for Chromium's profile and log, removed with its content on destruction.
struct TempFolder {
    fs::path path;
    TempFolder() {
        std::string pattern = (fs::temp_directory_path() / "repot-chromium-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw DataError(fmt::format("cannot create a temporary folder for Chromium: {}", std::strerror(errno)));
        path = pattern;
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
};

// One headless Chromium process and the DevTools protocol over its pipe (fd 3: commands to it, fd 4:
// answers and events from it; each message one JSON object ended by a NUL byte).
class Chromium {
public:
    Chromium(const std::string& program, const char* headless, std::function<bool()> stop)
        : program_(program), stop_(std::move(stop)) {
        auto [commands_read, commands_write] = make_pipe();
        auto [replies_read, replies_write] = make_pipe();
        spawn(headless, commands_read.get(), replies_write.get());
        // Only Chromium may hold the other ends: their closing is how its exit shows here.
        to_chromium_ = std::move(commands_write);
        from_chromium_ = std::move(replies_read);
    }
    ~Chromium() { end_process(); }
    Chromium(const Chromium&) = delete;
    Chromium& operator=(const Chromium&) = delete;

    // Sends a command (to the page of `session`, or to the browser) and returns its result.
    json call(const std::string& method, json params = json::object(), const std::string& session = "") {
        const int id = next_id_++;
        json command = {{"id", id}, {"method", method}, {"params", std::move(params)}};
        if (!session.empty()) command["sessionId"] = session;
        send(command);
        const auto deadline = Clock::now() + page_timeout;
        for (;;) {
            json message = next_message(deadline, "gave no answer to " + method);
            if (!message.contains("id")) events_.push_back(std::move(message));
            else if (message["id"] == id && message.contains("error"))
                throw DataError(fmt::format("Chromium answered {} with: {}", method,
                                            message["error"].value("message", message["error"].dump())));
            else if (message["id"] == id) return message.value("result", json::object());
        }
    }

    // Waits for the event `method` of `session`, dropping the events before it.
    void wait_event(const std::string& method, const std::string& session) {
        const auto is_it = [&](const json& m) {
            return m.value("method", "") == method && m.value("sessionId", "") == session;
        };
        while (!events_.empty()) {
            const bool found = is_it(events_.front());
            events_.pop_front();
            if (found) return;
        }
        const auto deadline = Clock::now() + page_timeout;
        while (!is_it(next_message(deadline, "sent no " + method))) {
        }
    }

    void forget_events() { events_.clear(); }

    // Asks Chromium to quit and waits for it (killing it if it lingers).
    void close() {
        if (write_all(to_chromium_.get(), json({{"id", next_id_++}, {"method", "Browser.close"}}).dump() + '\0'))
            wait_exit(exit_timeout);
        end_process();
    }

private:
    void spawn(const char* headless, int commands, int replies) {
        // --no-sandbox: as root Chromium refuses to start with its sandbox, and containers often lack the
        // user namespaces it needs; the pages are repot's own. The rest keeps a headless run from
        // touching the network or the user's profile, and from needing a large /dev/shm.
        const std::vector<std::string> args = {
            program_, headless, "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-quic", "--remote-debugging-pipe",
            "--user-data-dir=" + (folder_.path / "profile").string(), "about:blank"};
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);

        posix_spawn_file_actions_t files;
        posix_spawn_file_actions_init(&files);
        posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&files, 1, log_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_adddup2(&files, 1, 2);
        posix_spawn_file_actions_adddup2(&files, commands, 3);
        posix_spawn_file_actions_adddup2(&files, replies, 4);
        // Its own process group: a Ctrl-C at the terminal reaches repot only, which then ends Chromium
        // and its helper processes together (end_process).
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t no_signals;
        sigemptyset(&no_signals);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
        posix_spawnattr_setpgroup(&attributes, 0);
        posix_spawnattr_setsigmask(&attributes, &no_signals);
        const int error = posix_spawnp(&pid_, program_.c_str(), &files, &attributes, argv.data(), environ);
        posix_spawnattr_destroy(&attributes);
        posix_spawn_file_actions_destroy(&files);
        if (error != 0) {
            pid_ = -1;
            throw DataError(fmt::format("--pdf needs Chromium (Debian package chromium): cannot start {}: {}",
                                        shown(program_), std::strerror(error)));
        }
    }

    fs::path log_path() const { return folder_.path / "chromium.log"; }

    // A DataError naming the program, with what it printed last.
    DataError failure(const std::string& what) const {
        return DataError(fmt::format("Chromium {} {}{}", shown(program_), what, log_tail(log_path())));
    }

    void send(const json& message) {
        if (!write_all(to_chromium_.get(), message.dump() + '\0')) throw failure(exit_description());
    }

    // The next whole message, reading until `deadline`; `late` says what is missing when it passes.
    json next_message(Clock::time_point deadline, const std::string& late) {
        std::size_t end;
        while ((end = buffer_.find('\0')) == std::string::npos) read_more(deadline, late);
        json message = json::parse(std::string_view(buffer_).substr(0, end), nullptr, false);
        buffer_.erase(0, end + 1);
        if (message.is_discarded() || !message.is_object()) throw failure("sent a message that is not a JSON object");
        return message;
    }

    // Appends what Chromium wrote next. Polls in short steps to honour a stop request while waiting.
    void read_more(Clock::time_point deadline, const std::string& late) {
        for (;;) {
            if (stop_ && stop_()) throw Interrupted();
            const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) throw failure(fmt::format("{} within {} s", late, page_timeout.count()));
            pollfd ready{from_chromium_.get(), POLLIN, 0};
            const int polled = ::poll(&ready, 1, static_cast<int>(std::min<long long>(left, 200)));
            if (polled <= 0) continue;  // timeout step or EINTR
            char chunk[1 << 16];
            const ssize_t n = ::read(from_chromium_.get(), chunk, sizeof chunk);
            if (n > 0) {
                buffer_.append(chunk, static_cast<std::size_t>(n));
                return;
            }
            if (n == 0 || errno != EINTR) throw failure(exit_description());
        }
    }

    // How Chromium went away, once its pipe closed.
    std::string exit_description() {
        if (!wait_exit(seconds(2))) return "closed its DevTools pipe";
        if (WIFEXITED(status_)) return fmt::format("exited with status {}", WEXITSTATUS(status_));
        if (WIFSIGNALED(status_)) return fmt::format("was killed by signal {}", WTERMSIG(status_));
        return "stopped";
    }

    // True once the process has exited (reaped, its status kept) within `timeout`.
    bool wait_exit(Clock::duration timeout) {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            if (pid_ < 0 || exited_) return true;
            const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
            if (done == pid_ || (done < 0 && errno == ECHILD)) {
                exited_ = true;
                return true;
            }
            if (Clock::now() >= deadline) return false;
            ::usleep(20'000);
        }
    }

    // Ends Chromium (TERM, then KILL if it lingers) and then any helper process of its group still
    // alive, so that nothing keeps writing into the profile folder about to be removed.
    void end_process() {
        if (pid_ < 0) return;
        to_chromium_.reset();
        if (!wait_exit(milliseconds(0))) {
            ::kill(-pid_, SIGTERM);
            if (!wait_exit(exit_timeout)) ::kill(-pid_, SIGKILL);
            while (!wait_exit(seconds(1))) {
            }
        }
        ::kill(-pid_, SIGKILL);  // the group outlives its leader while a helper lives: ESRCH otherwise
        pid_ = -1;
    }

    std::string program_;
    std::function<bool()> stop_;
    TempFolder folder_;  // declared before the process state: removed only after end_process()
    pid_t pid_ = -1;
    int status_ = 0;
    bool exited_ = false;
    Fd to_chromium_, from_chromium_;
    std::string buffer_;       // bytes read but not yet a whole message
    std::deque<json> events_;  // events that arrived while waiting for an answer
    int next_id_ = 1;
};

// A new page target and the id of the session attached to it, with page events enabled.
std::string open_page(Chromium& chromium) {
    const json target = chromium.call("Target.createTarget", {{"url", "about:blank"}});
    const json attached =
        chromium.call("Target.attachToTarget", {{"targetId", string_field(target, "targetId")}, {"flatten", true}});
    const std::string session = string_field(attached, "sessionId");
    chromium.call("Page.enable", json::object(), session);
    return session;
}

struct Browser {
    std::unique_ptr<Chromium> chromium;
    std::string session;
};

// Chromium with a page open. Tries --headless=new first; plain --headless only when that Chromium
// started but did not answer (a build that rejects the "new" mode).
Browser start_browser(const std::string& program, const std::function<bool()>& stop) {
    for (const char* headless : {"--headless=new", "--headless"}) {
        auto chromium = std::make_unique<Chromium>(program, headless, stop);
        try {
            std::string session = open_page(*chromium);
            return {std::move(chromium), std::move(session)};
        } catch (const DataError&) {
            if (std::string_view(headless) == "--headless") throw;
        }
    }
    throw std::logic_error("start_browser: unreachable");
}

void print_page(Chromium& chromium, const std::string& session, const PrintJob& job) {
    chromium.forget_events();  // a load event from before this navigation must not count
    const json navigated = chromium.call("Page.navigate", {{"url", file_url(job.html_path)}}, session);
    if (navigated.contains("errorText"))
        throw DataError(fmt::format("Chromium: {}", shown(navigated.value("errorText", ""))));
    chromium.wait_event("Page.loadEventFired", session);
    const json pdf =
        chromium.call("Page.printToPDF", {{"printBackground", true}, {"preferCSSPageSize", true}}, session);
    write_file_atomically(job.pdf_path, base64_decode(string_field(pdf, "data")));
}

}  // namespace

std::optional<std::string> find_chromium() {
    if (const char* chosen = std::getenv("REPOT_CHROMIUM"); chosen && *chosen) {
        if (auto found = which(chosen)) return found;
        throw DataError(fmt::format(
            "REPOT_CHROMIUM={} names no executable file (unset it to look for Chromium on PATH)", shown(chosen)));
    }
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"})
        if (auto found = which(name)) return found;
    return std::nullopt;
}

std::string require_chromium() {
    if (auto found = find_chromium()) return *found;
    throw DataError(
        "--pdf needs Chromium (Debian package chromium): not found on PATH (looked for chromium, chromium-browser, "
        "google-chrome; REPOT_CHROMIUM may name it)");
}

void print_pdfs(const std::string& chromium, const std::vector<PrintJob>& jobs, const std::function<bool()>& stop) {
    if (jobs.empty()) return;
    const auto stopped = [&] { return stop && stop(); };
    if (stopped()) throw Interrupted();
    Browser browser = start_browser(chromium, stop);
    for (const PrintJob& job : jobs) {
        if (stopped()) throw Interrupted();
        try {
            print_page(*browser.chromium, browser.session, job);
        } catch (const DataError& e) {
            throw DataError(fmt::format("cannot print {} to PDF: {}", shown(job.html_path), e.what()));
        }
    }
    browser.chromium->close();
}

}  // namespace repot
