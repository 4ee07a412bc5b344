#pragma once
// Torch's restricted unpickler: reads `data.pkl` / `constants.pkl` (spec §4-§6)
// into values. Only the opcodes of spec §4.1 and the globals of §4.3 are
// accepted, so an archive can never make the reader run code it chose; what
// the pickle names (classes, type strings, storages) is resolved through hooks
// supplied by the archive loader.
//
//   UnpickleHooks hooks;
//   hooks.resolve_class = [&](const std::string& q) { return typeNamed(q); };
//   hooks.parse_type = [&](const std::string& s) { return parseAnnotation(s); };
//   hooks.load_storage = [&](const std::string& key, ops::ScalarType dtype, int64_t numel,
//                            const std::string& location) { return storageOfRecord("data/" + key, ...); };
//   lang::IValue module = unpickle(zip.read("net/data.pkl").bytes, hooks, "net.pt: net/data.pkl");
//
// Every malformed input (truncation, unknown opcodes or globals, stack
// underflow, bad memo indices, wrong types, tensors reaching outside their
// storage) is an ArchiveError naming `where` and the byte offset of the
// opcode; nothing allocates more than the input can justify.
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "lang/ivalue.h"
#include "lang/types.h"
#include "ops/tensor/scalar_type.h"
#include "ops/tensor/tensor.h"
#include "serialize/zip_reader.h"  // ArchiveError

namespace wick::serialize {

struct UnpickleHooks {
  // A GLOBAL under `__torch__` (module + "." + name, e.g. "__torch__.torch.nn.modules.linear.Linear"):
  // return its class / enum / named-tuple type, or throw ArchiveError.
  std::function<lang::TypePtr(const std::string& qualname)> resolve_class;
  // restore_type_tag's type string ("List[str]", "Dict[str, __torch__.Foo]") -> type.
  std::function<lang::TypePtr(const std::string& type_str)> parse_type;
  // BINPERSID ('storage', <X>Storage, key, location, numel): the storage's bytes (numel*itemsize, already
  // length-checked by the hook). Not called for numel 0 (torch never reads those records either).
  // `location` is passed as written ("cpu"); the hook decides what other locations mean.
  std::function<lang::Ref<ops::Storage>(const std::string& key, ops::ScalarType dtype, int64_t numel,
                                        const std::string& location)>
      load_storage;
  // BUILD of an object whose class defines __setstate__ (torch's rule: then
  // the pickled state is whatever __getstate__ returned): run it on the new,
  // empty object. Returns false where the class has none; the state must then
  // be a dict of attributes. Unset: no class has one.
  std::function<bool(const lang::IValue& object, const lang::IValue& state)> set_state;
};

// `where` names the archive and record for error messages, e.g. "net.pt: net/data.pkl".
lang::IValue unpickle(std::span<const uint8_t> bytes, const UnpickleHooks& hooks, const std::string& where);

// Note [Bounded nesting]: values nest at most this deep (a list in a list is
// depth 2). Deeper ones would overflow the native stack in every recursive
// walk over values (destruction included), so the unpickler refuses them and
// the pickler refuses to write them. Real modules nest a few dozen levels.
constexpr uint32_t kMaxValueNesting = 1000;

}  // namespace wick::serialize
