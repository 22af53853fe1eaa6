#pragma once
// The journal that makes the outputs of a run appear together: before the first rename, the list of
// files to move in from the staging folder and of earlier outputs to remove is written to
// DIR/.repot-commit.json (atomically). Whoever next takes the folder's lock and finds a journal
// completes it; a staging folder without a journal is a run that never committed and is removed.
#include <optional>
#include <string>
#include <vector>

namespace repot {

struct CommitJournal {
    std::string staging;              // staging folder, a name inside DIR
    std::vector<std::string> put;     // files of the staging folder moved into DIR, same name
    std::vector<std::string> remove;  // earlier outputs removed from DIR
};

inline constexpr const char* journal_name = ".repot-commit.json";
inline constexpr const char* staging_prefix = ".repot-staging-";

// A file name repot may create or remove in an output folder, relative to it: parts separated by '/'
// (e.g. "maps/zones.tif"), none empty, "." or "..", none hidden.
bool is_plain_name(const std::string& name);
// Creates the folders of `name` inside `dir` ("maps" for "maps/zones.tif"); errors surface at the rename.
void make_parent_dirs(const std::string& dir, const std::string& name);
// Removes the folders of `name` inside `dir` that are left empty (an earlier run's "maps").
void remove_empty_parents(const std::string& dir, const std::string& name);

// Writes the journal: temporary file, fsync, rename over the final name, fsync of the folder.
void write_journal(const std::string& dir, const CommitJournal& j);
void remove_journal(const std::string& dir);
// nullopt when there is none; throws DataError when there is one that repot did not write.
std::optional<CommitJournal> read_journal(const std::string& dir);

// Completes a journal: every listed file still in the staging folder is moved in, every file to
// remove is removed, then the journal and the staging folder go. Safe to repeat after a crash.
void roll_forward(const std::string& dir, const CommitJournal& j);

// Called with the lock held, before a run stages anything: completes an interrupted commit and
// removes staging folders of runs that never committed.
void recover_output_dir(const std::string& dir);

// fsync of a file or folder by path; errors ignored where the filesystem does not support it.
void sync_path(const std::string& path);

}  // namespace repot
