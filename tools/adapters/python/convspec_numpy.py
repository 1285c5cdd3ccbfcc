#!/usr/bin/env python3
"""convspec adapter: ONNX Conv / ConvTranspose in numpy, speaking the --cmd protocol.

    npx convspec verify --cmd "python3 tools/adapters/python/convspec_numpy.py"

Any spatial rank, groups, dilation, asymmetric pads, auto_pad, output_padding, output_shape, bias.
Products are accumulated in float64 one kernel tap at a time (a matrix product over the channels of
a group), and the result is rounded once to the inputs' type: float32, float16 or float64 tensors.

The matrix products use np.matmul, never np.dot or np.tensordot: when one operand of np.dot has a
single element (a reduction over one channel with one output channel, or a single output position),
numpy multiplies with BLAS axpy, which does nothing when that element is 0, so 0·∞ and 0·NaN come out
0 instead of NaN (numpy issue #14788; docs/FINDINGS.md). np.matmul multiplies every pair.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ inside the package tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from geometry import resolve, strided_overlap  # noqa: E402
from protocol import serve  # noqa: E402


def conv(x, w, b, geo):
    """x [N, C, i...], w [M, C/g, k...] as float64; returns [N, M, o...]."""
    r = x.ndim - 2
    g = geo["group"]
    cg, mg = x.shape[1] // g, w.shape[0] // g
    xp = np.pad(x, [(0, 0), (0, 0)] + [(pb, pe) for pb, pe in zip(geo["pads_begin"], geo["pads_end"])])
    out = geo["output_spatial"]
    n, positions = x.shape[0], int(np.prod(out))
    y = np.zeros([n, w.shape[0]] + out)
    for tap in np.ndindex(*geo["kernel"]):
        # the input positions o*s + tap*d (in padded coordinates) for every output position o
        window = tuple(
            slice(tap[a] * geo["dilations"][a], tap[a] * geo["dilations"][a] + geo["strides"][a] * (out[a] - 1) + 1, geo["strides"][a])
            for a in range(r)
        )
        xs = xp[(slice(None), slice(None)) + window]
        for grp in range(g):
            wk = w[(slice(grp * mg, (grp + 1) * mg), slice(None)) + tap]  # [M/g, C/g]
            # [M/g, C/g] @ [N, C/g, Πo] -> [N, M/g, Πo]
            part = np.matmul(wk, xs[:, grp * cg:(grp + 1) * cg].reshape(n, cg, positions))
            y[:, grp * mg:(grp + 1) * mg] += part.reshape([n, mg] + out)
    if b is not None:
        y += b.reshape([1, -1] + [1] * r)
    return y


def conv_transpose(x, w, b, geo):
    """x [N, C, i...], w [C, M/g, k...] as float64; returns [N, M, o...]."""
    r = x.ndim - 2
    g = geo["group"]
    cg, mg = x.shape[1] // g, w.shape[1]
    m = mg * g
    n = x.shape[0]
    ins = list(x.shape[2:])
    out = geo["output_spatial"]
    s, d, pb = geo["strides"], geo["dilations"], geo["pads_begin"]
    # Scattered straight into the output: input position j of tap t lands on j*s + t*d - pads_begin,
    # kept where that is inside the output. (A scatter target of the full size, cropped afterwards, can
    # dwarf the output: 65 536 channels of 257 x 257 in float64, 32 GiB, for a 1 x 1 output.)
    y = np.zeros([n, m] + out)
    for tap in np.ndindex(*geo["kernel"]):
        src, dst, counts = [], [], []
        for a in range(r):
            placed = strided_overlap(tap[a] * d[a] - pb[a], s[a], ins[a], out[a])
            if placed is None:
                break  # this tap reaches no output position on this axis: nothing to add
            src.append(placed[0])
            dst.append(placed[1])
            counts.append(placed[2])
        else:  # every axis reaches the output
            xs = x[(slice(None), slice(None)) + tuple(src)]
            positions = int(np.prod(counts))
            for grp in range(g):
                wk = w[(slice(grp * cg, (grp + 1) * cg), slice(None)) + tap]  # [C/g, M/g]
                # [M/g, C/g] @ [N, C/g, Π(kept positions)] -> [N, M/g, Π(kept positions)]
                part = np.matmul(wk.T, xs[:, grp * cg:(grp + 1) * cg].reshape(n, cg, positions))
                y[(slice(None), slice(grp * mg, (grp + 1) * mg)) + tuple(dst)] += part.reshape([n, mg] + counts)
    if b is not None:
        y = y + b.reshape([1, -1] + [1] * r)
    return y


def compute(op, x_dims, x, w_dims, w, b_dims, b, attrs):
    geo = resolve(op, x_dims, w_dims, b_dims, attrs)
    x64 = x.astype(np.float64).reshape(x_dims)
    w64 = w.astype(np.float64).reshape(w_dims)
    b64 = None if b is None else b.astype(np.float64)
    with np.errstate(all="ignore"):  # inf*0 and overflow follow IEEE quietly, as the reference does
        # float64, rounded once by the protocol to the inputs' type (float32, float16 or float64)
        return conv(x64, w64, b64, geo) if op == "Conv" else conv_transpose(x64, w64, b64, geo)


if __name__ == "__main__":
    supports = {"precision": "float32", "dtypes": ["float32", "float16", "float64"]}
    serve(f"numpy {np.__version__} (float64 accumulation)", supports, compute)
