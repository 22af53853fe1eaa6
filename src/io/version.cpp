#include "repot/version.hpp"

#include <Eigen/Core>
#include <fmt/format.h>
#include <gdal.h>
#include <proj.h>

namespace repot {

std::string version_text() {
    return fmt::format("repot {} (GDAL {}, PROJ {}.{}.{}, Eigen {}.{}.{})", REPOT_VERSION,
                       GDALVersionInfo("RELEASE_NAME"), PROJ_VERSION_MAJOR, PROJ_VERSION_MINOR,
                       PROJ_VERSION_PATCH, EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION,
                       EIGEN_MINOR_VERSION);
}

}  // namespace repot
