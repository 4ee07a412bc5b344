// einsum by broadcasting: every operand is permuted onto one axis per label
// (size 1 where it lacks the label), the operands are multiplied, and the
// labels not in the output are summed away. Simple, and fine at the sizes
// TorchScript programs use it for.
//
// Labels are a-z and A-Z; `...` stands for the operand's leading unlabelled
// dims, which broadcast right-aligned across operands and get the internal
// labels '0', '1', ... (never letters). Without `->` the output is the
// ellipsis dims, then the labels used once, uppercase before lowercase.
#include <algorithm>
#include <cctype>
#include <map>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

std::vector<std::string> splitTerms(const std::string& lhs) {
  std::vector<std::string> terms;
  size_t start = 0;
  for (size_t i = 0; i <= lhs.size(); ++i)
    if (i == lhs.size() || lhs[i] == ',') {
      terms.push_back(lhs.substr(start, i - start));
      start = i + 1;
    }
  return terms;
}

// Replaces `...` in term by the last `count` of the ellipsis labels.
std::string expandEllipsis(const std::string& term, int64_t count, int64_t width) {
  auto pos = term.find("...");
  if (pos == std::string::npos) return term;
  std::string labels;
  for (int64_t i = width - count; i < width; ++i) labels += static_cast<char>('0' + i);
  return term.substr(0, pos) + labels + term.substr(pos + 3);
}

void checkLabels(const std::string& term, const std::string& eq) {
  for (size_t i = 0; i < term.size(); ++i) {
    char c = term[i];
    if (c == '.' && term.compare(i, 3, "...") == 0 && term.find("...", i + 3) == std::string::npos) {
      i += 2;
      continue;
    }
    if (c == '.') lang::raise("RuntimeError", "einsum(): found '.' for operand that is not part of any ellipsis");
    if (!std::isalpha(static_cast<unsigned char>(c)))
      lang::raise("RuntimeError", "einsum(): invalid subscript given at index " + std::to_string(eq.find(c)) +
                                      " in the equation string, subscripts must be in [a-zA-Z]");
  }
}

Tensor einsum(const std::string& eq_in, const std::vector<Tensor>& ops) {
  std::string eq = eq_in;
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  auto arrow = eq.find("->");
  bool explicit_out = arrow != std::string::npos;
  std::string lhs = explicit_out ? eq.substr(0, arrow) : eq, rhs = explicit_out ? eq.substr(arrow + 2) : "";
  std::vector<std::string> terms = splitTerms(lhs);
  if (terms.size() > ops.size()) lang::raise("RuntimeError", "einsum(): more operands were specified in the equation than were provided");
  if (terms.size() < ops.size()) lang::raise("RuntimeError", "einsum(): more operands were provided than specified in the equation");
  // Ellipsis widths: each operand's unlabelled dims; the widest sets the count.
  int64_t width = 0;
  std::vector<int64_t> covered(ops.size(), 0);
  for (size_t k = 0; k < ops.size(); ++k) {
    checkLabels(terms[k], eq);
    bool has = terms[k].find("...") != std::string::npos;
    int64_t letters = static_cast<int64_t>(terms[k].size()) - (has ? 3 : 0);
    if (has ? letters > ops[k].dim() : letters != ops[k].dim())
      lang::raise("RuntimeError", "einsum(): the number of subscripts in the equation (" + std::to_string(letters) +
                                      ") does not match the number of dimensions (" + std::to_string(ops[k].dim()) + ") for operand " +
                                      std::to_string(k) + (has ? "" : " and no ellipsis was given"));
    covered[k] = has ? ops[k].dim() - letters : 0;
    width = std::max(width, covered[k]);
  }
  std::map<char, int> count;
  std::string letters;  // every label, first-seen order
  for (size_t k = 0; k < ops.size(); ++k) {
    terms[k] = expandEllipsis(terms[k], covered[k], width);
    for (char c : terms[k])
      if (count[c]++ == 0) letters += c;
  }
  std::string ell;
  for (int64_t i = 0; i < width; ++i) ell += static_cast<char>('0' + i);
  if (explicit_out) {
    checkLabels(rhs, eq);
    rhs = expandEllipsis(rhs, width, width);
    for (size_t i = 0; i < rhs.size(); ++i) {
      if (rhs.find(rhs[i], i + 1) != std::string::npos)
        lang::raise("RuntimeError", std::string("einsum(): output subscript ") + rhs[i] + " appears more than once in the output");
      if (!count.count(rhs[i]))
        lang::raise("RuntimeError", std::string("einsum(): output subscript ") + rhs[i] + " does not appear in the equation for any input operand");
    }
  } else {
    rhs = ell;
    for (const auto& [c, n] : count)
      if (n == 1 && std::isalpha(static_cast<unsigned char>(c))) rhs += c;
  }
  std::string order = rhs;
  for (char c : letters)
    if (rhs.find(c) == std::string::npos) order += c;
  Tensor acc;
  static const lang::Operator* diagonal = findOp("aten::diagonal");
  for (size_t k = 0; k < ops.size(); ++k) {
    // A label repeated within one operand takes that operand's diagonal
    // (aten::diagonal moves the merged dim last).
    Tensor cur = ops[k];
    std::string t = terms[k];
    for (bool again = true; again;) {
      again = false;
      for (size_t i = 0; i < t.size() && !again; ++i) {
        size_t j = t.find(t[i], i + 1);
        if (j == std::string::npos) continue;
        cur = callTensorOp(diagonal, {cur.toIValue(), IValue(int64_t(0)), IValue(int64_t(i)), IValue(int64_t(j))});
        char c = t[i];
        t.erase(j, 1);
        t.erase(i, 1);
        t += c;
        again = true;
      }
    }
    IntArray perm, view;
    for (char c : order)
      if (auto pos = t.find(c); pos != std::string::npos) perm.push_back(static_cast<int64_t>(pos));
    cur = cur.permute(perm);
    int64_t j = 0;
    for (char c : order) view.push_back(t.find(c) != std::string::npos ? cur.sizes()[j++] : 1);
    cur = cur.reshape(view);
    acc = acc.defined() ? mul(acc.toIValue(), cur.toIValue()) : cur;
  }
  IntArray sum_dims;
  for (size_t i = rhs.size(); i < order.size(); ++i) sum_dims.push_back(static_cast<int64_t>(i));
  if (!sum_dims.empty())
    acc = callTensorOp(findOp("aten::sum.dim_IntList"), {acc.toIValue(), fromIntArray(sum_dims), IValue(false), IValue()});
  return acc.contiguous();
}

void einsumKernel(Stack& s) {  // einsum(str equation, Tensor[] tensors, *, int[]? path=None)
  pushResult(s, 3, einsum(argAt(s, 3, 0).toStr(), toTensorList(argAt(s, 3, 1))));
}

static lang::RegisterOps reg({
    {"aten::einsum(str equation, Tensor[] tensors, *, int[]? path=None) -> Tensor", einsumKernel},
});

}  // namespace
}  // namespace wick::ops
