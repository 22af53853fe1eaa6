#pragma once
// Kernel pseudo-filesystems (devtmpfs, proc, sysfs...) are no place for results: writing "run.json"
// into /dev or /proc is at best an error far from its cause and at worst a write to a device.
#include <string>

namespace repot {

// The type of the filesystem holding the existing folder `dir` when it is such a pseudo-filesystem
// ("devtmpfs", "proc", ...), empty otherwise (or when it cannot be told).
std::string special_filesystem(const std::string& dir);

}  // namespace repot
