#include "path_clash.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "repot/error.hpp"

namespace fs = std::filesystem;

namespace repot {

namespace {

// The real file behind a path GDAL reads: /vsizip/, /vsigzip/, /vsitar/... are taken off and the
// longest existing prefix kept (the archive itself).
fs::path file_behind(const std::string& path) {
    fs::path p = path;
    if (path.rfind("/vsi", 0) == 0) {
        const auto slash = path.find('/', 1);
        if (slash == std::string::npos) return {};
        p = path.substr(slash + 1);
        if (path.compare(0, slash, "/vsicurl") == 0 || path.compare(0, slash, "/vsis3") == 0) return {};  // remote
        std::error_code ec;
        while (!p.empty() && p.has_parent_path() && !fs::exists(p, ec)) p = p.parent_path();
    }
    return p;
}

bool same_file(const fs::path& a, const fs::path& b) {
    if (a.empty() || b.empty()) return false;
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) {
        const bool eq = fs::equivalent(a, b, ec);
        if (!ec) return eq;
    }
    const fs::path ca = fs::weakly_canonical(a, ec);
    if (ec) return false;
    const fs::path cb = fs::weakly_canonical(b, ec);
    return !ec && ca == cb;
}

}  // namespace

void refuse_clashing_paths(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs) {
    for (size_t k = 0; k < outputs.size(); ++k) {
        const NamedPath& out = outputs[k];
        if (out.path.empty()) continue;
        for (const NamedPath& in : inputs) {
            if (in.path.empty() || !same_file(file_behind(in.path), out.path)) continue;
            throw UsageError(fmt::format("{} {} is also the output {} ({}): it would be overwritten; write the "
                                         "output elsewhere or move the input",
                                         in.what, in.path, out.path, out.what));
        }
        for (size_t j = 0; j < k; ++j)
            if (!outputs[j].path.empty() && same_file(outputs[j].path, out.path))
                throw UsageError(fmt::format("{} {} and {} {} are the same file", outputs[j].what, outputs[j].path,
                                             out.what, out.path));
    }
}

}  // namespace repot
