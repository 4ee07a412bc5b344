#!/usr/bin/env python3
"""The torch.nn prelude (lang/prelude/torch/nn) against real PyTorch.

For every configuration in CONFIGS: build the prelude class and PyTorch's
class with the same constructor arguments, check that both have the same
__constants__ and plain attributes, copy PyTorch's state_dict into the
prelude module (load_state_dict strict=True: names and shapes match),
torch.jit.script the prelude module, and compare the outputs of PyTorch's
module, the prelude module and its scripted form on the same random inputs,
then the states after the call (BatchNorm's running statistics,
Embedding's max_norm). Every reset_parameters is compiled by torch.jit too,
and INIT_CHECKS compare the distributions of freshly initialized parameters
(prelude init vs torch.nn.init) by quantiles.

Skips (exit 77, meson's skip code) when PyTorch is not installed.

    prelude_vs_torch.py [PRELUDE_DIR]      (default: ../../lang/prelude)

Configuration format (data, so that another runner can drive wick with it):
  cls     the class by its PyTorch path ("torch.nn.Conv2d")
  kwargs  constructor keyword arguments; a value {"module": PATH, "kwargs": {...}}
          is a module built the same way (prelude for the prelude side)
  inputs  positional forward arguments, each an input spec:
            [2, 3]                         float32 randn of that shape
            {"shape": [2, 3], "scale": 5}  randn times scale
            {"randint": [2, 5], "high": 10} int64 in [0, high)
            {"bool": [2, 5]}               random bool mask (30% True, never
                                           the first position of the last dim)
            {"causal": [4, 4]}             float mask, -inf above the diagonal
            {"same": i}                    the very tensor given as input i
            {"tuple": [spec, ...]}         a tuple of specs
            None                           None
  forward_kwargs  keyword forward arguments: dict specs as above, other
          values passed as they are
  train   call in training mode (default: eval)
"""
import copy
import importlib.util
import math
import os
import sys
import types
import warnings

TORCH_PYTHON = "/usr/bin/python3"

try:
    import torch
except ImportError:
    if os.path.realpath(sys.executable) != os.path.realpath(TORCH_PYTHON) and os.path.exists(TORCH_PYTHON):
        os.execv(TORCH_PYTHON, [TORCH_PYTHON] + sys.argv)
    print("skip: PyTorch is not installed")
    sys.exit(77)

ATOL = 1e-5

TEL = "torch.nn.TransformerEncoderLayer"

