#pragma once
// SIGINT/SIGTERM during `repot prepare`: request_prepare_stop() (repot/prepare.hpp) sets a flag that
// the long loops poll, so that the command stops within one feature or tile and its staged outputs
// are removed (StagedRaster's destructor), like `repot run` stops at the next block.
namespace repot::prepare {

// Throws Interrupted once a stop was requested.
void throw_if_stop_requested();

}  // namespace repot::prepare
