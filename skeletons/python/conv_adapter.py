#!/usr/bin/env python3
"""A convspec adapter (written by `convspec init python`): ONNX Conv and ConvTranspose for --cmd.

    npx convspec verify --cmd "python3 conv_adapter.py"

convspec_protocol.py speaks the JSON-lines protocol; convspec_geometry.py checks the inputs the way
ONNX Runtime does (raising ValueError whose message starts with the invalid-input class's code, as
convspec's own reference does) and resolves auto_pad, pads, output_padding and output_shape. Keep
resolve() as the first step of compute(), then replace conv / conv_transpose by calls into your
library. The numpy loops below are a plain, correct float64 definition (one kernel tap at a time).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from convspec_geometry import resolve  # noqa: E402
from convspec_protocol import serve  # noqa: E402


def conv(x, w, b, geo):
    """x [N, C, i...], w [M, C/g, k...] as float64; returns y [N, M, o...]."""
    r = x.ndim - 2
    g = geo["group"]
    cg, mg = x.shape[1] // g, w.shape[0] // g
    out = geo["output_spatial"]
    xp = np.pad(x, [(0, 0), (0, 0)] + list(zip(geo["pads_begin"], geo["pads_end"])))
    y = np.zeros([x.shape[0], w.shape[0]] + out)
    for tap in np.ndindex(*geo["kernel"]):
        # the padded input positions o*s + tap*d of every output position o
        window = tuple(slice(t * d, t * d + s * (o - 1) + 1, s) for t, d, s, o in zip(tap, geo["dilations"], geo["strides"], out))
        xs = xp[(slice(None), slice(None)) + window]
        for grp in range(g):
            wk = w[(slice(grp * mg, (grp + 1) * mg), slice(None)) + tap]  # [M/g, C/g]
            # einsum's own loops keep IEEE rules (inf * 0 = NaN) where a BLAS call may skip zeros
            y[:, grp * mg:(grp + 1) * mg] += np.einsum("nc...,mc->nm...", xs[:, grp * cg:(grp + 1) * cg], wk)
    if b is not None:
        y += b.reshape([1, -1] + [1] * r)
    return y


def conv_transpose(x, w, b, geo):
    """x [N, C, i...], w [C, M/g, k...] as float64; returns y [N, M, o...]."""
    r = x.ndim - 2
    g = geo["group"]
    cg, mg = x.shape[1] // g, w.shape[1]
    ins, out = x.shape[2:], geo["output_spatial"]
    # every scatter position j*s + tap*d, with room for output_shape above the natural size
    full = [max(s * (i - 1) + d * (k - 1) + 1, pb + o) for s, i, d, k, pb, o in zip(geo["strides"], ins, geo["dilations"], geo["kernel"], geo["pads_begin"], out)]
    y = np.zeros([x.shape[0], mg * g] + full)
    for tap in np.ndindex(*geo["kernel"]):
        window = tuple(slice(t * d, t * d + s * (i - 1) + 1, s) for t, d, s, i in zip(tap, geo["dilations"], geo["strides"], ins))
        for grp in range(g):
            wk = w[(slice(grp * cg, (grp + 1) * cg), slice(None)) + tap]  # [C/g, M/g]
            y[(slice(None), slice(grp * mg, (grp + 1) * mg)) + window] += np.einsum("nc...,cm->nm...", x[:, grp * cg:(grp + 1) * cg], wk)
    y = y[(slice(None), slice(None)) + tuple(slice(pb, pb + o) for pb, o in zip(geo["pads_begin"], out))]
    if b is not None:
        y = y + b.reshape([1, -1] + [1] * r)
    return y


def compute(op, x_dims, x, w_dims, w, b_dims, b, attrs):
    geo = resolve(op, x_dims, w_dims, b_dims, attrs)
    x64 = x.astype(np.float64).reshape(x_dims)
    w64 = w.astype(np.float64).reshape(w_dims)
    b64 = None if b is None else b.astype(np.float64)
    with np.errstate(all="ignore"):  # inf * 0 and overflow follow IEEE quietly
        return conv(x64, w64, b64, geo) if op == "Conv" else conv_transpose(x64, w64, b64, geo)


if __name__ == "__main__":
    # What this adapter computes (fields as in convspec's docs/VERIFY.md, "supports"): declare what your
    # library lacks, e.g. {"ranks": [2], "groups": False}; an absent field claims everything.
    serve("my-conv (numpy)", {"ops": ["Conv", "ConvTranspose"]}, compute)
