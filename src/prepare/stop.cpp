#include "stop.hpp"

#include <atomic>

#include "repot/error.hpp"
#include "repot/prepare.hpp"

namespace repot {

namespace {
// Lock-free, so setting it from a signal handler is safe.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace

void request_prepare_stop() { stop_requested = true; }

void prepare::throw_if_stop_requested() {
    if (stop_requested) throw Interrupted();
}

}  // namespace repot
