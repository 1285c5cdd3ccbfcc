"""The convspec --cmd protocol: one JSON object per line on stdin, one answer per line on stdout.

Request:  {"id": 7, "op": "Conv" | "ConvTranspose", "attrs": {...}, "x": T, "w": T, "b": T | null}
          with T = {"dims": [...], "data": "<base64 of little-endian float32>"}, or with an optional
          "dtype": "float16" | "float64" (little-endian bytes of that type; bfloat16 is not handled here)
Answer:   {"id": 7, "y": T}  or  {"id": 7, "error": "message"}
The request {"id": 0, "op": "describe"} is answered with {"id": 0, "name": ..., "supports": ...}.
Diagnostics go to stderr only: stdout carries nothing but answers.
"""
import base64
import json
import sys

import numpy as np


# The element types numpy has, by the protocol's dtype names (absent: float32).
WIRE_TYPES = {"float16": "<f2", "float32": "<f4", "float64": "<f8"}


def wire_type(t, name):
    dtype = t.get("dtype", "float32") if isinstance(t, dict) else "float32"
    if dtype not in WIRE_TYPES:
        raise ValueError(f"TENSOR_TYPE: {name} has dtype {dtype!r}, which this adapter does not compute")
    return dtype


def decode(t, name):
    if not isinstance(t, dict) or "dims" not in t or "data" not in t:
        raise ValueError(f"TENSOR_TYPE: {name} must be {{dims, data}}")
    np_type = np.dtype(WIRE_TYPES[wire_type(t, name)])
    raw = base64.b64decode(t["data"], validate=True)
    if len(raw) % np_type.itemsize:
        raise ValueError(f"DATA_LENGTH: {name} data is {len(raw)} bytes, not a whole number of {np_type.itemsize}-byte elements")
    data = np.frombuffer(raw, dtype=np_type)
    dims = t["dims"]
    expected = 1
    for d in dims:
        expected *= d if isinstance(d, int) and d > 0 else 0
    if data.size != expected:
        raise ValueError(f"DATA_LENGTH: {name} has dims {dims} but {data.size} values")
    return dims, data


def encode(y, dtype="float32"):
    """y rounded once to dtype (numpy casts float64 to float16 and float32 to nearest, ties to even)."""
    with np.errstate(all="ignore"):  # overflow to ±inf follows IEEE quietly
        y = np.ascontiguousarray(y, dtype=WIRE_TYPES[dtype])
    t = {"dims": [int(d) for d in y.shape], "data": base64.b64encode(y.tobytes()).decode("ascii")}
    if dtype != "float32":
        t["dtype"] = dtype
    return t


def serve(name, supports, compute):
    """Answers requests until stdin closes. compute(op, x_dims, x, w_dims, w, b_dims|None, b|None, attrs) -> ndarray."""
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        rid = None
        try:
            req = json.loads(line)
            rid = req.get("id")
            op = req.get("op")
            if op == "describe":
                answer = {"id": rid, "name": name, "supports": supports}
            elif op in ("Conv", "ConvTranspose"):
                x_dims, x = decode(req.get("x"), "X")
                w_dims, w = decode(req.get("w"), "W")
                b_dims, b = decode(req["b"], "B") if req.get("b") is not None else (None, None)
                dtype = wire_type(req.get("x"), "X")
                y = compute(op, x_dims, x, w_dims, w, b_dims, b, req.get("attrs") or {})
                answer = {"id": rid, "y": encode(y, dtype)}
            else:
                answer = {"id": rid, "error": f"unknown op {op!r}"}
        except Exception as err:  # every failure is an answer, never a dead process
            answer = {"id": rid, "error": str(err) or type(err).__name__}
        out.write(json.dumps(answer) + "\n")
        out.flush()
