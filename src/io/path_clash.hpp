#pragma once
// Outputs never overwrite inputs: every file a command would write is compared with every file it
// reads, by real path (symbolic links, "..", hard links resolved), before any work is done.
#include <string>
#include <vector>

namespace repot {

struct NamedPath {
    std::string what;  // how the user gave it: "--waste-plants", "-o", "footprints"...
    std::string path;
};

// Throws UsageError naming both when an output is the same file as an input or as another output.
// Inputs that are not files (EPSG codes, "builtin:" tables, empty) never match; a GDAL virtual path
// (/vsizip/a.zip/b.shp, /vsigzip/a.gz) is compared by the file it is read from.
void refuse_clashing_paths(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs);

}  // namespace repot