CONFIGS = [
    # linear.py
    dict(cls="torch.nn.Identity", kwargs={}, inputs=[[2, 3]]),
    dict(cls="torch.nn.Linear", kwargs=dict(in_features=4, out_features=3), inputs=[[2, 4]]),
    dict(cls="torch.nn.Linear", kwargs=dict(in_features=4, out_features=3, bias=False), inputs=[[5, 2, 4]]),
    dict(cls="torch.nn.Bilinear", kwargs=dict(in1_features=3, in2_features=4, out_features=5),
         inputs=[[2, 3], [2, 4]]),
    dict(cls="torch.nn.Bilinear", kwargs=dict(in1_features=3, in2_features=4, out_features=5, bias=False),
         inputs=[[6, 3], [6, 4]]),
    # conv.py
    dict(cls="torch.nn.Conv1d", kwargs=dict(in_channels=3, out_channels=4, kernel_size=3), inputs=[[2, 3, 10]]),
    dict(cls="torch.nn.Conv1d", kwargs=dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1,
                                            dilation=2, groups=2, bias=False), inputs=[[2, 4, 11]]),
    dict(cls="torch.nn.Conv1d", kwargs=dict(in_channels=3, out_channels=4, kernel_size=4, padding="same"),
         inputs=[[2, 3, 9]]),
    dict(cls="torch.nn.Conv2d", kwargs=dict(in_channels=3, out_channels=8, kernel_size=3), inputs=[[2, 3, 8, 8]]),
    dict(cls="torch.nn.Conv2d", kwargs=dict(in_channels=4, out_channels=6, kernel_size=(3, 5), stride=(2, 1),
                                            padding=(1, 2), dilation=(2, 1), groups=2, bias=False),
         inputs=[[2, 4, 9, 10]]),
    dict(cls="torch.nn.Conv2d", kwargs=dict(in_channels=3, out_channels=4, kernel_size=4, padding="same",
                                            dilation=2), inputs=[[1, 3, 9, 9]]),
    dict(cls="torch.nn.Conv2d", kwargs=dict(in_channels=3, out_channels=4, kernel_size=3, padding="valid"),
         inputs=[[2, 3, 6, 7]]),
    dict(cls="torch.nn.Conv2d", kwargs=dict(in_channels=3, out_channels=4, kernel_size=3, padding=1),
         inputs=[[3, 8, 8]]),
    dict(cls="torch.nn.ConvTranspose2d", kwargs=dict(in_channels=4, out_channels=6, kernel_size=3),
         inputs=[[2, 4, 5, 5]]),
    dict(cls="torch.nn.ConvTranspose2d", kwargs=dict(in_channels=4, out_channels=6, kernel_size=(3, 4), stride=2,
                                                     padding=1, output_padding=1, groups=2, bias=False),
         inputs=[[2, 4, 5, 6]]),
    dict(cls="torch.nn.ConvTranspose2d", kwargs=dict(in_channels=3, out_channels=2, kernel_size=3, stride=2,
                                                     padding=1, dilation=2),
         inputs=[[1, 3, 5, 5]], forward_kwargs=dict(output_size=[12, 12])),
    # batchnorm.py
    dict(cls="torch.nn.BatchNorm1d", kwargs=dict(num_features=4), inputs=[[3, 4]]),
    dict(cls="torch.nn.BatchNorm1d", kwargs=dict(num_features=4, momentum=None), inputs=[[5, 4, 3]], train=True),
    dict(cls="torch.nn.BatchNorm2d", kwargs=dict(num_features=3), inputs=[[2, 3, 4, 4]], train=True),
    dict(cls="torch.nn.BatchNorm2d", kwargs=dict(num_features=3, affine=False, track_running_stats=False),
         inputs=[[2, 3, 4, 4]]),
    dict(cls="torch.nn.BatchNorm2d", kwargs=dict(num_features=3, eps=1e-3, momentum=0.3), inputs=[[2, 3, 4, 4]]),
    dict(cls="torch.nn.BatchNorm2d", kwargs=dict(num_features=3, track_running_stats=False),
         inputs=[[2, 3, 4, 4]], train=True),
    # normalization.py
    dict(cls="torch.nn.LayerNorm", kwargs=dict(normalized_shape=6), inputs=[[2, 5, 6]]),
    dict(cls="torch.nn.LayerNorm", kwargs=dict(normalized_shape=[5, 6], eps=1e-3, elementwise_affine=False),
         inputs=[[2, 5, 6]]),
    dict(cls="torch.nn.GroupNorm", kwargs=dict(num_groups=2, num_channels=6), inputs=[[2, 6, 4, 4]]),
    dict(cls="torch.nn.GroupNorm", kwargs=dict(num_groups=3, num_channels=6, affine=False), inputs=[[2, 6, 5]]),
    # sparse.py
    dict(cls="torch.nn.Embedding", kwargs=dict(num_embeddings=10, embedding_dim=4),
         inputs=[{"randint": [2, 5], "high": 10}]),
    dict(cls="torch.nn.Embedding", kwargs=dict(num_embeddings=10, embedding_dim=4, padding_idx=-1),
         inputs=[{"randint": [7], "high": 10}]),
    dict(cls="torch.nn.Embedding", kwargs=dict(num_embeddings=10, embedding_dim=4, max_norm=1.0),
         inputs=[{"randint": [3, 4], "high": 10}]),
    # dropout.py
    dict(cls="torch.nn.Dropout", kwargs=dict(p=0.5), inputs=[[4, 5]]),
    dict(cls="torch.nn.Dropout", kwargs=dict(p=0.0), inputs=[[4, 5]], train=True),
    # activation.py
    dict(cls="torch.nn.ReLU", kwargs={}, inputs=[[3, 4]]),
    dict(cls="torch.nn.ReLU", kwargs=dict(inplace=True), inputs=[[3, 4]]),
    dict(cls="torch.nn.GELU", kwargs={}, inputs=[[3, 4]]),
    dict(cls="torch.nn.GELU", kwargs=dict(approximate="tanh"), inputs=[[3, 4]]),
    dict(cls="torch.nn.SiLU", kwargs={}, inputs=[[3, 4]]),
    dict(cls="torch.nn.Sigmoid", kwargs={}, inputs=[[3, 4]]),
    dict(cls="torch.nn.Tanh", kwargs={}, inputs=[[3, 4]]),
    dict(cls="torch.nn.Softmax", kwargs=dict(dim=1), inputs=[[2, 3, 4]]),
    dict(cls="torch.nn.Softmax", kwargs={}, inputs=[[2, 3, 4]]),
    dict(cls="torch.nn.LogSoftmax", kwargs=dict(dim=-1), inputs=[[2, 3, 4]]),
    dict(cls="torch.nn.LeakyReLU", kwargs=dict(negative_slope=0.2), inputs=[[3, 4]]),
    dict(cls="torch.nn.ELU", kwargs=dict(alpha=0.5), inputs=[[3, 4]]),
    dict(cls="torch.nn.Hardtanh", kwargs=dict(min_val=-0.5, max_val=0.7), inputs=[[3, 4]]),
    dict(cls="torch.nn.ReLU6", kwargs={}, inputs=[{"shape": [3, 4], "scale": 5.0}]),
    dict(cls="torch.nn.MultiheadAttention", kwargs=dict(embed_dim=8, num_heads=2),
         inputs=[[5, 2, 8], {"same": 0}, {"same": 0}]),
    dict(cls="torch.nn.MultiheadAttention", kwargs=dict(embed_dim=8, num_heads=2, batch_first=True),
         inputs=[[2, 5, 8], {"same": 0}, {"same": 0}], forward_kwargs=dict(key_padding_mask={"bool": [2, 5]})),
    dict(cls="torch.nn.MultiheadAttention", kwargs=dict(embed_dim=8, num_heads=4, bias=False),
         inputs=[[4, 2, 8], [6, 2, 8], [6, 2, 8]], forward_kwargs=dict(attn_mask={"shape": [4, 6], "scale": 1.0})),
    dict(cls="torch.nn.MultiheadAttention", kwargs=dict(embed_dim=8, num_heads=2, kdim=5, vdim=3),
         inputs=[[4, 2, 8], [6, 2, 5], [6, 2, 3]], forward_kwargs=dict(average_attn_weights=False)),
    dict(cls="torch.nn.MultiheadAttention", kwargs=dict(embed_dim=8, num_heads=2, add_bias_kv=True,
                                                        add_zero_attn=True),
         inputs=[[5, 2, 8], [5, 2, 8], {"same": 1}],
         forward_kwargs=dict(key_padding_mask={"bool": [2, 5]}, attn_mask={"causal": [5, 5]})),
    dict(cls="torch.nn.MultiheadAttention", kwargs=dict(embed_dim=8, num_heads=2, dropout=0.1),
         inputs=[[5, 8], {"same": 0}, {"same": 0}]),
    dict(cls="torch.nn.MultiheadAttention", kwargs=dict(embed_dim=8, num_heads=2, batch_first=True),
         inputs=[[2, 5, 8], {"same": 0}, {"same": 0}],
         forward_kwargs=dict(need_weights=False, attn_mask={"shape": [4, 5, 5], "scale": 1.0})),
    dict(cls="torch.nn.MultiheadAttention", kwargs=dict(embed_dim=8, num_heads=2, dropout=0.0),
         inputs=[[3, 2, 8], [4, 2, 8], [4, 2, 8]], forward_kwargs=dict(attn_mask={"bool": [3, 4]}), train=True),
    # pooling.py
    dict(cls="torch.nn.MaxPool2d", kwargs=dict(kernel_size=2), inputs=[[2, 3, 8, 8]]),
    dict(cls="torch.nn.MaxPool2d", kwargs=dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
         inputs=[[2, 3, 9, 9]]),
    dict(cls="torch.nn.MaxPool2d", kwargs=dict(kernel_size=(2, 3), return_indices=True), inputs=[[2, 3, 8, 9]]),
    dict(cls="torch.nn.MaxPool2d", kwargs=dict(kernel_size=3, stride=1, dilation=2), inputs=[[1, 2, 9, 9]]),
    dict(cls="torch.nn.AvgPool2d", kwargs=dict(kernel_size=2), inputs=[[2, 3, 8, 8]]),
    dict(cls="torch.nn.AvgPool2d", kwargs=dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                               count_include_pad=False), inputs=[[2, 3, 8, 8]]),
    dict(cls="torch.nn.AvgPool2d", kwargs=dict(kernel_size=(2, 3), divisor_override=2), inputs=[[2, 3, 8, 9]]),
    dict(cls="torch.nn.AdaptiveAvgPool2d", kwargs=dict(output_size=1), inputs=[[2, 3, 7, 7]]),
    dict(cls="torch.nn.AdaptiveAvgPool2d", kwargs=dict(output_size=(3, 2)), inputs=[[2, 3, 7, 5]]),
    # flatten.py
    dict(cls="torch.nn.Flatten", kwargs={}, inputs=[[2, 3, 4, 5]]),
    dict(cls="torch.nn.Flatten", kwargs=dict(start_dim=0, end_dim=2), inputs=[[2, 3, 4, 5]]),
    # rnn.py
    dict(cls="torch.nn.LSTM", kwargs=dict(input_size=4, hidden_size=6), inputs=[[5, 2, 4]]),
    dict(cls="torch.nn.LSTM", kwargs=dict(input_size=4, hidden_size=6, num_layers=2, bidirectional=True,
                                          batch_first=True),
         inputs=[[2, 5, 4], {"tuple": [[4, 2, 6], [4, 2, 6]]}]),
    dict(cls="torch.nn.LSTM", kwargs=dict(input_size=4, hidden_size=6, proj_size=3), inputs=[[5, 2, 4]]),
    dict(cls="torch.nn.LSTM", kwargs=dict(input_size=4, hidden_size=6, num_layers=2, dropout=0.0, bias=False),
         inputs=[[5, 3, 4]], train=True),
    dict(cls="torch.nn.LSTM", kwargs=dict(input_size=4, hidden_size=6, num_layers=2, proj_size=2,
                                          bidirectional=True), inputs=[[5, 4]]),
    dict(cls="torch.nn.LSTM", kwargs=dict(input_size=4, hidden_size=5, num_layers=2, proj_size=3, bias=False,
                                          bidirectional=True, batch_first=True),
         inputs=[[2, 6, 4], {"tuple": [[4, 2, 3], [4, 2, 5]]}]),
    dict(cls="torch.nn.GRU", kwargs=dict(input_size=4, hidden_size=6), inputs=[[5, 2, 4]]),
    dict(cls="torch.nn.GRU", kwargs=dict(input_size=4, hidden_size=6, num_layers=2, bidirectional=True),
         inputs=[[5, 2, 4], [4, 2, 6]]),
    dict(cls="torch.nn.GRU", kwargs=dict(input_size=4, hidden_size=6, batch_first=True, bias=False),
         inputs=[[5, 4], [1, 6]]),
    dict(cls="torch.nn.RNN", kwargs=dict(input_size=4, hidden_size=6), inputs=[[5, 2, 4]]),
    dict(cls="torch.nn.RNN", kwargs=dict(input_size=4, hidden_size=6, num_layers=2, nonlinearity="relu",
                                         bidirectional=True, batch_first=True), inputs=[[2, 5, 4]]),
    # transformer.py
    dict(cls=TEL, kwargs=dict(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0), inputs=[[5, 2, 8]], train=True),
    dict(cls=TEL, kwargs=dict(d_model=8, nhead=2, dim_feedforward=16, activation="gelu", batch_first=True,
                              norm_first=True),
         inputs=[[2, 5, 8]], forward_kwargs=dict(src_key_padding_mask={"bool": [2, 5]})),
    dict(cls=TEL, kwargs=dict(d_model=8, nhead=2, dim_feedforward=16), inputs=[[5, 2, 8], {"causal": [5, 5]}]),
    dict(cls="torch.nn.TransformerEncoder",
         kwargs=dict(encoder_layer={"module": TEL, "kwargs": dict(d_model=8, nhead=2, dim_feedforward=16,
                                                                  dropout=0.0)}, num_layers=2),
         inputs=[[5, 2, 8]], train=True),
    dict(cls="torch.nn.TransformerEncoder",
         kwargs=dict(encoder_layer={"module": TEL, "kwargs": dict(d_model=8, nhead=2, dim_feedforward=16,
                                                                  batch_first=True)},
                     num_layers=2, norm={"module": "torch.nn.LayerNorm", "kwargs": dict(normalized_shape=8)}),
         inputs=[[2, 5, 8]], forward_kwargs=dict(mask={"causal": [5, 5]}, src_key_padding_mask={"bool": [2, 5]})),
]

