"""Attribute resolution for ONNX Conv / ConvTranspose (opset 22), shared by the Python adapters.

Follows the same reading as convspec's reference (ONNX Runtime >= 1.29, see spec/AMBIGUITIES.md):
- ConvTranspose SAME_*: total padding = max(0, output_padding + d(k-1) + 1 - s), odd part at the end
  for SAME_UPPER and at the start for SAME_LOWER;
- output_padding must be below the stride;
- Conv SAME_* with dilation uses the effective kernel d(k-1)+1;
- ConvTranspose output_shape: spatial dims only, from 1 to s*i + d(k-1) (= natural - output_padding
  + stride - 1, as ONNX Runtime 1.30 bounds it); sizes above the natural one append the extra
  elements at the end (pads_end becomes negative).

Every problem raises ConvError whose message starts with the convspec error code, so a verifier can
tell which check refused the input.
"""
import math

MAX_ELEMENTS = 2 ** 28
AUTO_PADS = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")
CONV_ATTRS = ("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides")
CONVT_ATTRS = CONV_ATTRS + ("output_padding", "output_shape")


class ConvError(ValueError):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")


def _int(what, v, minimum):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or int(v) != v:
        raise ConvError("NOT_AN_INTEGER", f"{what} must be a finite integer, got {v!r}")
    v = int(v)
    if v < minimum:
        if minimum == 1:
            raise ConvError("NOT_POSITIVE", f"{what} must be at least 1, got {v}")
        code = "OUTPUT_PADDING_RANGE" if what.startswith("output_padding") else "NEGATIVE_PADS"
        raise ConvError(code, f"{what} must be at least {minimum}, got {v}")
    return v


def _list(name, v, length, minimum):
    if not isinstance(v, list):
        raise ConvError("NOT_AN_INTEGER", f"{name} must be a list of integers, got {v!r}")
    if len(v) != length:
        raise ConvError("ATTRIBUTE_LENGTH", f"{name} must have {length} values, got {len(v)}: {v!r}")
    return [_int(f"{name}[{i}]", x, minimum) for i, x in enumerate(v)]


def _dims(name, dims):
    if not isinstance(dims, list):
        raise ConvError("TENSOR_TYPE", f"{name}.dims must be a list, got {dims!r}")
    out = [_int(f"{name}.dims[{i}]", d, 1) for i, d in enumerate(dims)]
    if math.prod(out) > MAX_ELEMENTS:
        raise ConvError("SIZE_LIMIT", f"{name} has {math.prod(out)} elements, above the cap {MAX_ELEMENTS}")
    return out


