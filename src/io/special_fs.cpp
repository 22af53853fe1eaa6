#include "special_fs.hpp"

#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include <fstream>
#include <set>
#include <sstream>

namespace repot {

namespace {

const std::set<std::string>& special_types() {
    static const std::set<std::string> types{"devtmpfs", "proc",      "sysfs",  "devpts",    "cgroup",   "cgroup2",
                                             "debugfs",  "tracefs",   "securityfs", "pstore", "bpf",     "configfs",
                                             "fusectl",  "mqueue",    "efivarfs", "binfmt_misc", "hugetlbfs",
                                             "selinuxfs", "nsfs"};
    return types;
}

// statfs magic numbers of the ones that have their own (devtmpfs reports tmpfs's: see mountinfo).
std::string type_from_magic(long magic) {
    switch (magic) {
        case 0x9fa0: return "proc";
        case 0x62656572: return "sysfs";
        case 0x1cd1: return "devpts";
        case 0x27e0eb: return "cgroup";
        case 0x63677270: return "cgroup2";
        case 0x64626720: return "debugfs";
        case 0x74726163: return "tracefs";
        case 0x73636673: return "securityfs";
        default: return "";
    }
}

// The filesystem type of the mount whose device is `dev`, from /proc/self/mountinfo
// ("36 25 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,..."): the last mount of that device wins.
std::string type_from_mountinfo(dev_t dev) {
    std::ifstream in("/proc/self/mountinfo");
    std::string line, found;
    const std::string want = std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string id, parent, devno;
        f >> id >> parent >> devno;
        if (devno != want) continue;
        const auto sep = line.find(" - ");
        if (sep == std::string::npos) continue;
        std::istringstream tail(line.substr(sep + 3));
        tail >> found;
    }
    return found;
}

}  // namespace

std::string special_filesystem(const std::string& dir) {
    struct statfs sf {};
    if (statfs(dir.c_str(), &sf) == 0) {
        const std::string t = type_from_magic(long(sf.f_type));
        if (!t.empty()) return t;
    }
    struct stat st {};
    if (stat(dir.c_str(), &st) != 0) return "";
    const std::string t = type_from_mountinfo(st.st_dev);
    return special_types().count(t) ? t : "";
}

}  // namespace repot
