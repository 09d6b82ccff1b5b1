# safetensors_io.py: read and write safetensors without the safetensors package (Debian's torch 1.13 has none)
"""The format: an 8-byte little-endian header size, a JSON header (each tensor's dtype, shape and data_offsets,
and __metadata__, strings only), then each tensor's raw little-endian data, in the header's order."""
import json
import os
import struct

import numpy as np
import torch

DTYPES = {"F16": np.dtype("<f2"), "F32": np.dtype("<f4"), "F64": np.dtype("<f8")}
CODES = {np.dtype("float16"): "F16", np.dtype("float32"): "F32", np.dtype("float64"): "F64"}


def load(path):
    """The tensors (a dict in file order) and the metadata (a dict of strings) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    metadata = header.pop("__metadata__", None) or {}
    body = memoryview(data)[8 + size:]
    tensors = {}
    for name, h in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
        if h["dtype"] not in DTYPES:
            raise ValueError(f"{path}: {name} is {h['dtype']}; this reader takes {', '.join(DTYPES)}")
        start, end = h["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=DTYPES[h["dtype"]]).reshape(h["shape"])
        tensors[name] = torch.from_numpy(array.astype(array.dtype.newbyteorder("=")))  # a native, writable copy
    return tensors, metadata


def tensor_bytes(tensor):
    """The dtype code and the raw little-endian bytes that save writes for one tensor."""
    array = tensor.detach().cpu().contiguous().numpy()
    if array.dtype not in CODES:
        raise ValueError(f"{array.dtype} tensors are not written here (only {', '.join(DTYPES)})")
    code = CODES[array.dtype]
    return code, array.astype(DTYPES[code]).tobytes()


def save(path, tensors, metadata=None):
    """Writes tensors (a dict name → tensor, in its order) and string metadata; atomically, by a rename."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, tensor in tensors.items():
        code, raw = tensor_bytes(tensor)
        header[name] = {"dtype": code, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # spaces to a multiple of 8 bytes, as the format's own writer aligns the data
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        f.writelines(chunks)
    os.replace(tmp, path)