# Freshly initialized parameters, prelude init against torch.nn.init: the
# same distributions (sizes large enough for quantiles to mean something).
INIT_CHECKS = [
    ("torch.nn.Linear", dict(in_features=300, out_features=200)),
    ("torch.nn.Bilinear", dict(in1_features=20, in2_features=30, out_features=40)),
    ("torch.nn.Conv2d", dict(in_channels=16, out_channels=32, kernel_size=3, groups=2)),
    ("torch.nn.ConvTranspose2d", dict(in_channels=16, out_channels=32, kernel_size=3)),
    ("torch.nn.Conv1d", dict(in_channels=16, out_channels=300, kernel_size=5)),
    ("torch.nn.BatchNorm2d", dict(num_features=64)),
    ("torch.nn.LayerNorm", dict(normalized_shape=64)),
    ("torch.nn.GroupNorm", dict(num_groups=4, num_channels=64)),
    ("torch.nn.Embedding", dict(num_embeddings=500, embedding_dim=16, padding_idx=3)),
    ("torch.nn.LSTM", dict(input_size=64, hidden_size=64, num_layers=2, bidirectional=True)),
    ("torch.nn.GRU", dict(input_size=32, hidden_size=64)),
    ("torch.nn.RNN", dict(input_size=32, hidden_size=64)),
    ("torch.nn.MultiheadAttention", dict(embed_dim=256, num_heads=4, add_bias_kv=True)),
    ("torch.nn.MultiheadAttention", dict(embed_dim=64, num_heads=4, kdim=32, vdim=48, bias=False)),
]

