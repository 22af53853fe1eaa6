#pragma once
// Shared by the fuzz targets: the one rule every parser must keep under fuzzing, and a place to put
// the input for readers that only take a path.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <unistd.h>

#include "repot/error.hpp"

namespace repot::fuzz {

inline std::string text_of(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

// A parser either returns or throws DataError/UsageError (the errors the command line maps to exit
// codes 1 and 2). Anything else escaping it would reach the user as "unexpected error" or abort, so
// it is a finding: report it and abort so that libFuzzer keeps the input.
template <class F>
void expect_repot_errors_only(F&& parse) {
    try {
        parse();
    } catch (const repot::DataError&) {
    } catch (const repot::UsageError&) {
    } catch (const std::exception& e) {
        std::fprintf(stderr, "FINDING: exception other than DataError/UsageError: %s\n", e.what());
        std::abort();
    } catch (...) {
        std::fprintf(stderr, "FINDING: non-std exception\n");
        std::abort();
    }
}

// A per-process file under $TMPDIR for readers that take a path and read with std::ifstream
// (GDAL-based readers use /vsimem/ instead, which never touches the disk).
inline const std::string& scratch_path(const char* suffix) {
    static const std::string path = [&] {
        const char* dir = std::getenv("TMPDIR");
        return std::string(dir && *dir ? dir : "/tmp") + "/repot_fuzz_" + std::to_string(getpid()) + suffix;
    }();
    return path;
}

inline void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), std::streamsize(text.size()));
}

// Invariant violated by a parse that returned: a finding like a crash.
inline void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "FINDING: invariant violated: %s\n", what);
        std::abort();
    }
}

}  // namespace repot::fuzz
