#include "commit_journal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "json_read.hpp"
#include "repot/error.hpp"
#include "repot/json.hpp"

namespace fs = std::filesystem;

namespace repot {

namespace {

std::string in_dir(const std::string& dir, const std::string& name) { return (fs::path(dir) / name).string(); }

void write_names(std::string& out, const char* key, const std::vector<std::string>& names) {
    out += fmt::format("  {}: [", json_string(key));
    for (size_t k = 0; k < names.size(); ++k) out += (k ? ", " : "") + json_string(names[k]);
    out += "]";
}

std::vector<std::string> names_of(const JsonValue& doc, const char* key, const std::string& path) {
    const JsonValue* a = doc.find(key);
    if (!a || a->kind != JsonValue::array) throw DataError(fmt::format("{}: no \"{}\" list", path, key));
    std::vector<std::string> out;
    for (const auto& v : a->items) {
        if (v.kind != JsonValue::string || !is_plain_name(v.str))
            throw DataError(fmt::format("{}: \"{}\" holds something that is not a plain file name", path, key));
        out.push_back(v.str);
    }
    return out;
}

}  // namespace

bool is_plain_name(const std::string& name) {
    if (name.empty() || name.find('\0') != std::string::npos) return false;
    // Each part of "maps/zones.tif" is a plain, visible name: no "", ".", ".." or hidden part.
    for (size_t a = 0;;) {
        const size_t b = name.find('/', a);
        if (b == a || name[a] == '.') return false;
        if (b == std::string::npos) return true;
        a = b + 1;
    }
}

void make_parent_dirs(const std::string& dir, const std::string& name) {
    const fs::path parent = fs::path(name).parent_path();
    if (parent.empty()) return;
    std::error_code ec;
    fs::create_directories(fs::path(dir) / parent, ec);
}

void remove_empty_parents(const std::string& dir, const std::string& name) {
    std::error_code ec;
    for (fs::path p = fs::path(name).parent_path(); !p.empty(); p = p.parent_path())
        if (!fs::remove(fs::path(dir) / p, ec)) break;  // not empty (the user's files stay), or gone
}

void sync_path(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    fsync(fd);  // EINVAL on filesystems without fsync: nothing more can be done there
    close(fd);
}

void write_journal(const std::string& dir, const CommitJournal& j) {
    std::string text = "{\n  \"journal\": \"repot commit\",\n";
    text += fmt::format("  \"staging\": {},\n", json_string(j.staging));
    write_names(text, "put", j.put);
    text += ",\n";
    write_names(text, "remove", j.remove);
    text += "\n}\n";
    const std::string final_path = in_dir(dir, journal_name);
    const std::string tmp = final_path + fmt::format(".tmp-{}", long(getpid()));
    {
        std::ofstream f(tmp, std::ios::binary);
        f << text;
        f.close();
        if (!f) {
            std::remove(tmp.c_str());
            throw DataError(fmt::format("{}: cannot write the commit journal {} (disk full?)", dir, final_path));
        }
    }
    sync_path(tmp);
    if (std::rename(tmp.c_str(), final_path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        throw DataError(fmt::format("{}: cannot write the commit journal {}: {}", dir, final_path, std::strerror(err)));
    }
    sync_path(dir);
}

void remove_journal(const std::string& dir) {
    std::remove(in_dir(dir, journal_name).c_str());
    sync_path(dir);
}

std::optional<CommitJournal> read_journal(const std::string& dir) {
    const std::string path = in_dir(dir, journal_name);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec))) return std::nullopt;
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    JsonValue doc;
    try {
        doc = parse_json(ss.str());
    } catch (const std::runtime_error& e) {
        throw DataError(fmt::format("{}: an interrupted commit left a journal that cannot be read ({}); check the "
                                    "folder and remove the journal",
                                    path, e.what()));
    }
    const JsonValue* staging = doc.find("staging");
    if (!staging || staging->kind != JsonValue::string || staging->str.rfind(staging_prefix, 0) != 0 ||
        staging->str.find('/') != std::string::npos)
        throw DataError(fmt::format("{}: not a repot commit journal (no staging folder)", path));
    return CommitJournal{staging->str, names_of(doc, "put", path), names_of(doc, "remove", path)};
}

void roll_forward(const std::string& dir, const CommitJournal& j) {
    const std::string staging = in_dir(dir, j.staging);
    for (const auto& name : j.put) {
        const std::string from = in_dir(staging, name), to = in_dir(dir, name);
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(from, ec))) continue;  // moved in before the interruption
        make_parent_dirs(dir, name);
        if (std::rename(from.c_str(), to.c_str()) != 0)
            throw DataError(fmt::format("{}: cannot complete the interrupted commit: moving {} in failed: {}", dir,
                                        name, std::strerror(errno)));
    }
    for (const auto& name : j.remove) {
        const std::string path = in_dir(dir, name);
        if (std::remove(path.c_str()) != 0 && errno != ENOENT)
            throw DataError(fmt::format("{}: cannot complete the commit: removing the earlier {} failed: {}", dir, name,
                                        std::strerror(errno)));
        remove_empty_parents(dir, name);
    }
    sync_path(dir);
    remove_journal(dir);
    std::error_code ec;
    fs::remove_all(staging, ec);
}

void recover_output_dir(const std::string& dir) {
    if (auto j = read_journal(dir)) roll_forward(dir, *j);
    // Without a journal, a staging folder belongs to a run that failed or was killed before it
    // committed: the folder still holds the earlier result, and the leftovers go.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(staging_prefix, 0) == 0 && e.is_directory(ec) && !e.is_symlink(ec)) fs::remove_all(e.path(), ec);
        if (name.rfind(std::string(journal_name) + ".tmp-", 0) == 0) fs::remove(e.path(), ec);
    }
}

}  // namespace repot
