// Looks up the dashboard's embedded files by URL path, with the content type
// a browser needs to use them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace backflow::dashboard {

struct StaticFile {
  std::string_view content;
  std::string content_type;
};

// "/" is index.html; "/assets/<name>" is the embedded file <name>.
// nullopt for anything else or an unknown file.
std::optional<StaticFile> find_static_file(std::string_view url_path);

// "text/css; charset=utf-8" for "x.css", ...; application/octet-stream when
// the extension is unknown.
std::string content_type_for(std::string_view file_name);

}  // namespace backflow::dashboard
