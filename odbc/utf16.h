// UTF-16 (what ODBC's SQL_C_WCHAR buffers hold) to UTF-8 (what backflow's
// text values hold).
#pragma once

#include <cstddef>
#include <string>

namespace backflow::odbc {

// Appends the UTF-8 form of `units` UTF-16 code units (native byte order) at
// `data` to `out`. Surrogate pairs become one 4-byte sequence; an unpaired
// surrogate becomes U+FFFD rather than invalid UTF-8.
void append_utf16_as_utf8(const char16_t* data, std::size_t units, std::string& out);

}  // namespace backflow::odbc