# Plain attributes PyTorch sets that the prelude does not (see the comments
# in the prelude files).
KNOWN_MISSING_ATTRIBUTES = {
    "TransformerEncoderLayer": {"activation"},
}

# The prelude's files, loaded under this package name beside the real torch.
PACKAGE = "wick_prelude"
MODULE_FILES = ["linear", "conv", "batchnorm", "normalization", "sparse", "dropout", "activation",
                "pooling", "flatten", "rnn", "transformer"]


def load_prelude(prelude_dir):
    def load(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    init = load(PACKAGE + ".torch.nn.init", os.path.join(prelude_dir, "torch", "nn", "init.py"))
    files = {}
    for f in MODULE_FILES:
        m = load(PACKAGE + ".torch.nn.modules." + f, os.path.join(prelude_dir, "torch", "nn", "modules", f + ".py"))
        # `from torch.nn import init` found PyTorch's; the prelude's own is what wick runs.
        if hasattr(m, "init"):
            m.init = init
        files[f] = m
    return init, files


class PreludeInTorch:
    """While active, torch.nn.X and torch.nn.modules.FILE.X name the prelude's
    classes, so that paths in CONFIGS and the prelude's own references to
    other layers (torch.nn.Linear in transformer.py) resolve to the prelude."""

    def __init__(self, files):
        self.patches = []
        for f, m in files.items():
            real_file = getattr(torch.nn.modules, f)
            for name, obj in vars(m).items():
                if isinstance(obj, type) and obj.__module__ == m.__name__:
                    self.patches.append((real_file, name, obj))
                    if hasattr(torch.nn, name):
                        self.patches.append((torch.nn, name, obj))

    def __enter__(self):
        self.saved = [(owner, name, getattr(owner, name, None)) for owner, name, _ in self.patches]
        for owner, name, obj in self.patches:
            setattr(owner, name, obj)

    def __exit__(self, *exc):
        for owner, name, obj in reversed(self.saved):
            setattr(owner, name, obj)


def resolve(path):
    obj = sys.modules[path.split(".")[0]]
    for part in path.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def build_with(cls, kwargs):
    def value(v):
        if isinstance(v, dict) and "module" in v:
            return build(v["module"], v["kwargs"])
        return v
    return cls(**{k: value(v) for k, v in kwargs.items()})


def build(cls_path, kwargs):
    return build_with(resolve(cls_path), kwargs)


def make_inputs(specs, seed):
    gen = torch.Generator().manual_seed(seed)
    made = []

    def one(spec):
        if spec is None:
            return None
        if isinstance(spec, list):
            return torch.randn(spec, generator=gen)
        if "shape" in spec:
            return torch.randn(spec["shape"], generator=gen) * spec["scale"]
        if "randint" in spec:
            return torch.randint(0, spec["high"], spec["randint"], generator=gen)
        if "bool" in spec:
            mask = torch.rand(spec["bool"], generator=gen) < 0.3
            mask[..., 0] = False
            return mask
        if "causal" in spec:
            return torch.triu(torch.full(spec["causal"], float("-inf")), diagonal=1)
        if "same" in spec:
            return made[spec["same"]]
        if "tuple" in spec:
            return tuple(one(s) for s in spec["tuple"])
        raise ValueError("bad input spec %r" % (spec,))
    for spec in specs:
        made.append(one(spec))
    return made


def make_forward_kwargs(fkw, seed):
    out = {}
    for i, (k, v) in enumerate(sorted(fkw.items())):
        out[k] = make_inputs([v], seed + 1000 + i)[0] if isinstance(v, dict) else v
    return out


def differ(a, b, what):
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
            return "%s: %s vs %s" % (what, type(a).__name__, type(b).__name__)
        if a.shape != b.shape or a.dtype != b.dtype:
            return "%s: %s %s vs %s %s" % (what, a.dtype, list(a.shape), b.dtype, list(b.shape))
        a, b = a.detach(), b.detach()
        if a.is_floating_point():
            if not torch.allclose(a, b, atol=ATOL, rtol=0, equal_nan=True):
                return "%s: max difference %g" % (what, (a - b).abs().nan_to_num(0.0).max().item())
        elif not torch.equal(a, b):
            return "%s: values differ" % what
        return None
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        if len(a) != len(b):
            return "%s: %d vs %d results" % (what, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            why = differ(x, y, "%s[%d]" % (what, i))
            if why:
                return why
        return None
    return None if a == b else "%s: %r vs %r" % (what, a, b)


MODULE_INTERNALS = {"training", "_parameters", "_buffers", "_non_persistent_buffers_set", "_backward_hooks",
                    "_is_full_backward_hook", "_forward_hooks", "_forward_pre_hooks", "_state_dict_hooks",
                    "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks", "_modules"}


def plain_attributes(module):
    out = {}
    for k, v in vars(module).items():
        if k in MODULE_INTERNALS or k == "_flat_weights" or isinstance(v, torch.Tensor):
            continue
        out[k] = tuple(v) if isinstance(v, list) and all(isinstance(x, int) for x in v) else v
    return out


def check_attributes(prelude, real):
    why = differ(list(getattr(type(prelude), "__constants__", [])),
                 list(getattr(type(real), "__constants__", [])), "__constants__")
    if why:
        return why
    for table in ("_parameters", "_buffers", "_modules"):
        # Names in registration order, those registered as None included.
        why = differ(list(getattr(prelude, table)), list(getattr(real, table)), table)
        if why:
            return why
    mine, theirs = plain_attributes(prelude), plain_attributes(real)
    for k in set(mine) | set(theirs):
        if k not in mine and k in KNOWN_MISSING_ATTRIBUTES.get(type(real).__name__, ()):
            continue
        if k not in mine or k not in theirs:
            return "attribute %s: only in %s" % (k, "PyTorch's" if k in theirs else "the prelude's")
        if mine[k] != theirs[k]:
            return "attribute %s: %r vs PyTorch's %r" % (k, mine[k], theirs[k])
    for name, sub in prelude.named_children():
        why = check_attributes(sub, getattr(real, name))
        if why:
            return "%s.%s" % (name, why)
    return None


def perturb(module, seed):
    # Move every floating tensor off its initial value (BatchNorm's ones and
    # zeros, running statistics) so that each one matters in the comparison.
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if not t.is_floating_point():
                continue
            if name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=gen) + 0.5)
            else:
                t.add_(0.1 * torch.randn(t.shape, generator=gen))


