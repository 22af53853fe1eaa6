#pragma once
// An output folder written as one transaction (docs/reliability.md, "Output folders"):
// - the folder is locked (DIR/.repot.lock): a second run into it fails at once;
// - files are staged in a hidden folder inside it (DIR/.repot-staging-<pid>/) and committed
//   through a journal (DIR/.repot-commit.json), so that the outputs of a run appear together or
//   not at all, even across a crash;
// - files of the earlier run that this one does not write are removed, but only those the earlier
//   run.json lists in "outputs"; every other file in the folder belongs to the user and is left.
// The folder itself is never renamed or replaced: it may be a mount point.
#include <memory>
#include <string>
#include <vector>

namespace repot {

class DirLock;

class OutputDir {
public:
    // For a new result: creates the folder if needed, refuses pseudo-filesystems (/dev, /proc...),
    // takes the lock, completes or clears what an interrupted run left. Throws DataError naming the
    // folder.
    explicit OutputDir(const std::string& dir);
    // For adding files to a finished result (e.g. a report): the folder must hold a run.json;
    // commit then adds or replaces the staged files and removes nothing.
    static std::unique_ptr<OutputDir> open_existing(const std::string& dir);
    ~OutputDir();  // removes the staging folder unless committed; releases the lock
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;

    // `name` may hold a folder ("maps/zones.tif"): created in the staging folder and at commit.
    void stage(const std::string& name, const std::string& content);
    // Path for a file another writer (e.g. GDAL) produces itself; committed like the staged ones.
    std::string stage_path(const std::string& name);
    // Path for a working file in the staging folder that is never committed (removed with the folder).
    std::string scratch_path(const std::string& name) const;
    // Never removed by commit, even when the earlier run.json lists it (an input of this run).
    void keep(const std::string& path);
    // Names staged so far, in order (what run.json lists as "outputs", with itself).
    const std::vector<std::string>& staged_names() const { return names_; }
    // The "outputs" of the run.json found in the folder when it was opened (empty if none).
    const std::vector<std::string>& earlier_outputs() const { return earlier_; }

    // Moves every staged file into place and removes the earlier outputs this run does not write,
    // all or nothing; returns the final paths. Throws DataError, leaving the earlier result, when a
    // target is not a regular file or a rename fails.
    std::vector<std::string> commit();
    const std::string& dir() const { return dir_; }

private:
    OutputDir(const std::string& dir, bool create);
    std::vector<std::string> earlier_to_remove() const;

    std::string dir_;
    std::unique_ptr<DirLock> lock_;
    std::string staging_;  // path of the staging folder
    std::vector<std::string> names_, earlier_, keep_;
    bool replace_ = true;  // a new result: earlier outputs not written again are removed
    bool committed_ = false;
};

}  // namespace repot
