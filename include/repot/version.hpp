#pragma once
#include <string>

namespace repot {
// "repot X.Y.Z (GDAL a.b.c, PROJ d.e.f, Eigen g.h.i)"
std::string version_text();
}
