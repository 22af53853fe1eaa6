#pragma once
// The exclusive lock of an output folder: flock(2) on DIR/.repot.lock, so that two runs never write
// the same folder at once. The kernel drops the lock when the process dies, however it dies.
#include <string>

namespace repot {

class DirLock {
public:
    // Takes the lock without waiting; throws DataError naming the holder's pid when another
    // process has it, or when the folder cannot hold a lock file.
    explicit DirLock(const std::string& dir);
    ~DirLock();  // removes the lock file, then releases the lock
    DirLock(const DirLock&) = delete;
    DirLock& operator=(const DirLock&) = delete;

    static constexpr const char* file_name = ".repot.lock";

private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace repot
