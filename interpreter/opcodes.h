#pragma once
// The bytecode's opcode table, written once (Note [Opcode table]): the enum,
// the names and the disassembler are generated from it. Grep WICK_OPCODES if
// you add one: the dispatch loop in vm.cpp needs a case too.
//
// Operands a, b, c are register numbers relative to the frame base unless the
// meaning says otherwise; `ops[b..]` is a run of register numbers in the
// function's operand pool; `p` is a pointer resolved when lowering (kernel,
// callee, type).
namespace wick::interp {

#define WICK_OPCODES(_)                                                                  \
  _(LOADK, "r[a] = constants[b]")                                                        \
  _(MOVE, "r[a] = r[b]")                                                                 \
  _(JUMP, "pc = a")                                                                      \
  _(JUMP_IF_FALSE, "if not r[a]: pc = b")                                                \
  _(JUMP_IF_NOT_LT_I, "if not r[a] < r[b]: pc = c (int compare fused with its if)")       \
  _(JUMP_IF_NOT_LE_I, "if not r[a] <= r[b]: pc = c")                                     \
  _(JUMP_IF_NOT_GT_I, "if not r[a] > r[b]: pc = c")                                      \
  _(JUMP_IF_NOT_GE_I, "if not r[a] >= r[b]: pc = c")                                     \
  _(JUMP_IF_NOT_EQ_I, "if not r[a] == r[b]: pc = c")                                     \
  _(JUMP_IF_NOT_NE_I, "if not r[a] != r[b]: pc = c")                                     \
  _(JUMP_IF_NOT_LT_IK, "if not r[a] < b: pc = c (b an int32 immediate)")                \
  _(JUMP_IF_NOT_LE_IK, "if not r[a] <= b: pc = c")                                       \
  _(JUMP_IF_NOT_GT_IK, "if not r[a] > b: pc = c")                                        \
  _(JUMP_IF_NOT_GE_IK, "if not r[a] >= b: pc = c")                                       \
  _(JUMP_IF_NOT_EQ_IK, "if not r[a] == b: pc = c")                                       \
  _(JUMP_IF_NOT_NE_IK, "if not r[a] != b: pc = c")                                       \
  _(LOOP_TEST, "if not (r[a] and r[b] < r[c]): pc = target (ops[p])")                  \
  _(INC, "r[a] += 1 (int)")                                                              \
  _(ADD_I, "r[a] = r[b] + r[c] (int)")                                                   \
  _(SUB_I, "r[a] = r[b] - r[c] (int)")                                                   \
  _(ADD_IK, "r[a] = r[b] + c (int, c an int32 immediate)")                               \
  _(SUB_IK, "r[a] = r[b] - c (int, c an int32 immediate)")                               \
  _(MUL_I, "r[a] = r[b] * r[c] (int)")                                                   \
  _(FLOORDIV_I, "r[a] = r[b] // r[c] (int, Python floor)")                               \
  _(MOD_I, "r[a] = r[b] % r[c] (int, Python sign)")                                      \
  _(LT_I, "r[a] = r[b] < r[c] (int)")                                                    \
  _(LE_I, "r[a] = r[b] <= r[c] (int)")                                                   \
  _(GT_I, "r[a] = r[b] > r[c] (int)")                                                    \
  _(GE_I, "r[a] = r[b] >= r[c] (int)")                                                   \
  _(EQ_I, "r[a] = r[b] == r[c] (int)")                                                   \
  _(NE_I, "r[a] = r[b] != r[c] (int)")                                                   \
  _(ADD_F, "r[a] = r[b] + r[c] (float)")                                                 \
  _(SUB_F, "r[a] = r[b] - r[c] (float)")                                                 \
  _(MUL_F, "r[a] = r[b] * r[c] (float)")                                                 \
  _(DIV_F, "r[a] = r[b] / r[c] (float)")                                                 \
  _(LT_F, "r[a] = r[b] < r[c] (float)")                                                  \
  _(GT_F, "r[a] = r[b] > r[c] (float)")                                                  \
  _(NOT, "r[a] = not r[b]")                                                              \
  _(OP, "outs ops[b+c..b+c+a) = kernel p(ins ops[b..b+c))")                              \
  _(CALL, "r[ops[b+c]] = code p(ops[b..b+c)) (Note [Direct calls])")                    \
  _(CALL_FN, "r[ops[b+c]] = function p(ops[b..b+c)) (its code read when called)")        \
  _(CALL_METHOD, "r[ops[b+c]] = method strings[a] of r[ops[b]]'s class(ops[b..b+c))")   \
  _(RET, "return r[a]")                                                                  \
  _(LIST, "r[a] = [ops[b..b+c)] with element type p")                                    \
  _(DICT, "r[a] = {ops[b]: ops[b+1], ...} (c operands) with type p")                     \
  _(TUPLE, "r[a] = (ops[b..b+c)) with named-tuple type p (or null)")                     \
  _(UNPACK, "ops[b..b+c) = elements of r[a] (tuple or list of exactly c)")               \
  _(TUPLE_INDEX, "r[a] = r[b][c]")                                                       \
  _(GETATTR, "r[a] = r[b].slots[c]")                                                     \
  _(SETATTR, "r[a].slots[c] = r[b]")                                                     \
  _(NEWOBJ, "r[a] = new object of class p")                                              \
  _(RAISE, "raise exception kind p with message r[a]")                                   \
  _(PRINT, "print ops[b..b+c) separated by spaces")                                      \
  _(ISINSTANCE, "r[a] = r[b] is an instance of one of the types p")                      \
  _(ENUM_NAME, "r[a] = r[b].name")                                                       \
  _(ENUM_VALUE, "r[a] = r[b].value")

enum class Opcode : unsigned char {
#define WICK_OPCODE_ENUM(name, meaning) name,
  WICK_OPCODES(WICK_OPCODE_ENUM)
#undef WICK_OPCODE_ENUM
};

const char* opcodeName(Opcode op);

}  // namespace wick::interp
