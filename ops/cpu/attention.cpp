// scaled_dot_product_attention, and the inference fast paths of nn.MultiheadAttention (aten::_native_multi_head_attention)
// and nn.TransformerEncoderLayer (aten::_transformer_encoder_layer_fwd),
// composed from linear, matmul and softmax: torch takes it when nothing needs
// gradients, and archives call it by name.
#include <cmath>

#include "ops/tensor/call_op.h"
#include "ops/tensor/kernel_args.h"

namespace wick::ops {
namespace {

using lang::IValue;
using lang::Stack;

IValue tv(const Tensor& t) { return t.toIValue(); }
Tensor call(const char* op, std::initializer_list<IValue> args) { return callTensorOp(findOp(op), args); }

// [B, L, E] -> [B, heads, L, E/heads]
Tensor splitHeads(const Tensor& x, int64_t heads) {
  int64_t b = x.size(0), l = x.size(1), e = x.size(2);
  return x.reshape({b, l, heads, e / heads}).transpose(1, 2);
}

struct AttentionWeights {
  int64_t embed, heads;
  Tensor w, bias, pw, pb;  // packed q/k/v projection and output projection
  int64_t mask_type = -1;  // 0: an attention mask [L, S]; 1: a key padding mask [B, S]; -1: none given
};

int64_t maskType(const IValue& v) { return v.isNone() ? -1 : v.toInt(); }

// Scores under a mask: a bool mask sets -inf where it is `hide` (the fast
// paths' masks mark what to hide, scaled_dot_product_attention's what to
// keep); any other mask is added.
Tensor masked(const Tensor& scores, const Tensor& m, bool hide) {
  if (m.dtype() != ScalarType::Bool) return add(tv(scores), tv(m.to(scores.dtype())));
  Tensor where = hide ? m : call("aten::logical_not", {tv(m)});
  return call("aten::masked_fill.Scalar", {tv(scores), tv(where), IValue(-INFINITY)});
}

// Scaled dot-product attention of [B, L, E] inputs; `weights` gets the
// attention probabilities [B, heads, L, S] when asked for.
Tensor attention(Tensor q, Tensor k, Tensor v, const AttentionWeights& a, const IValue& mask, Tensor* weights) {
  int64_t embed = a.embed, heads = a.heads;
  if (heads <= 0 || embed % heads != 0) lang::raise("RuntimeError", "embed_dim must be divisible by num_heads");
  if (q.dim() != 3 || q.size(2) != embed) lang::raise("RuntimeError", "query must be [batch, length, embed_dim], got " + shapeStr(q.sizes()));
  auto proj = [&](const Tensor& x, int64_t i) {
    return call("aten::linear", {tv(x), tv(a.w.narrow(0, i * embed, embed)), tv(a.bias.narrow(0, i * embed, embed))});
  };
  Tensor qh = splitHeads(proj(q, 0), heads), kh = splitHeads(proj(k, 1), heads), vh = splitHeads(proj(v, 2), heads);
  double scale = 1.0 / std::sqrt(static_cast<double>(embed / heads));
  Tensor scores = call("aten::matmul", {tv(mul(tv(qh), IValue(scale))), tv(kh.transpose(-2, -1))});
  if (!mask.isNone()) {
    Tensor m = Tensor::fromIValue(mask);
    // mask_type 1: a key padding mask [B, S], for every head and query.
    if (a.mask_type == 1 && m.dim() == 2) m = m.reshape({m.size(0), 1, 1, m.size(1)});
    scores = masked(scores, m, true);
  }
  Tensor attn = call("aten::softmax.int", {tv(scores), IValue(int64_t(-1)), IValue()});
  Tensor ctx = call("aten::matmul", {tv(attn), tv(vh)});  // [B, heads, L, d]
  int64_t b = ctx.size(0), l = ctx.size(2);
  if (weights) *weights = attn;
  return call("aten::linear", {tv(ctx.transpose(1, 2).reshape({b, l, embed})), tv(a.pw), tv(a.pb)});
}

// (query, key, value, embed_dim, num_head, qkv_weight, qkv_bias, proj_weight, proj_bias,
//  mask=None, need_weights=True, average_attn_weights=True, mask_type=None) -> (out, weights)
void nativeMhaKernel(Stack& s) {
  constexpr size_t n = 13;
  Tensor q = tensorAt(s, n, 0), k = tensorAt(s, n, 1), v = tensorAt(s, n, 2);
  AttentionWeights a{argAt(s, n, 3).toInt(), argAt(s, n, 4).toInt(), tensorAt(s, n, 5), tensorAt(s, n, 6), tensorAt(s, n, 7), tensorAt(s, n, 8),
                     maskType(argAt(s, n, 12))};
  bool need_weights = argAt(s, n, 10).toBool(), average = argAt(s, n, 11).toBool();
  bool unbatched = q.dim() == 2;
  if (unbatched) q = q.unsqueeze(0), k = k.unsqueeze(0), v = v.unsqueeze(0);
  Tensor weights;
  Tensor out = attention(q, k, v, a, argAt(s, n, 9), &weights);
  if (need_weights) {
    if (average) weights = call("aten::mean.dim", {tv(weights), fromIntArray({1}), IValue(false), IValue()});
    if (unbatched) weights = weights.squeeze(0);
  } else {
    weights = Tensor::empty({0}, q.dtype());
  }
  if (unbatched) out = out.squeeze(0);
  pushResults(s, n, {tv(out), tv(weights)});
}

// (src, embed_dim, num_heads, qkv_weight, qkv_bias, proj_weight, proj_bias, use_gelu, norm_first, eps,
//  norm_weight_1, norm_bias_1, norm_weight_2, norm_bias_2, ffn_weight_1, ffn_bias_1, ffn_weight_2, ffn_bias_2,
//  mask=None, mask_type=None): nn.TransformerEncoderLayer's inference path.
void transformerEncoderLayerKernel(Stack& s) {
  constexpr size_t n = 20;
  Tensor src = tensorAt(s, n, 0);
  AttentionWeights a{argAt(s, n, 1).toInt(), argAt(s, n, 2).toInt(), tensorAt(s, n, 3), tensorAt(s, n, 4), tensorAt(s, n, 5), tensorAt(s, n, 6),
                     maskType(argAt(s, n, 19))};
  bool gelu = argAt(s, n, 7).toBool(), norm_first = argAt(s, n, 8).toBool();
  IValue eps = argAt(s, n, 9);
  auto norm = [&](const Tensor& x, size_t i) {
    return call("aten::layer_norm", {tv(x), fromIntArray({a.embed}), argAt(s, n, i), argAt(s, n, i + 1), eps, IValue(true)});
  };
  auto ffn = [&](const Tensor& x) {
    Tensor h = call("aten::linear", {tv(x), argAt(s, n, 14), argAt(s, n, 15)});
    h = gelu ? call("aten::gelu", {tv(h), IValue(std::string("none"))}) : call("aten::relu", {tv(h)});
    return call("aten::linear", {tv(h), argAt(s, n, 16), argAt(s, n, 17)});
  };
  bool unbatched = src.dim() == 2;
  Tensor x = unbatched ? src.unsqueeze(0) : src;
  IValue mask = argAt(s, n, 18);
  if (norm_first) {
    Tensor y = norm(x, 10);
    x = add(tv(x), tv(attention(y, y, y, a, mask, nullptr)));
    x = add(tv(x), tv(ffn(norm(x, 12))));
  } else {
    x = norm(add(tv(x), tv(attention(x, x, x, a, mask, nullptr))), 10);
    x = norm(add(tv(x), tv(ffn(x))), 12);
  }
  pushResult(s, n, unbatched ? x.squeeze(0) : x);
}

// torch.nn.functional.scaled_dot_product_attention (torch 2's attention, in
// the code of archives it writes and in traces of models that call it), as
// torch documents its reference: softmax(q k^T * scale + bias) v, where a bool
// mask keeps the true entries, a float mask adds, is_causal keeps the lower
// triangle, and enable_gqa repeats the key/value heads for groups of queries.
void sdpaKernel(Stack& s) {
  constexpr size_t n = 8;
  Tensor q = tensorAt(s, n, 0), k = tensorAt(s, n, 1), v = tensorAt(s, n, 2);
  const IValue& mask = argAt(s, n, 3);
  double dropout = argAt(s, n, 4).toDouble();
  bool causal = argAt(s, n, 5).toBool();
  if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2) lang::raise("RuntimeError", "scaled_dot_product_attention: query, key and value need 2 or more dimensions");
  if (causal && !mask.isNone()) lang::raise("RuntimeError", "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
  if (argAt(s, n, 7).toBool() && q.dim() >= 3 && k.size(-3) != q.size(-3)) {
    int64_t groups = q.size(-3) / k.size(-3);
    k = call("aten::repeat_interleave.self_int", {tv(k), IValue(groups), IValue(int64_t(-3)), IValue()});
    v = call("aten::repeat_interleave.self_int", {tv(v), IValue(groups), IValue(int64_t(-3)), IValue()});
  }
  double scale = argAt(s, n, 6).isNone() ? 1.0 / std::sqrt(static_cast<double>(q.size(-1))) : argAt(s, n, 6).toDouble();
  Tensor scores = mul(tv(call("aten::matmul", {tv(q), tv(k.transpose(-2, -1))})), IValue(scale));
  if (causal) {
    Tensor keep = call("aten::tril", {tv(Tensor::full({q.size(-2), k.size(-2)}, 1.0, ScalarType::Bool)), IValue(int64_t(0))});
    scores = masked(scores, keep, false);
  } else if (!mask.isNone()) {
    scores = masked(scores, Tensor::fromIValue(mask), false);
  }
  Tensor attn = call("aten::softmax.int", {tv(scores), IValue(int64_t(-1)), IValue()});
  if (dropout > 0) attn = call("aten::dropout", {tv(attn), IValue(dropout), IValue(true)});
  pushResult(s, n, call("aten::matmul", {tv(attn), tv(v)}));
}

// nn.TransformerEncoder's check before it packs a padded batch into a nested
// tensor: every row of `mask` [B, S] (true: a token) is a run of trues and
// then falses only.
void leftAlignedKernel(Stack& s) {
  Tensor t = tensorAt(s, 2, 0), mask = tensorAt(s, 2, 1);
  if (mask.dim() != 2 || t.dim() != 3 || mask.size(0) != t.size(0) || mask.size(1) != t.size(1))
    lang::raise("RuntimeError", "_nested_tensor_from_mask_left_aligned: expected a mask [B, S] for a tensor [B, S, E], got " +
                                    shapeStr(mask.sizes()) + " and " + shapeStr(t.sizes()));
  Tensor m = mask.to(ScalarType::Bool).contiguous();
  const bool* p = m.data<bool>();
  bool aligned = true;
  for (int64_t b = 0; b < m.size(0) && aligned; ++b) {
    const bool* row = p + b * m.size(1);
    int64_t j = 0;
    while (j < m.size(1) && row[j]) ++j;
    while (j < m.size(1) && !row[j]) ++j;
    aligned = j == m.size(1);
  }
  pushResult(s, 2, IValue(aligned));
}

// Nested tensors are not among wick's tensors: the padding-mask fast path
// of nn.TransformerEncoder (taken only when no weight requires grad) says so.
[[noreturn]] void nestedKernel(Stack&) {
  lang::raise("NotImplementedError",
              "nested tensors are not supported (nn.TransformerEncoder's fast path for a src_key_padding_mask "
              "packs one); save the model with weights that require grad, or without the padding mask");
}

static lang::RegisterOps reg({
    {"aten::scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0.0, bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> Tensor",
     sdpaKernel, lang::OpClass::Other, false},
    {"aten::_nested_tensor_from_mask_left_aligned(Tensor t, Tensor mask) -> bool", leftAlignedKernel},
    {"aten::_nested_tensor_from_mask(Tensor t, Tensor mask, bool mask_check=True) -> Tensor", nestedKernel},
    {"aten::to_padded_tensor(Tensor self, float padding, int[]? output_size=None) -> Tensor", nestedKernel},
    {"aten::_native_multi_head_attention(Tensor query, Tensor key, Tensor value, int embed_dim, int num_head, Tensor qkv_weight, Tensor qkv_bias, Tensor proj_weight, Tensor proj_bias, Tensor? mask=None, bool need_weights=True, bool average_attn_weights=True, int? mask_type=None) -> (Tensor, Tensor)",
     nativeMhaKernel},
    {"aten::_transformer_encoder_layer_fwd(Tensor src, int embed_dim, int num_heads, Tensor qkv_weight, Tensor qkv_bias, Tensor proj_weight, Tensor proj_bias, bool use_gelu, bool norm_first, float eps, Tensor norm_weight_1, Tensor norm_bias_1, Tensor norm_weight_2, Tensor norm_bias_2, Tensor ffn_weight_1, Tensor ffn_bias_1, Tensor ffn_weight_2, Tensor ffn_bias_2, Tensor? mask=None, int? mask_type=None) -> Tensor",
     transformerEncoderLayerKernel},
});

}  // namespace
}  // namespace wick::ops