def _probe_reset_parameters(self) -> None:
    self.reset_parameters()


def _probe_mha_reset_parameters(self) -> None:
    self._reset_parameters()


def check_reset_compiles(files, cfg):
    """Compile the prelude class's reset_parameters with torch.jit (a subclass
    exports a method that calls it): it must be TorchScript, like forward."""
    with PreludeInTorch(files):
        cls = resolve(cfg["cls"])
        if hasattr(cls, "reset_parameters"):
            probe = _probe_reset_parameters
        elif hasattr(cls, "_reset_parameters"):
            probe = _probe_mha_reset_parameters
        else:
            return None
        sub = type(cls.__name__, (cls,), {"_wick_probe": torch.jit.export(probe)})
        instance = build_with(sub, cfg["kwargs"])
    try:
        torch.jit.script(instance)
    except Exception as e:
        return "reset_parameters does not compile: " + str(e).strip()[:2000]
    return None


def run_config(files, cfg, seed):
    torch.manual_seed(seed)
    real = build(cfg["cls"], cfg["kwargs"])
    with PreludeInTorch(files):
        prelude = build(cfg["cls"], cfg["kwargs"])
    for name, sub in prelude.named_modules():
        if type(sub).__module__.split(".")[0] != PACKAGE and not isinstance(sub, torch.nn.ModuleList):
            return "%s is %s, not a prelude class" % (name or cfg["cls"], type(sub).__qualname__)
    why = check_attributes(prelude, real)
    if why:
        return why
    perturb(real, seed)
    state = copy.deepcopy(real.state_dict())
    if list(prelude.state_dict().keys()) != list(state.keys()):
        return "state_dict keys %s vs PyTorch's %s" % (list(prelude.state_dict().keys()), list(state.keys()))
    try:
        prelude.load_state_dict(state, strict=True)
    except Exception as e:
        return "load_state_dict: " + str(e).strip().splitlines()[0]
    train = cfg.get("train", False)
    real.train(train)
    prelude.train(train)
    try:
        scripted = torch.jit.script(copy.deepcopy(prelude))
    except Exception as e:
        return "torch.jit.script failed: " + str(e).strip()[:2000]
    # The scripted prelude is held to PyTorch's own scripted module where there
    # is one (TorchScript's F.embedding, for one, skips max_norm's renorm).
    try:
        real_scripted = torch.jit.script(copy.deepcopy(real))
        real_scripted.forward  # PyTorch's RNNs script to overloads forward__0/1 only
    except Exception:
        real_scripted = real
    results = {}
    for name, m in (("PyTorch", real), ("PyTorch scripted", real_scripted), ("prelude", prelude),
                    ("scripted prelude", scripted)):
        if m is real and name != "PyTorch":
            results[name] = results["PyTorch"]
            continue
        args = make_inputs(cfg["inputs"], seed)
        kwargs = make_forward_kwargs(cfg.get("forward_kwargs", {}), seed)
        try:
            results[name] = (m(*args, **kwargs), list(m.state_dict().values()))
        except Exception as e:
            return "%s forward failed: %s" % (name, str(e).strip().splitlines()[0][:300])
    for name, reference in (("prelude", "PyTorch"), ("scripted prelude", "PyTorch scripted")):
        (out, state_after), (expected, expected_state) = results[name], results[reference]
        why = differ(out, expected, name + " output") or differ(
            state_after, expected_state, name + " state after forward")
        if why:
            return why + " (against %s)" % reference
    return check_reset_compiles(files, cfg)


