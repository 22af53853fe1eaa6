#include "dir_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "repot/error.hpp"

namespace repot {

namespace {

// The pid the holder wrote into the lock file ("?" while it has not written it yet).
std::string holder_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    std::string pid = n > 0 ? std::string(buf, size_t(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return pid.empty() ? "?" : pid;
}

}  // namespace

DirLock::DirLock(const std::string& dir) : path_((std::filesystem::path(dir) / file_name).string()) {
    // The holder removes the lock file when it is done. A process that opened the file just before
    // that holds a lock on a file no longer in the folder: it checks that the file it locked is still
    // the one at the path, and starts again if not.
    for (int attempt = 0; attempt < 100; ++attempt) {
        const int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
            throw DataError(fmt::format("{}: cannot create the lock file {}: {}", dir, path_, std::strerror(errno)));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            const std::string pid = holder_pid(fd);
            close(fd);
            if (err == EWOULDBLOCK)
                throw DataError(fmt::format("another repot run is writing {} (lock {} held by pid {})", dir, path_, pid));
            throw DataError(fmt::format("{}: cannot lock {}: {}", dir, path_, std::strerror(err)));
        }
        struct stat locked {}, current {};
        if (fstat(fd, &locked) == 0 && stat(path_.c_str(), &current) == 0 && locked.st_dev == current.st_dev &&
            locked.st_ino == current.st_ino) {
            const std::string pid = std::to_string(long(getpid())) + "\n";
            if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != ssize_t(pid.size())) {
                // The pid is only for the message of a second run; the lock holds without it.
            }
            fd_ = fd;
            return;
        }
        close(fd);
    }
    throw DataError(fmt::format("{}: the lock file {} keeps changing; is another program removing it?", dir, path_));
}

DirLock::~DirLock() {
    if (fd_ < 0) return;
    // Unlink while still holding the lock: a waiter that locks the old file then sees it is stale.
    unlink(path_.c_str());
    close(fd_);
}

}  // namespace repot
