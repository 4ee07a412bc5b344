#pragma once
// The pickle opcodes of TorchScript archives (spec §4.1), written once: the
// enum, the names in error messages and the unpickler's "is this opcode in
// the subset" test all come from this table. Torch's unpickler accepts
// exactly these and nothing else; `written` marks the ones its pickler emits
// (and so ours). Integers are little-endian, BINFLOAT is big-endian.
#include <cstdint>

namespace wick::serialize {

//  X(name,        byte, written)  operands            effect
#define WICK_PICKLE_OPCODES(X)                                                                   \
  X(PROTO,         0x80, true)  /* u8 = 2             must come first                        */ \
  X(STOP,          '.',  true)  /*                    end; the one value left is the result  */ \
  X(MARK,          '(',  true)  /*                    push a mark                            */ \
  X(EMPTY_TUPLE,   ')',  true)  /*                    push ()                                */ \
  X(TUPLE,         't',  true)  /*                    tuple of the items since the mark      */ \
  X(TUPLE1,        0x85, true)  /*                    tuple of the top 1 item                */ \
  X(TUPLE2,        0x86, true)  /*                    tuple of the top 2 items               */ \
  X(TUPLE3,        0x87, true)  /*                    tuple of the top 3 items               */ \
  X(EMPTY_LIST,    ']',  true)  /*                    push []                                */ \
  X(APPENDS,       'e',  true)  /*                    extend the list below the mark         */ \
  X(LIST,          'l',  false) /*                    list of the items since the mark       */ \
  X(EMPTY_DICT,    '}',  true)  /*                    push {}                                */ \
  X(SETITEMS,      'u',  true)  /*                    pairs since the mark into the dict below */ \
  X(SETITEM,       's',  false) /*                    one pair into the dict below it        */ \
  X(DICT,          'd',  false) /*                    dict of the pairs since the mark       */ \
  X(NONE,          'N',  true)  /*                                                           */ \
  X(NEWTRUE,       0x88, true)  /*                                                           */ \
  X(NEWFALSE,      0x89, true)  /*                                                           */ \
  X(BININT1,       'K',  true)  /* u8                                                        */ \
  X(BININT2,       'M',  true)  /* u16                                                       */ \
  X(BININT,        'J',  true)  /* i32                                                       */ \
  X(LONG1,         0x8a, true)  /* u8 n = 8, i64      torch only reads 8-byte longs          */ \
  X(BINFLOAT,      'G',  true)  /* f64 big-endian                                            */ \
  X(BINUNICODE,    'X',  true)  /* u32 n, n bytes     UTF-8 string                           */ \
  X(GLOBAL,        'c',  true)  /* module\nname\n     a name from the allow-list (spec §4.3) */ \
  X(NEWOBJ,        0x81, true)  /*                    cls, args -> new instance              */ \
  X(REDUCE,        'R',  true)  /*                    callable, args -> result               */ \
  X(BUILD,         'b',  true)  /*                    instance, state -> instance            */ \
  X(BINPERSID,     'Q',  true)  /*                    persistent id tuple -> storage (§5)    */ \
  X(BINPUT,        'q',  true)  /* u8                 memo[i] = top                          */ \
  X(LONG_BINPUT,   'r',  true)  /* u32                                                       */ \
  X(BINGET,        'h',  true)  /* u8                 push memo[i]                           */ \
  X(LONG_BINGET,   'j',  true)  /* u32                                                       */

enum class PickleOp : uint8_t {
#define WICK_PICKLE_OP_ENUM(name, byte, written) name = byte,
  WICK_PICKLE_OPCODES(WICK_PICKLE_OP_ENUM)
#undef WICK_PICKLE_OP_ENUM
};

// "BINPUT" for 'q'; nullptr for a byte outside torch's subset.
inline const char* pickleOpName(uint8_t byte) {
  switch (byte) {
#define WICK_PICKLE_OP_NAME(name, code, written) \
  case code: return #name;
    WICK_PICKLE_OPCODES(WICK_PICKLE_OP_NAME)
#undef WICK_PICKLE_OP_NAME
  }
  return nullptr;
}

}  // namespace wick::serialize
