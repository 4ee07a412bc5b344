#pragma once
// A function lowered to register bytecode (Note [Lazy lowering]: built once
// per lang::Function, on first call, then shared by every thread).
//
// Instructions are fixed-width records; variable operand lists (op inputs and
// outputs, call arguments) live in `operands`. Registers are numbered per
// frame: the function's parameters first, then one per SSA value.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "interpreter/opcodes.h"
#include "lang/function.h"
#include "lang/ivalue.h"
#include "lang/source.h"

namespace wick::interp {

// Set on an input register in an OP, CALL, CALL_METHOD, LIST or TUPLE
// operand run when that instruction is the value's last reader (Note [Moved
// operands] in lowering.cpp): the VM moves the value out instead of copying
// it, which saves a refcount round trip and leaves a string or list uniquely
// owned, so a kernel may reuse it (aten::add.str appends in place).
constexpr uint32_t kMoveOperand = 1u << 31;

struct Instr {
  Opcode op;
  uint32_t a = 0, b = 0, c = 0;
  const void* p = nullptr;
};

struct Code {
  // What CALL and RET read come first, so they share a cache line.
  std::vector<Instr> instrs;
  std::vector<uint32_t> operands;
  uint32_t num_registers = 0;
  uint32_t num_params = 0;
  // Registers that may hold heap values; RET clears just these.
  std::vector<uint32_t> heap_registers;

  std::string name;
  std::vector<lang::IValue> constants;
  std::vector<lang::SourceRange> ranges;  // per instruction, for tracebacks
  std::vector<lang::InlineStack> inline_stacks;  // per instruction: calls inlined around it
  std::deque<lang::TypePtr> types;        // keeps types referenced by `p` alive (stable addresses)
  std::vector<std::vector<lang::TypePtr>> type_lists;
  std::vector<std::string> strings;

  // "  12 ADD_I      r3 r1 r2    # file.py:4:9" per instruction.
  std::string disassemble() const;
};

// A copy of the function's graph after the optimization pipeline.
std::shared_ptr<lang::Graph> optimizedGraph(const lang::Function& fn);

// Lowers a function's graph (after the optimization pipeline) to bytecode.
std::shared_ptr<Code> lower(const lang::Function& fn);

// The lowered code of `fn`, built on first use (thread-safe).
const Code& codeFor(lang::Function& fn);

}  // namespace wick::interp
