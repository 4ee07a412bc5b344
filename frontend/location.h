#pragma once
// Bison's location type: byte offsets into the Source being parsed. Line and
// column are computed only when a diagnostic is printed (lang/source.h).
#include <cstdint>
#include <ostream>

namespace wick::frontend {

struct Loc {
  uint32_t begin = 0;
  uint32_t end = 0;
};

inline std::ostream& operator<<(std::ostream& os, const Loc& l) { return os << l.begin << "-" << l.end; }

}  // namespace wick::frontend
