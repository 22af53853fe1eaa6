#pragma once
#include <cstdint>
#include <string>

namespace repot {

// SHA-256 (FIPS 180-4) of bytes and of a file, as lowercase hex.
std::string sha256_hex(const std::string& bytes);
std::string sha256_file(const std::string& path);

}  // namespace repot
