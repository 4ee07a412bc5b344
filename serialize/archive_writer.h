#pragma once
// Writing an archive's records in torch's order and layout (spec §1.1, §10
// writer checklist), shared by the round trip (`saveArchive`, code copied
// from the loaded archive) and by saving compiled code (`saveCompiled`,
// code printed from the graphs).
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lang/ivalue.h"

namespace wick::serialize {

struct ArchiveRecords {
  lang::IValue root;                                         // pickled into data.pkl
  std::vector<std::pair<std::string, std::string>> code;     // "code/__torch__.py" -> text
  std::vector<lang::IValue> constants;                       // constants.pkl
  int64_t version = 3;                                       // the `version` record
  std::map<std::string, std::string> extra_files;            // `extra/NAME`
};

// Writes the records under the archive name torch derives from `path`, to a
// temporary file renamed into place (an existing file survives a failure).
void writeArchive(const ArchiveRecords& records, const std::string& path);

}  // namespace wick::serialize
