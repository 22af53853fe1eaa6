#pragma once
// Small helpers shared by the unit and IO tests.
#include <cpl_conv.h>
#include <doctest/doctest.h>
#include <ogr_spatialref.h>

#include <string>

#include "repot/error.hpp"

namespace repot_test {

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
