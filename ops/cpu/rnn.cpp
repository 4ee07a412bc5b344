// Recurrent layers as nn.LSTM / nn.GRU / nn.RNN call them (aten::lstm.input,
// aten::gru.input, aten::rnn_tanh.input, aten::rnn_relu.input): stacked
// layers, optional bidirectionality and batch_first; and the single steps of
// nn.LSTMCell / GRUCell / RNNCell (aten::lstm_cell, ...). The per-step math is
// composed from linear and the elementwise kernels (no fused cells yet).
//
// Parameters come flat, per layer and direction: w_ih, w_hh[, b_ih, b_hh]
// [, w_hr] (gate order i, f, g, o for LSTM; r, z, n for GRU), as torch
// flattens them.
//
// LSTM with projections (nn.LSTM(proj_size=P)): as aten, an LSTM has them
// when h0's size differs from c0's. The cell state keeps the hidden size H;
// each step's output and hidden state is h = (o * tanh(c)) @ W_hr^T, of
// size P, which the next step's w_hh [4H, P] and the next layer's w_ih
// [4H, P * dirs] read.
#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"
#include "ops/tensor/kernel_args.h"

namespace wick::ops {
namespace {

using lang::IValue;
using lang::Stack;

IValue iv(const Tensor& t) { return t.toIValue(); }

enum class Cell { LSTM, GRU, TanH, ReLU };

int64_t gatesOf(Cell c) { return c == Cell::LSTM ? 4 : c == Cell::GRU ? 3 : 1; }

Tensor linear(const Tensor& x, const Tensor& w, const Tensor* b) {
  static const lang::Operator* op = findOp("aten::linear");
  return callTensorOp(op, {iv(x), iv(w), b ? iv(*b) : IValue()});
}
Tensor unary(const char* name, const Tensor& t) { return callTensorOp(findOp(name), {iv(t)}); }
Tensor sigmoid(const Tensor& t) { return unary("aten::sigmoid", t); }
Tensor tanh(const Tensor& t) { return unary("aten::tanh", t); }

struct Weights {
  Tensor w_ih, w_hh, b_ih, b_hh, w_hr;  // w_hr: LSTM projections only (undefined without)
  bool has_bias = false;
};

// The rows of the flattened input that step t reads: a padded [T, B, I]
// input has B rows per step; a packed sequence has batch_sizes[t] rows.
struct Steps {
  std::vector<int64_t> offset, count;
};

Tensor catRows(std::vector<IValue> items) {
  static const lang::Operator* cat = findOp("aten::cat");
  return callTensorOp(cat, {IValue(lang::Ref<lang::ListObj>::make(lang::tensorType(), std::move(items))), IValue(int64_t(0))});
}

// One direction of one layer over x [N, I] (steps as above). h (and c for
// LSTM) [B, H] hold every sequence's state; a step updates its first
// count[t] rows, so sequences that ended (forward) or have not begun
// (reverse) keep theirs, as packed sequences need.
Tensor runDirection(Cell cell, const Tensor& x, const Steps& steps, const Weights& w, Tensor& h, Tensor& c, bool reverse) {
  // The gates' width is the cell's size (H), which an LSTM's h lacks with projections.
  int64_t nsteps = static_cast<int64_t>(steps.offset.size()), hidden = c.defined() ? c.size(-1) : h.size(-1);
  int64_t batch = h.size(0);
  std::vector<IValue> outs(nsteps);
  // The input projection of every step at once: one matmul instead of T.
  Tensor xin = linear(x, w.w_ih, w.has_bias ? &w.b_ih : nullptr);
  auto merge = [&](const Tensor& part, const Tensor& full, int64_t rows) {
    return rows == batch ? part : catRows({iv(part), iv(full.narrow(0, rows, batch - rows))});
  };
  for (int64_t k = 0; k < nsteps; ++k) {
    int64_t t = reverse ? nsteps - 1 - k : k;
    int64_t rows = steps.count[t];
    Tensor gi = xin.narrow(0, steps.offset[t], rows);
    Tensor hb = h.narrow(0, 0, rows);
    Tensor gh = linear(hb, w.w_hh, w.has_bias ? &w.b_hh : nullptr);
    auto gate = [&](const Tensor& g, int64_t i) { return g.narrow(-1, i * hidden, hidden); };
    Tensor hn;
    switch (cell) {
      case Cell::LSTM: {
        Tensor g = add(iv(gi), iv(gh));
        Tensor in = sigmoid(gate(g, 0)), forget = sigmoid(gate(g, 1)), cand = tanh(gate(g, 2)), out = sigmoid(gate(g, 3));
        Tensor cn = add(iv(mul(iv(forget), iv(c.narrow(0, 0, rows)))), iv(mul(iv(in), iv(cand))));
        hn = mul(iv(out), iv(tanh(cn)));
        if (w.w_hr.defined()) hn = linear(hn, w.w_hr, nullptr);
        c = merge(cn, c, rows);
        break;
      }
      case Cell::GRU: {
        Tensor r = sigmoid(add(iv(gate(gi, 0)), iv(gate(gh, 0))));
        Tensor z = sigmoid(add(iv(gate(gi, 1)), iv(gate(gh, 1))));
        Tensor n = tanh(add(iv(gate(gi, 2)), iv(mul(iv(r), iv(gate(gh, 2))))));
        hn = add(iv(n), iv(mul(iv(z), iv(sub(iv(hb), iv(n))))));  // (1 - z) * n + z * h
        break;
      }
      case Cell::TanH: hn = tanh(add(iv(gi), iv(gh))); break;
      case Cell::ReLU: hn = unary("aten::relu", add(iv(gi), iv(gh))); break;
    }
    h = merge(hn, h, rows);
    outs[t] = iv(hn);
  }
  return catRows(std::move(outs));
}

// Runs the stacked layers over x [N, I]; returns the last layer's output [N, H*dirs].
Tensor runLayers(Stack& s, size_t n, size_t first_flag, Cell cell, bool lstm_hx, Tensor x, const Steps& steps,
                 const std::vector<IValue>& hx, const std::vector<IValue>& params, bool unbatched,
                 std::vector<IValue>& results) {
  bool has_bias = argAt(s, n, first_flag).toBool();
  int64_t layers = argAt(s, n, first_flag + 1).toInt();
  double dropout = argAt(s, n, first_flag + 2).toDouble();
  bool train = argAt(s, n, first_flag + 3).toBool();
  bool bidir = argAt(s, n, first_flag + 4).toBool();
  int64_t dirs = bidir ? 2 : 1;
  if (hx.size() != (lstm_hx ? 2u : 1u)) lang::raise("RuntimeError", "rnn: expected " + std::to_string(lstm_hx ? 2 : 1) + " hidden state tensors");
  Tensor h0 = Tensor::fromIValue(hx[0]), c0 = lstm_hx ? Tensor::fromIValue(hx[1]) : Tensor();
  if (unbatched) {
    h0 = h0.unsqueeze(1);
    if (lstm_hx) c0 = c0.unsqueeze(1);
  }
  if (h0.dim() != 3 || h0.size(0) != layers * dirs)
    lang::raise("RuntimeError", "rnn: hidden state has shape " + shapeStr(h0.sizes()) + ", expected [" +
                                    std::to_string(layers * dirs) + ", batch, hidden]");
  if (lstm_hx && (c0.dim() != 3 || c0.size(0) != layers * dirs || c0.size(1) != h0.size(1)))
    lang::raise("RuntimeError", "lstm: cell state has shape " + shapeStr(c0.sizes()) + ", expected [" +
                                    std::to_string(layers * dirs) + ", " + std::to_string(h0.size(1)) + ", hidden]");
  int64_t cell_size = lstm_hx ? c0.size(-1) : h0.size(-1);
  bool has_proj = lstm_hx && h0.size(-1) != cell_size;
  size_t per = (has_bias ? 4 : 2) + (has_proj ? 1 : 0);
  if (params.size() != per * layers * dirs)
    lang::raise("RuntimeError", "rnn: expected " + std::to_string(per * layers * dirs) + " parameter tensors, got " + std::to_string(params.size()));
  std::vector<IValue> h_n, c_n;
  for (int64_t l = 0; l < layers; ++l) {
    std::vector<IValue> dir_outs;
    for (int64_t d = 0; d < dirs; ++d) {
      size_t base = per * (l * dirs + d);
      Weights w{Tensor::fromIValue(params[base]), Tensor::fromIValue(params[base + 1]), {}, {}, {}, has_bias};
      if (has_bias) w.b_ih = Tensor::fromIValue(params[base + 2]), w.b_hh = Tensor::fromIValue(params[base + 3]);
      if (has_proj) w.w_hr = Tensor::fromIValue(params[base + per - 1]);
      if (w.w_ih.size(0) != gatesOf(cell) * cell_size || w.w_ih.size(1) != x.size(-1))
        lang::raise("RuntimeError", "rnn: weight_ih of layer " + std::to_string(l) + " has shape " + shapeStr(w.w_ih.sizes()) +
                                        " for input of shape " + shapeStr(x.sizes()));
      if (w.w_hh.size(0) != gatesOf(cell) * cell_size || w.w_hh.size(1) != h0.size(-1))
        lang::raise("RuntimeError", "rnn: weight_hh of layer " + std::to_string(l) + " has shape " + shapeStr(w.w_hh.sizes()) +
                                        " for hidden state of shape " + shapeStr(h0.sizes()));
      if (has_proj && (w.w_hr.size(0) != h0.size(-1) || w.w_hr.size(1) != cell_size))
        lang::raise("RuntimeError", "lstm: weight_hr of layer " + std::to_string(l) + " has shape " + shapeStr(w.w_hr.sizes()) +
                                        ", expected [" + std::to_string(h0.size(-1)) + ", " + std::to_string(cell_size) + "]");
      Tensor h = h0.select(0, l * dirs + d), c = lstm_hx ? c0.select(0, l * dirs + d) : Tensor();
      dir_outs.push_back(iv(runDirection(cell, x, steps, w, h, c, d == 1)));
      h_n.push_back(iv(h));
      if (lstm_hx) c_n.push_back(iv(c));
    }
    x = dirs == 1 ? Tensor::fromIValue(dir_outs[0])
                  : callTensorOp(findOp("aten::cat"), {IValue(lang::Ref<lang::ListObj>::make(lang::tensorType(), dir_outs)), IValue(int64_t(-1))});
    if (dropout > 0 && train && l + 1 < layers)
      x = callTensorOp(findOp("aten::dropout"), {iv(x), IValue(dropout), IValue(true)});
  }
  auto stacked = [unbatched](std::vector<IValue> items) {
    Tensor t = callTensorOp(findOp("aten::stack"), {IValue(lang::Ref<lang::ListObj>::make(lang::tensorType(), std::move(items))), IValue(int64_t(0))});
    return unbatched ? t.squeeze(1) : t;
  };
  results.push_back(iv(stacked(h_n)));
  if (lstm_hx) results.push_back(iv(stacked(c_n)));
  return x;
}

std::vector<IValue> asTensorList(const IValue& v) {
  return v.isList() ? v.toList()->items : std::vector<IValue>{v};
}

// (input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)
// -> (output, h_n[, c_n]); hx is [h0] or [h0, c0] for LSTM, each [layers*dirs, B, H].
void rnnKernel(Stack& s, Cell cell, bool lstm_hx) {
  constexpr size_t n = 9;
  Tensor input = tensorAt(s, n, 0);
  bool batch_first = argAt(s, n, 8).toBool();
  if (input.dim() != 2 && input.dim() != 3) lang::raise("RuntimeError", "rnn: input must be 2-D or 3-D, got " + shapeStr(input.sizes()));
  bool unbatched = input.dim() == 2;
  Tensor x = unbatched ? input.unsqueeze(1) : batch_first ? input.transpose(0, 1) : input;  // [T, B, I]
  int64_t steps = x.size(0), batch = x.size(1);
  Steps st;
  for (int64_t t = 0; t < steps; ++t) st.offset.push_back(t * batch), st.count.push_back(batch);
  std::vector<IValue> states;
  Tensor out = runLayers(s, n, 3, cell, lstm_hx, x.reshape({steps * batch, x.size(2)}), st, asTensorList(argAt(s, n, 1)),
                         argAt(s, n, 2).toList()->items, unbatched, states);
  out = out.reshape({steps, batch, out.size(-1)});
  out = unbatched ? out.squeeze(1) : batch_first ? out.transpose(0, 1) : out;
  states.insert(states.begin(), iv(out));
  pushResults(s, n, std::move(states));
}

// Packed sequences: (data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional).
void packedRnnKernel(Stack& s, Cell cell, bool lstm_hx) {
  constexpr size_t n = 9;
  Tensor data = tensorAt(s, n, 0);
  Tensor sizes = tensorAt(s, n, 1).to(ScalarType::Long).contiguous();
  Steps st;
  int64_t offset = 0, prev = INT64_MAX;
  for (int64_t t = 0; t < sizes.numel(); ++t) {
    int64_t b = sizes.data<int64_t>()[t];
    if (b <= 0 || b > prev) lang::raise("RuntimeError", "rnn: batch_sizes must be positive and non-increasing");
    st.offset.push_back(offset), st.count.push_back(b);
    offset += b, prev = b;
  }
  if (data.dim() != 2 || offset != data.size(0))
    lang::raise("RuntimeError", "rnn: packed data of shape " + shapeStr(data.sizes()) + " does not match batch_sizes");
  std::vector<IValue> states;
  Tensor out = runLayers(s, n, 4, cell, lstm_hx, data, st, asTensorList(argAt(s, n, 2)), argAt(s, n, 3).toList()->items,
                         false, states);
  states.insert(states.begin(), iv(out));
  pushResults(s, n, std::move(states));
}

// One step of a cell (nn.LSTMCell, GRUCell, RNNCell): (input [B, I] or [I], hx, w_ih, w_hh, b_ih=None, b_hh=None),
// hx [h] or, for LSTM, [h, c]; -> h' (and c' for LSTM).
void cellKernel(Stack& s, Cell cell) {
  constexpr size_t n = 6;
  Tensor x = tensorAt(s, n, 0);
  std::vector<IValue> hx = asTensorList(argAt(s, n, 1));
  bool lstm = cell == Cell::LSTM;
  if (hx.size() != (lstm ? 2u : 1u)) lang::raise("RuntimeError", "rnn cell: expected " + std::to_string(lstm ? 2 : 1) + " hidden state tensors");
  bool unbatched = x.dim() == 1;
  if (x.dim() != 1 && x.dim() != 2) lang::raise("RuntimeError", "rnn cell: expected input to be 1D or 2D, got " + std::to_string(x.dim()) + "D instead");
  Tensor h = Tensor::fromIValue(hx[0]), c = lstm ? Tensor::fromIValue(hx[1]) : Tensor();
  if (unbatched) {
    x = x.unsqueeze(0), h = h.unsqueeze(0);
    if (lstm) c = c.unsqueeze(0);
  }
  Weights w{tensorAt(s, n, 2), tensorAt(s, n, 3), {}, {}, {}, !argAt(s, n, 4).isNone() && !argAt(s, n, 5).isNone()};
  if (w.has_bias) w.b_ih = tensorAt(s, n, 4), w.b_hh = tensorAt(s, n, 5);
  if (w.w_ih.dim() != 2 || w.w_ih.size(1) != x.size(1) || h.dim() != 2 || h.size(0) != x.size(0))
    lang::raise("RuntimeError", "rnn cell: input " + shapeStr(x.sizes()) + ", hidden state " + shapeStr(h.sizes()) + " and weight_ih " +
                                    shapeStr(w.w_ih.sizes()) + " do not fit");
  Steps one{{0}, {x.size(0)}};
  runDirection(cell, x, one, w, h, c, false);
  auto shaped = [unbatched](const Tensor& t) { return iv(unbatched ? t.squeeze(0) : t); };
  if (lstm) pushResults(s, n, {shaped(h), shaped(c)});
  else pushResult(s, n, shaped(h));
}

#define WICK_CELL_ARGS "Tensor w_ih, Tensor w_hh, Tensor? b_ih=None, Tensor? b_hh=None"

#define WICK_RNN_ARGS "Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional, bool batch_first"

#define WICK_PACKED_ARGS "Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional"

static lang::RegisterOps reg({
    {"aten::lstm.input(Tensor input, Tensor[] hx, " WICK_RNN_ARGS ") -> (Tensor, Tensor, Tensor)", [](Stack& s) { rnnKernel(s, Cell::LSTM, true); }},
    {"aten::lstm.data(Tensor data, Tensor batch_sizes, Tensor[] hx, " WICK_PACKED_ARGS ") -> (Tensor, Tensor, Tensor)", [](Stack& s) { packedRnnKernel(s, Cell::LSTM, true); }},
    {"aten::gru.input(Tensor input, Tensor hx, " WICK_RNN_ARGS ") -> (Tensor, Tensor)", [](Stack& s) { rnnKernel(s, Cell::GRU, false); }},
    {"aten::gru.data(Tensor data, Tensor batch_sizes, Tensor hx, " WICK_PACKED_ARGS ") -> (Tensor, Tensor)", [](Stack& s) { packedRnnKernel(s, Cell::GRU, false); }},
    {"aten::rnn_tanh.input(Tensor input, Tensor hx, " WICK_RNN_ARGS ") -> (Tensor, Tensor)", [](Stack& s) { rnnKernel(s, Cell::TanH, false); }},
    {"aten::rnn_tanh.data(Tensor data, Tensor batch_sizes, Tensor hx, " WICK_PACKED_ARGS ") -> (Tensor, Tensor)", [](Stack& s) { packedRnnKernel(s, Cell::TanH, false); }},
    {"aten::rnn_relu.input(Tensor input, Tensor hx, " WICK_RNN_ARGS ") -> (Tensor, Tensor)", [](Stack& s) { rnnKernel(s, Cell::ReLU, false); }},
    {"aten::lstm_cell(Tensor input, Tensor[] hx, " WICK_CELL_ARGS ") -> (Tensor, Tensor)", [](Stack& s) { cellKernel(s, Cell::LSTM); }},
    {"aten::gru_cell(Tensor input, Tensor hx, " WICK_CELL_ARGS ") -> Tensor", [](Stack& s) { cellKernel(s, Cell::GRU); }},
    {"aten::rnn_tanh_cell(Tensor input, Tensor hx, " WICK_CELL_ARGS ") -> Tensor", [](Stack& s) { cellKernel(s, Cell::TanH); }},
    {"aten::rnn_relu_cell(Tensor input, Tensor hx, " WICK_CELL_ARGS ") -> Tensor", [](Stack& s) { cellKernel(s, Cell::ReLU); }},
    {"aten::rnn_relu.data(Tensor data, Tensor batch_sizes, Tensor hx, " WICK_PACKED_ARGS ") -> (Tensor, Tensor)", [](Stack& s) { packedRnnKernel(s, Cell::ReLU, false); }},
});

}  // namespace
}  // namespace wick::ops