def distribution_differ(a, b, what):
    """Are a (prelude) and b (PyTorch) drawn from the same distribution? A
    two-sample Kolmogorov-Smirnov test at a level of about 1e-5; tensors that
    PyTorch fills with one value must be equal."""
    a, b = a.detach().flatten().double(), b.detach().flatten().double()
    if a.shape != b.shape:
        return "%s: %d vs %d elements" % (what, a.numel(), b.numel())
    if torch.all(b == b[0]):
        return None if torch.equal(a, b) else "%s: PyTorch's is all %g, the prelude's is not" % (what, b[0])
    a, b = a.sort().values, b.sort().values
    both = torch.cat([a, b])
    n = a.numel()
    d = (torch.searchsorted(a, both, right=True) - torch.searchsorted(b, both, right=True)).abs().max().item() / n
    limit = 2.5 * math.sqrt(2.0 / n)
    if d > limit:
        qs = torch.tensor([0.0, 0.05, 0.5, 0.95, 1.0], dtype=torch.float64)
        return "%s: KS distance %.3f > %.3f; quantiles 0/5/50/95/100%%: %s vs PyTorch's %s" % (
            what, d, limit, [round(x, 4) for x in torch.quantile(a, qs).tolist()],
            [round(x, 4) for x in torch.quantile(b, qs).tolist()])
    return None


