#!/usr/bin/env python3
"""convspec adapter over PyTorch (CPU or CUDA, float32), speaking the --cmd protocol.

    npx convspec verify --cmd "python3 tools/adapters/python/convspec_torch.py"
    CONVSPEC_TORCH_DEVICE=cuda npx convspec verify --cmd "python3 tools/adapters/python/convspec_torch.py"

PyTorch's conv layers take symmetric padding only and no auto_pad or ONNX output_shape, so the
attributes are resolved here (geometry.py, the reference's reading) and mapped:
- Conv: explicit F.pad of X by (begin, end) per axis, then convNd with padding 0;
- ConvTranspose: conv_transposeNd with padding 0 and output_padding 0 gives the full scatter
  s(i-1) + d(k-1) + 1; the result is placed in a zero buffer large enough for output_padding and an
  output_shape above the natural size, cropped by pads_begin, and the bias added last (so appended
  elements get the bias too, as ONNX Runtime does). Where that uncropped scatter would be far larger
  than the output (a long dilated kernel cropped to a few elements), the ConvTranspose is computed
  instead as the stride-1 convolution of the zero-inserted input with the flipped kernel, so memory
  follows the output, not the scatter.
Spatial ranks 1-3 (PyTorch has no 4-D convolution). Set CONVSPEC_TORCH_TF32=1 to allow TF32 on CUDA;
the adapter then declares the tf32 precision profile, but only on a device that has TF32 (CUDA compute
capability 8.0 or later): on the CPU, or an older GPU, the flag changes nothing and float32 is declared.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ inside the package tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from geometry import resolve, strided_overlap  # noqa: E402
from protocol import serve  # noqa: E402

DEVICE = torch.device(os.environ.get("CONVSPEC_TORCH_DEVICE", "cpu"))
TF32 = os.environ.get("CONVSPEC_TORCH_TF32") == "1"
torch.backends.cuda.matmul.allow_tf32 = TF32
torch.backends.cudnn.allow_tf32 = TF32
# TF32 exists only on CUDA devices of compute capability 8.0 (Ampere) and later: elsewhere the flag
# changes nothing, so the looser profile is declared only where TF32 can really be used.
USES_TF32 = TF32 and DEVICE.type == "cuda" and torch.cuda.get_device_capability(DEVICE)[0] >= 8

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def compute(op, x_dims, x, w_dims, w, b_dims, b, attrs):
    geo = resolve(op, x_dims, w_dims, b_dims, attrs)
    r = len(x_dims) - 2
    if r not in CONV:
        raise ValueError(f"spatial rank {r} is not supported by PyTorch (1-3 only)")
    xt = torch.from_numpy(x.copy()).reshape(x_dims).to(DEVICE)
    wt = torch.from_numpy(w.copy()).reshape(w_dims).to(DEVICE)
    bt = None if b is None else torch.from_numpy(b.copy()).to(DEVICE)
    with torch.no_grad():
        if op == "Conv":
            # F.pad takes (last-axis begin, last-axis end, previous axis …)
            pad = []
            for a in reversed(range(r)):
                pad += [geo["pads_begin"][a], geo["pads_end"][a]]
            y = CONV[r](F.pad(xt, pad), wt, bt, stride=geo["strides"], padding=0, dilation=geo["dilations"], groups=geo["group"])
        elif _scatter_elements(x_dims, w_dims, geo) > max(2 ** 24, 4 * _direct_elements(x_dims, geo)):
            y = _conv_transpose_direct(xt, wt, bt, geo, r)
        else:
            full = CONV_T[r](xt, wt, None, stride=geo["strides"], padding=0, output_padding=0, groups=geo["group"], dilation=geo["dilations"])
            out = geo["output_spatial"]
            size = [max(full.shape[2 + a], geo["pads_begin"][a] + out[a]) for a in range(r)]
            buf = torch.zeros(list(full.shape[:2]) + size, dtype=full.dtype, device=DEVICE)
            buf[(slice(None), slice(None)) + tuple(slice(0, n) for n in full.shape[2:])] = full
            y = buf[(slice(None), slice(None)) + tuple(slice(geo["pads_begin"][a], geo["pads_begin"][a] + out[a]) for a in range(r))]
            if bt is not None:
                y = y + bt.reshape([1, -1] + [1] * r)
    return y.detach().to("cpu").numpy().astype(np.float32)


def _full_length(i, k, s, d):
    return s * (i - 1) + d * (k - 1) + 1


def _scatter_elements(x_dims, w_dims, geo):
    """Elements of the uncropped scatter target conv_transposeNd(padding 0) would write."""
    n = x_dims[0] * w_dims[1] * geo["group"]
    for a in range(len(x_dims) - 2):
        n *= max(_full_length(x_dims[2 + a], w_dims[2 + a], geo["strides"][a], geo["dilations"][a]), geo["pads_begin"][a] + geo["output_spatial"][a])
    return n


def _direct_elements(x_dims, geo):
    """Elements of the zero-inserted, padded input the direct form convolves (a stride-1
    convolution's input: output plus d(k-1) per axis)."""
    n = x_dims[0] * x_dims[1]
    for a in range(len(x_dims) - 2):
        n *= geo["output_spatial"][a] + geo["dilations"][a] * (geo["kernel"][a] - 1)
    return n


def _conv_transpose_direct(xt, wt, bt, geo, r):
    """ConvTranspose as the convolution it is the transpose of: zeros inserted between the input's
    elements (stride), padded by d(k-1) minus the ONNX pads on each side (negative: cropped, even
    past the input), and convolved with the flipped kernel whose in/out channel axes are swapped
    within each group.

    Used only where the uncropped scatter of conv_transposeNd would be far larger than the padded
    input convolved here (a small output cropped out of a long dilated kernel's scatter): there the
    scatter form needs memory the result does not (65 536 channels x 257 x 257 for a 1 x 1 output)."""
    n, c = xt.shape[:2]
    g = geo["group"]
    s, d, k = geo["strides"], geo["dilations"], geo["kernel"]
    # The padded input, built by hand: F.pad cannot crop an axis past its length, which a begin pad
    # above d(k-1) asks for (input element j lands on position j*s + begin of the padded axis).
    begin = [d[a] * (k[a] - 1) - geo["pads_begin"][a] for a in range(r)]
    length = [geo["output_spatial"][a] + d[a] * (k[a] - 1) for a in range(r)]
    xp = torch.zeros([n, c] + length, dtype=xt.dtype, device=xt.device)
    src, dst = [], []
    for a in range(r):
        placed = strided_overlap(begin[a], s[a], xt.shape[2 + a], length[a])
        if placed is None:
            src = None
            break
        src.append(placed[0])
        dst.append(placed[1])
    if src is not None:
        xp[(slice(None), slice(None)) + tuple(dst)] = xt[(slice(None), slice(None)) + tuple(src)]
    m_g = wt.shape[1]
    wc = wt.reshape([g, c // g, m_g] + k).transpose(1, 2).reshape([g * m_g, c // g] + k).flip(list(range(2, 2 + r)))
    return CONV[r](xp, wc, bt, stride=1, padding=0, dilation=d, groups=g)


if __name__ == "__main__":
    supports = {"ranks": [1, 2, 3], "precision": "tf32" if USES_TF32 else "float32"}
    serve(f"PyTorch {torch.__version__} on {DEVICE}" + (" (TF32 allowed)" if USES_TF32 else ""), supports, compute)