def resolve(op, x_dims, w_dims, b_dims, attrs):
    """Returns a dict: group, strides, dilations, kernel, pads_begin, pads_end, output_padding,
    output_spatial, output_dims (all Python ints)."""
    x = _dims("X", x_dims)
    w = _dims("W", w_dims)
    if len(x) < 3:
        raise ConvError("RANK_MISMATCH", f"X must have rank >= 3, got dims {x}")
    if len(w) != len(x):
        raise ConvError("RANK_MISMATCH", f"W must have the same rank as X ({len(x)}), got dims {w}")
    r = len(x) - 2
    if not isinstance(attrs, dict):
        raise ConvError("UNKNOWN_ATTRIBUTE", f"attributes must be an object, got {attrs!r}")
    allowed = CONV_ATTRS if op == "Conv" else CONVT_ATTRS
    for key, value in attrs.items():
        if key not in allowed and value is not None:
            raise ConvError("UNKNOWN_ATTRIBUTE", f"{op} has no attribute {key!r}")
    auto_pad = attrs.get("auto_pad") or "NOTSET"
    if auto_pad not in AUTO_PADS:
        raise ConvError("UNKNOWN_AUTO_PAD", f"auto_pad must be one of {', '.join(AUTO_PADS)}, got {auto_pad!r}")
    group = 1 if attrs.get("group") is None else _int("group", attrs["group"], 1)
    strides = [1] * r if attrs.get("strides") is None else _list("strides", attrs["strides"], r, 1)
    dilations = [1] * r if attrs.get("dilations") is None else _list("dilations", attrs["dilations"], r, 1)
    pads = None if attrs.get("pads") is None else _list("pads", attrs["pads"], 2 * r, 0)
    kernel = w[2:]
    if attrs.get("kernel_shape") is not None:
        ks = _list("kernel_shape", attrs["kernel_shape"], r, 1)
        if ks != kernel:
            raise ConvError("KERNEL_SHAPE_MISMATCH", f"kernel_shape {ks} disagrees with W's spatial dims {kernel}")
    if pads is not None and auto_pad != "NOTSET" and any(pads):
        raise ConvError("PADS_CONFLICT", f"pads {pads} cannot be used with auto_pad {auto_pad}")
    n, c = x[0], x[1]
    if op == "Conv":
        m = w[0]
        _check_group(c, m, group)
        if w[1] * group != c:
            raise ConvError("CHANNEL_MISMATCH", f"W dims {w} expect C/group = {w[1]}, but X has C = {c} with group = {group}")
    else:
        if w[0] != c:
            raise ConvError("CHANNEL_MISMATCH", f"ConvTranspose W is [C, M/group, k...]: W dims {w} but X has C = {c}")
        m = w[1] * group
        _check_group(c, m, group)
    if b_dims is not None:
        b = _dims("B", b_dims)
        if len(b) != 1:
            raise ConvError("RANK_MISMATCH", f"B must have rank 1, got dims {b}")
        if b[0] != m:
            raise ConvError("BIAS_LENGTH", f"B must have M = {m} elements, got {b[0]}")
    output_padding = [0] * r
    output_shape = None
    if op == "ConvTranspose":
        if attrs.get("output_padding") is not None:
            output_padding = _list("output_padding", attrs["output_padding"], r, 0)
        for a, p in enumerate(output_padding):
            if p >= strides[a]:
                raise ConvError("OUTPUT_PADDING_RANGE", f"output_padding[{a}] = {p} must be below strides[{a}] = {strides[a]}")
        if attrs.get("output_shape") is not None:
            output_shape = _list("output_shape", attrs["output_shape"], r, 1)
            if pads is not None and any(pads):
                raise ConvError("PADS_CONFLICT", f"pads {pads} cannot be used with output_shape {output_shape}")
    begin, end, out = [], [], []
    for a in range(r):
        i, s, d, k = x[2 + a], strides[a], dilations[a], kernel[a]
        eff = d * (k - 1) + 1
        pb = pe = 0
        if op == "Conv":
            if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
                total = max(0, (-(-i // s) - 1) * s + eff - i)
                pb = total // 2 if auto_pad == "SAME_UPPER" else total - total // 2
                pe = total - pb
            elif auto_pad == "NOTSET" and pads is not None:
                pb, pe = pads[a], pads[a + r]
            size = (i + pb + pe - eff) // s + 1
        else:
            natural = s * (i - 1) + output_padding[a] + eff
            if output_shape is not None:
                want = output_shape[a]
                largest = s * i + d * (k - 1)  # what output_padding < stride could reach (ORT's bound)
                if want > largest:
                    raise ConvError("OUTPUT_SHAPE_INCONSISTENT", f"output_shape[{a}] = {want} is above s*i + d(k-1) = {largest}")
                total = natural - want
                if total >= 0:
                    pb = total // 2 if auto_pad == "SAME_UPPER" else total - total // 2
                    pe = total - pb
                else:
                    pe = total
            elif auto_pad in ("SAME_UPPER", "SAME_LOWER"):
                total = max(0, natural - s * i)
                pb = total // 2 if auto_pad == "SAME_UPPER" else total - total // 2
                pe = total - pb
            elif auto_pad == "NOTSET" and pads is not None:
                pb, pe = pads[a], pads[a + r]
            size = natural - pb - pe
        if size < 1:
            raise ConvError("OUTPUT_TOO_SMALL", f"{op} output size on spatial axis {a} would be {size}")
        begin.append(pb)
        end.append(pe)
        out.append(size)
    output_dims = [n, m] + out
    if math.prod(output_dims) > MAX_ELEMENTS:
        raise ConvError("SIZE_LIMIT", f"the output would have {math.prod(output_dims)} elements, above the cap {MAX_ELEMENTS}")
    return {
        "group": group, "strides": strides, "dilations": dilations, "kernel": kernel,
        "pads_begin": begin, "pads_end": end, "output_padding": output_padding,
        "output_spatial": out, "output_dims": output_dims, "channels_in": c, "channels_out": m,
    }


def strided_overlap(offset, stride, count, length):
    """Where `count` elements placed at j*stride + offset (j = 0 … count-1) meet positions 0 … length-1:
    (the slice of j that lands inside, the slice of positions it lands on, how many), or None when
    none does. Both adapters' ConvTransposes place strided inputs into a window this way."""
    first = max(0, -(offset // stride))  # the first j with j*stride + offset >= 0
    last = min(count - 1, (length - 1 - offset) // stride)  # the last with j*stride + offset < length
    if last < first:
        return None
    return slice(first, last + 1), slice(first * stride + offset, last * stride + offset + 1, stride), last - first + 1


def _check_group(c, m, group):
    if c % group:
        raise ConvError("GROUP_DIVISIBILITY", f"input channels C = {c} are not divisible by group = {group}")
    if m % group:
        raise ConvError("GROUP_DIVISIBILITY", f"output channels M = {m} are not divisible by group = {group}")
