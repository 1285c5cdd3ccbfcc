"""The convspec --cmd protocol: one JSON object per line on stdin, one answer per line on stdout.

Request:  {"id": 7, "op": "Conv" | "ConvTranspose", "attrs": {...}, "x": T, "w": T, "b": T | null}
          with T = {"dims": [...], "data": "<base64 of little-endian float32>"}
Answer:   {"id": 7, "y": T}  or  {"id": 7, "error": "message"}
The request {"id": 0, "op": "describe"} is answered with {"id": 0, "name": ..., "supports": ...}.
Diagnostics go to stderr only: stdout carries nothing but answers.
"""
import base64
import json
import sys

import numpy as np


def decode(t, name):
    if not isinstance(t, dict) or "dims" not in t or "data" not in t:
        raise ValueError(f"TENSOR_TYPE: {name} must be {{dims, data}}")
    raw = base64.b64decode(t["data"], validate=True)
    if len(raw) % 4:
        raise ValueError(f"DATA_LENGTH: {name} data is {len(raw)} bytes, not a whole number of float32")
    data = np.frombuffer(raw, dtype="<f4")
    dims = t["dims"]
    expected = 1
    for d in dims:
        expected *= d if isinstance(d, int) and d > 0 else 0
    if data.size != expected:
        raise ValueError(f"DATA_LENGTH: {name} has dims {dims} but {data.size} values")
    return dims, data


def encode(y):
    y = np.ascontiguousarray(y, dtype="<f4")
    return {"dims": [int(d) for d in y.shape], "data": base64.b64encode(y.tobytes()).decode("ascii")}


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
                y = compute(op, x_dims, x, w_dims, w, b_dims, b, req.get("attrs") or {})
                answer = {"id": rid, "y": encode(y)}
            else:
                answer = {"id": rid, "error": f"unknown op {op!r}"}
        except Exception as err:  # every failure is an answer, never a dead process
            answer = {"id": rid, "error": str(err) or type(err).__name__}
        out.write(json.dumps(answer) + "\n")
        out.flush()
