#pragma once
// Output folder with all-or-nothing writes: files are staged under temporary names and renamed
// only when every file of the run is complete, so a failed run leaves no half-written output.
#include <string>
#include <vector>

namespace repot {

class OutputDir {
public:
    // Creates the folder if needed and proves it writable; throws DataError naming it otherwise.
    explicit OutputDir(const std::string& dir);
    ~OutputDir();  // removes staged files that were not committed
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;

    void stage(const std::string& name, const std::string& content);
    // Path for a file another writer (e.g. GDAL) produces itself; committed like the staged ones.
    std::string stage_path(const std::string& name);
    std::vector<std::string> commit();  // renames every staged file into place; returns the final paths
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
    std::vector<std::pair<std::string, std::string>> staged_;  // temp path, final path
};

}  // namespace repot