def check_init_module(files, cls_path, kwargs, seed):
    torch.manual_seed(seed)
    real = build(cls_path, kwargs)
    torch.manual_seed(seed + 5000)  # independent draws: the test compares distributions
    with PreludeInTorch(files):
        prelude = build(cls_path, kwargs)
    theirs = real.state_dict()
    for name, t in prelude.state_dict().items():
        why = distribution_differ(t, theirs[name], "%s.%s" % (cls_path, name))
        if why:
            return why
    return None


# Module-level helpers that only construction runs, and that build modules or
# Parameters, which TorchScript functions cannot.
CONSTRUCTION_ONLY_FUNCTIONS = {"_make_weights", "_get_clones"}


def check_helper_functions(files):
    failures = []
    for f, m in files.items():
        for name, obj in vars(m).items():
            if (isinstance(obj, types.FunctionType) and obj.__module__ == m.__name__
                    and name not in CONSTRUCTION_ONLY_FUNCTIONS):
                try:
                    torch.jit.script(obj)
                except Exception as e:
                    failures.append("%s.%s does not compile: %s" % (f, name, str(e).strip()[:2000]))
    return failures


def check_encoder_clones(files):
    """TransformerEncoder's layers start as copies of encoder_layer (PyTorch
    deep-copies it; the prelude rebuilds and copies values), distinct objects."""
    with PreludeInTorch(files):
        layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.2, activation="gelu", layer_norm_eps=1e-3,
                                                 batch_first=True, norm_first=True)
        layer.eval()
        encoder = torch.nn.TransformerEncoder(layer, 3)
    failures = []
    expected = layer.state_dict()
    for i, copy_ in enumerate(encoder.layers):
        why = (check_attributes(copy_, layer)
               or differ(list(copy_.state_dict().values()), list(expected.values()), "state")
               or (None if copy_.training == layer.training else "training flag"))
        if why or copy_ is layer or any(p is q for p, q in zip(copy_.parameters(), layer.parameters())):
            failures.append("TransformerEncoder layer %d is not a copy of encoder_layer: %s" % (i, why or "shared"))
    return failures


