// nn.utils.rnn's packing, as its saved code calls it: _pack_padded_sequence
// cuts a padded batch into the rows each step has (batch_sizes), the packed
// form aten::lstm.data and its siblings (rnn.cpp) read, and
// _pad_packed_sequence puts such rows back into a padded batch.
#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"
#include "ops/tensor/kernel_args.h"

namespace wick::ops {
namespace {

using lang::IValue;
using lang::Stack;

// (input [T, B, *] or [B, T, *], lengths [B] in decreasing order, batch_first) -> (data [sum, *], batch_sizes [T'])
void packKernel(Stack& s) {
  Tensor input = tensorAt(s, 3, 0), lengths_t = tensorAt(s, 3, 1);
  bool batch_first = argAt(s, 3, 2).toBool();
  if (input.dim() < 2) lang::raise("RuntimeError", "_pack_padded_sequence: input must have at least 2 dimensions, got " + shapeStr(input.sizes()));
  Tensor x = batch_first ? input.transpose(0, 1) : input;
  Tensor lengths = lengths_t.to(ScalarType::Long).contiguous();
  if (lengths.dim() != 1 || lengths.numel() != x.size(1))
    lang::raise("RuntimeError", "Expected `len(lengths)` to be equal to batch_size, but got " + std::to_string(lengths.numel()) +
                                    " (batch_size=" + std::to_string(x.size(1)) + ")");
  const int64_t* len = lengths.data<int64_t>();
  int64_t batch = lengths.numel();
  if (batch == 0 || len[batch - 1] <= 0)
    lang::raise("RuntimeError", "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  for (int64_t b = 1; b < batch; ++b)
    if (len[b] > len[b - 1]) lang::raise("RuntimeError", "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.");
  if (len[0] > x.size(0))
    lang::raise("RuntimeError", "Expected sequence length to be smaller than or equal to the input's time dimension " + std::to_string(x.size(0)) +
                                    ", but got " + std::to_string(len[0]));
  std::vector<int64_t> batch_sizes;
  std::vector<IValue> rows;
  for (int64_t t = 0; t < len[0]; ++t) {
    int64_t active = 0;
    while (active < batch && len[active] > t) ++active;
    batch_sizes.push_back(active);
    rows.push_back(x.select(0, t).narrow(0, 0, active).toIValue());
  }
  Tensor data = callTensorOp(findOp("aten::cat"), {IValue(lang::Ref<lang::ListObj>::make(lang::tensorType(), std::move(rows))), IValue(int64_t(0))});
  pushResults(s, 3, {data.toIValue(), longTensor(batch_sizes).toIValue()});
}

// (data [sum, *], batch_sizes [T], batch_first, padding_value, total_length) -> (output, lengths [B])
void padKernel(Stack& s) {
  Tensor data = tensorAt(s, 5, 0), sizes_t = tensorAt(s, 5, 1);
  bool batch_first = argAt(s, 5, 2).toBool();
  const IValue& padding = argAt(s, 5, 3);
  int64_t total_length = argAt(s, 5, 4).toInt();
  Tensor sizes = sizes_t.to(ScalarType::Long).contiguous();
  int64_t steps = sizes.numel();
  if (steps == 0 || data.dim() < 1) lang::raise("RuntimeError", "_pad_packed_sequence: empty batch_sizes or data");
  const int64_t* bs = sizes.data<int64_t>();
  int64_t batch = bs[0], length = std::max(total_length, steps);
  if (total_length > 0 && total_length < steps)
    lang::raise("ValueError", "Expected total_length to be at least the length of the longest sequence in the input, but got total_length=" +
                                  std::to_string(total_length) + " and max sequence length being " + std::to_string(steps));
  IntArray shape = {length, batch};
  shape.insert(shape.end(), data.sizes().begin() + 1, data.sizes().end());
  Tensor out = Tensor::full(shape, padding.toScalarDouble(), data.dtype());
  std::vector<int64_t> lengths(batch, 0);
  int64_t offset = 0;
  for (int64_t t = 0; t < steps; ++t) {
    if (bs[t] <= 0 || bs[t] > batch || (t > 0 && bs[t] > bs[t - 1]))
      lang::raise("RuntimeError", "_pad_packed_sequence: batch_sizes must be positive and non-increasing");
    if (offset + bs[t] > data.size(0)) lang::raise("RuntimeError", "_pad_packed_sequence: batch_sizes add up to more rows than the data has");
    out.select(0, t).narrow(0, 0, bs[t]).copy_(data.narrow(0, offset, bs[t]));
    for (int64_t b = 0; b < bs[t]; ++b) lengths[b] = t + 1;
    offset += bs[t];
  }
  pushResults(s, 5, {(batch_first ? out.transpose(0, 1) : out).toIValue(), longTensor(lengths).toIValue()});
}

static lang::RegisterOps reg({
    {"aten::_pack_padded_sequence(Tensor input, Tensor lengths, bool batch_first) -> (Tensor, Tensor)", packKernel},
    {"aten::_pad_packed_sequence(Tensor data, Tensor batch_sizes, bool batch_first, Scalar padding_value, int total_length) -> (Tensor, Tensor)", padKernel},
});

}  // namespace
}  // namespace wick::ops
