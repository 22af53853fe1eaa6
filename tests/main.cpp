#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <gdal_priv.h>

int main(int argc, char** argv) {
    GDALAllRegister();
    doctest::Context context(argc, argv);
    return context.run();
}
