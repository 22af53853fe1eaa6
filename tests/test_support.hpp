#pragma once
// Small helpers shared by the unit and IO tests.
#include <cpl_conv.h>
#include <doctest/doctest.h>
#include <ogr_spatialref.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "repot/error.hpp"

namespace repot_test {

// A fresh folder under the system temp dir, removed with everything in it at the end of the test.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& name) {
        path = std::filesystem::temp_directory_path() / ("repot_test_" + name + "_" + std::to_string(::getpid()));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string operator/(const std::string& file) const { return (path / file).string(); }
    std::string write(const std::string& file, const std::string& text) const {
        std::ofstream(path / file) << text;
        return (path / file).string();
    }
    bool empty() const { return std::filesystem::directory_iterator(path) == std::filesystem::directory_iterator(); }
};

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The message of the DataError `f` throws, or "" when it throws none.
template <class F>
std::string data_error(F&& f) {
    try {
        f();
    } catch (const repot::DataError& e) {
        return e.what();
    }
    return "";
}

inline std::string wkt_of(int epsg) {
    OGRSpatialReference s;
    REQUIRE(s.importFromEPSG(epsg) == OGRERR_NONE);
    char* w = nullptr;
    s.exportToWkt(&w);
    std::string out = w;
    CPLFree(w);
    return out;
}

}  // namespace repot_test
