// New Releases: titles released within spec.release_window_days before now
// (not after: an announced title is not a release), allowed and unwatched,
// ranked for the member by the request's scores.
#pragma once

#include <memory>

#include "marquee/page/row_generator.h"

namespace marquee::page {

std::unique_ptr<RowGenerator> MakeNewReleasesRow(const RowSpec& spec);

}  // namespace marquee::page
