#include "repot/output_dir.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "commit_journal.hpp"
#include "dir_lock.hpp"
#include "json_read.hpp"
#include "repot/error.hpp"
#include "special_fs.hpp"

namespace fs = std::filesystem;

namespace repot {

namespace {

std::string in_dir(const std::string& dir, const std::string& name) { return (fs::path(dir) / name).string(); }

// lstat: 1 regular file, 0 absent, -1 anything else (a folder, a link, a device...).
int target_kind(const std::string& path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return errno == ENOENT ? 0 : -1;
    return S_ISREG(st.st_mode) ? 1 : -1;
}

std::vector<std::string> read_outputs_list(const std::string& run_json) {
    if (target_kind(run_json) != 1) return {};
    std::ifstream f(run_json, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    // A run.json without the list (written before repot listed its outputs) or not ours: remove nothing.
    std::vector<std::string> out;
    for (const auto& name : json_string_array(ss.str(), "outputs").value_or(std::vector<std::string>{}))
        if (is_plain_name(name)) out.push_back(name);
    return out;
}

}  // namespace

OutputDir::OutputDir(const std::string& dir) : OutputDir(dir, true) {}

std::unique_ptr<OutputDir> OutputDir::open_existing(const std::string& dir) {
    std::unique_ptr<OutputDir> out(new OutputDir(dir, false));
    if (target_kind(in_dir(dir, "run.json")) != 1)
        throw DataError(fmt::format("{}: no run.json: not the folder of a finished repot run", dir));
    out->replace_ = false;
    return out;
}

OutputDir::OutputDir(const std::string& dir, bool create) : dir_(dir) {
    // The nearest folder that exists is checked before anything is created below it.
    std::error_code ec;
    fs::path existing = fs::absolute(dir, ec);
    while (!existing.empty() && existing.has_relative_path() && !fs::exists(existing, ec)) existing = existing.parent_path();
    const std::string special = special_filesystem(existing.string());
    if (!special.empty())
        throw DataError(fmt::format("{}: the output folder is on a {} pseudo-filesystem; choose a real folder", dir,
                                    special));
    if (create) fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw DataError(fmt::format("{}: cannot create the output folder: {}", dir, ec ? ec.message() : "not a folder"));
    lock_ = std::make_unique<DirLock>(dir);
    recover_output_dir(dir);
    earlier_ = read_outputs_list(in_dir(dir, "run.json"));
    staging_ = in_dir(dir, fmt::format("{}{}", staging_prefix, long(getpid())));
    if (mkdir(staging_.c_str(), 0755) != 0)
        throw DataError(fmt::format("{}: the output folder is not writable: {}", dir, std::strerror(errno)));
}

OutputDir::~OutputDir() {
    if (committed_ || staging_.empty()) return;
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

std::string OutputDir::stage_path(const std::string& name) {
    if (!is_plain_name(name)) throw DataError(fmt::format("{}: '{}' is not a plain file name", dir_, name));
    if (std::find(names_.begin(), names_.end(), name) == names_.end()) names_.push_back(name);
    make_parent_dirs(staging_, name);
    return in_dir(staging_, name);
}

std::string OutputDir::scratch_path(const std::string& name) const {
    if (!is_plain_name(name) || name.find('/') != std::string::npos)
        throw DataError(fmt::format("{}: '{}' is not a plain file name", dir_, name));
    return in_dir(staging_, ".scratch-" + name);
}

void OutputDir::stage(const std::string& name, const std::string& content) {
    std::string tmp = stage_path(name);
    std::ofstream f(tmp, std::ios::binary);
    f << content;
    f.close();
    if (!f) throw DataError(fmt::format("{}: cannot write {} (disk full?)", dir_, name));
}

void OutputDir::keep(const std::string& path) {
    if (!path.empty()) keep_.push_back(path);
}

std::vector<std::string> OutputDir::earlier_to_remove() const {
    std::vector<std::string> out;
    if (!replace_) return out;
    for (const auto& name : earlier_) {
        const std::string path = in_dir(dir_, name);
        if (std::find(names_.begin(), names_.end(), name) != names_.end() || target_kind(path) != 1) continue;
        const bool kept = std::any_of(keep_.begin(), keep_.end(), [&](const std::string& k) {
            std::error_code ec;
            return fs::equivalent(k, path, ec);
        });
        if (!kept) out.push_back(name);
    }
    return out;
}

std::vector<std::string> OutputDir::commit() {
    // Everything that can be checked is checked before the first rename: the folder then still holds
    // the earlier result when one target cannot be replaced.
    for (const auto& name : names_)
        if (target_kind(in_dir(dir_, name)) < 0)
            throw DataError(fmt::format("{}: {} exists and is not a regular file; nothing was changed (the folder "
                                        "holds the earlier result)",
                                        dir_, in_dir(dir_, name)));
    for (const auto& name : names_) sync_path(in_dir(staging_, name));
    sync_path(staging_);

    const CommitJournal journal{fs::path(staging_).filename().string(), names_, earlier_to_remove()};
    write_journal(dir_, journal);

    // Backups of the files replaced, for a rollback when a rename fails in this process: hard links
    // where the filesystem has them (the old file stays in place), else the old file itself.
    const std::string old_dir = in_dir(staging_, ".old");
    mkdir(old_dir.c_str(), 0755);
    std::vector<bool> backed_up(names_.size(), false);
    for (size_t k = 0; k < names_.size(); ++k) {
        const std::string target = in_dir(dir_, names_[k]), backup = in_dir(old_dir, names_[k]);
        make_parent_dirs(dir_, names_[k]);
        make_parent_dirs(old_dir, names_[k]);
        bool ok = true;
        if (target_kind(target) == 1) {
            backed_up[k] = link(target.c_str(), backup.c_str()) == 0 || std::rename(target.c_str(), backup.c_str()) == 0;
            ok = backed_up[k];
        }
        ok = ok && std::rename(in_dir(staging_, names_[k]).c_str(), target.c_str()) == 0;
        if (ok) continue;
        const std::string why = std::strerror(errno);
        bool restored = true;
        for (size_t i = 0; i <= k; ++i) {
            const std::string t = in_dir(dir_, names_[i]), b = in_dir(old_dir, names_[i]);
            if (backed_up[i]) restored &= std::rename(b.c_str(), t.c_str()) == 0;
            else if (i < k) {
                restored &= std::remove(t.c_str()) == 0;
                remove_empty_parents(dir_, names_[i]);
            }
        }
        if (!restored) {  // journal and staging folder stay: the next run in this folder completes the commit
            committed_ = true;
            throw DataError(fmt::format("{}: moving {} into place failed ({}) and the earlier result could not be "
                                        "restored; the next repot run in this folder completes the new one",
                                        dir_, names_[k], why));
        }
        remove_journal(dir_);
        throw DataError(fmt::format("{}: moving {} into place failed ({}); the earlier result was restored", dir_,
                                    names_[k], why));
    }
    roll_forward(dir_, journal);  // the removals, then the journal and the staging folder go
    committed_ = true;
    std::vector<std::string> out;
    for (const auto& name : names_) out.push_back(in_dir(dir_, name));
    return out;
}

}  // namespace repot
