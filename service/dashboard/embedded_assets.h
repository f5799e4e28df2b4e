// The dashboard's files (service/dashboard/assets/), compiled into the
// binary by cmake/embed_dashboard.cmake so the service needs nothing beside
// it at run time. The definition is generated at build time.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace backflow::dashboard {

struct EmbeddedAsset {
  std::string_view path;  // relative to assets/, e.g. "app.js"
  const unsigned char* data;
  std::size_t size;
};

// Every embedded file, in path order. The data lives for the whole program.
std::span<const EmbeddedAsset> embedded_assets();

}  // namespace backflow::dashboard