def check_init_functions(init):
    import torch.nn.init as real_init
    failures = []
    for name in ["uniform_", "normal_", "constant_", "ones_", "zeros_", "xavier_uniform_", "xavier_normal_",
                 "kaiming_uniform_", "kaiming_normal_", "_calculate_fan_in_and_fan_out",
                 "_calculate_correct_fan", "calculate_gain"]:
        try:
            torch.jit.script(getattr(init, name))
        except Exception as e:
            failures.append("init.%s does not compile: %s" % (name, str(e).strip().splitlines()[0][:300]))
    for nl in ["linear", "conv1d", "conv2d", "conv_transpose2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]:
        if abs(init.calculate_gain(nl) - real_init.calculate_gain(nl)) > 1e-12:
            failures.append("calculate_gain(%r)" % nl)
    if abs(init.calculate_gain("leaky_relu", 0.2) - real_init.calculate_gain("leaky_relu", 0.2)) > 1e-12:
        failures.append("calculate_gain('leaky_relu', 0.2)")
    for shape in [[5, 3], [8, 4, 3, 3], [6, 2, 7], [4, 0]]:
        t = torch.empty(shape)
        if init._calculate_fan_in_and_fan_out(t) != real_init._calculate_fan_in_and_fan_out(t):
            failures.append("_calculate_fan_in_and_fan_out(%s)" % shape)
        for mode in ["fan_in", "fan_out", "FAN_OUT"]:
            if init._calculate_correct_fan(t, mode) != real_init._calculate_correct_fan(t, mode):
                failures.append("_calculate_correct_fan(%s, %s)" % (shape, mode))
    calls = [("uniform_", (), {}), ("uniform_", (-2.0, 3.0), {}), ("normal_", (), {}), ("normal_", (1.0, 0.5), {}),
             ("constant_", (0.3,), {}), ("ones_", (), {}), ("zeros_", (), {}),
             ("xavier_uniform_", (), {}), ("xavier_uniform_", (2.0,), {}), ("xavier_normal_", (), {}),
             ("kaiming_uniform_", (), {}), ("kaiming_uniform_", (), dict(a=math.sqrt(5))),
             ("kaiming_uniform_", (), dict(mode="fan_out", nonlinearity="relu")),
             ("kaiming_normal_", (), {}), ("kaiming_normal_", (), dict(a=0.1, mode="fan_out"))]
    for i, (name, args, kwargs) in enumerate(calls):
        for shape in [[300, 200], [64, 16, 3, 3]]:
            a, b = torch.empty(shape), torch.empty(shape)
            torch.manual_seed(i)
            r = getattr(init, name)(a, *args, **kwargs)
            torch.manual_seed(i + 5000)
            getattr(real_init, name)(b, *args, **kwargs)
            why = distribution_differ(a, b, "init.%s%s %s" % (name, args or "", shape))
            if why or r is not a:
                failures.append(why or "init.%s does not return its argument" % name)
    return failures


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    prelude_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "lang", "prelude")
    warnings.filterwarnings("ignore")
    init, files = load_prelude(prelude_dir)

    failed = 0
    for why in check_helper_functions(files) + check_encoder_clones(files) + check_init_functions(init):
        print("FAIL " + why)
        failed += 1
    for i, (cls_path, kwargs) in enumerate(INIT_CHECKS):
        why = check_init_module(files, cls_path, kwargs, 100 + i)
        print(("FAIL init %s %s: %s" % (cls_path, kwargs, why)) if why else ("ok   init %s %s" % (cls_path, kwargs)))
        failed += why is not None

    matched = 0
    for i, cfg in enumerate(CONFIGS):
        label = "%s %s" % (cfg["cls"], cfg["kwargs"])
        try:
            why = run_config(files, cfg, i)
        except Exception as e:
            why = "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0][:300] if str(e).strip() else "")
        print(("FAIL %s: %s" % (label, why)) if why else ("ok   %s" % label))
        matched += why is None
    print("%d configurations matched (of %d)" % (matched, len(CONFIGS)))
    failed += len(CONFIGS) - matched
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
