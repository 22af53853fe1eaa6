#include "repot/output_dir.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "repot/error.hpp"

namespace fs = std::filesystem;

namespace repot {

OutputDir::OutputDir(const std::string& dir) : dir_(dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw DataError(fmt::format("{}: cannot create the output folder: {}", dir, ec ? ec.message() : "not a folder"));
    std::string probe = (fs::path(dir) / fmt::format(".repot-probe-{}", getpid())).string();
    std::ofstream f(probe);
    bool ok = f.good() && (f << "x").good();
    f.close();
    std::remove(probe.c_str());
    if (!ok) throw DataError(fmt::format("{}: the output folder is not writable", dir));
}

OutputDir::~OutputDir() {
    for (const auto& [tmp, final_path] : staged_) std::remove(tmp.c_str());
}

std::string OutputDir::stage_path(const std::string& name) {
    std::string final_path = (fs::path(dir_) / name).string();
    std::string tmp = (fs::path(dir_) / fmt::format(".{}.tmp-{}", name, getpid())).string();
    staged_.emplace_back(tmp, final_path);
    return tmp;
}

void OutputDir::stage(const std::string& name, const std::string& content) {
    std::string tmp = stage_path(name);
    std::ofstream f(tmp, std::ios::binary);
    f << content;
    f.close();
    if (!f) throw DataError(fmt::format("{}: cannot write {} (disk full?)", dir_, name));
}

std::vector<std::string> OutputDir::commit() {
    std::vector<std::string> out;
    for (const auto& [tmp, final_path] : staged_) {
        std::error_code ec;
        fs::rename(tmp, final_path, ec);
        if (ec) throw DataError(fmt::format("{}: cannot move {} into place: {}", dir_, final_path, ec.message()));
        out.push_back(final_path);
    }
    staged_.clear();
    return out;
}

}  // namespace repot
