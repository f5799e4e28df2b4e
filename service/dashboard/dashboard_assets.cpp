#include "service/dashboard/dashboard_assets.h"

#include <array>
#include <utility>

#include "service/dashboard/embedded_assets.h"

namespace backflow::dashboard {

std::string content_type_for(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (file_name.size() > extension.size() && file_name.ends_with(extension)) return std::string(type);
  }
  return "application/octet-stream";
}

std::optional<StaticFile> find_static_file(std::string_view url_path) {
  std::string_view name;
  constexpr std::string_view kAssets = "/assets/";
  if (url_path == "/" || url_path == "/index.html") {
    name = "index.html";
  } else if (url_path.starts_with(kAssets)) {
    name = url_path.substr(kAssets.size());
  } else {
    return std::nullopt;
  }
  // Exact names only: no directories, so no path can climb out of assets/.
  for (const auto& asset : embedded_assets()) {
    if (asset.path == name) {
      return StaticFile{std::string_view(reinterpret_cast<const char*>(asset.data), asset.size),
                        content_type_for(name)};
    }
  }
  return std::nullopt;
}

}  // namespace backflow::dashboard
