"""Writes the external-data cases of external-data.test into a folder (symlinks and FIFOs cannot live in git).

Every model is one Add of a graph input and a 4-float initializer 'w' stored externally; the cases differ
in the external_data entries and in what the location is on disk.

usage: external_data.py FOLDER          the confinement cases, in FOLDER/m
       external_data.py FOLDER --big    FOLDER/big.onnx: 1 GiB of float weights in a sparse file (no disk used)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper


def model(path, location, offset=None, length=None, extra=(), count=4):
    w = TensorProto()
    w.name = "w"
    w.data_type = TensorProto.FLOAT
    w.dims.extend([count])
    w.data_location = TensorProto.EXTERNAL
    for key, value in [("location", location), ("offset", offset), ("length", length)] + list(extra):
        if value is not None:
            e = w.external_data.add()
            e.key, e.value = key, value
    graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"], name="add")], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [count])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [count])], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def main():
    root = sys.argv[1]
    if sys.argv[2:] == ["--big"]:
        os.makedirs(root, exist_ok=True)
        with open(os.path.join(root, "big.bin"), "wb") as f:
            f.truncate(1 << 30)
        model(os.path.join(root, "big.onnx"), "big.bin", "0", str(1 << 30), count=1 << 28)
        return
    m = os.path.join(root, "m")
    os.makedirs(os.path.join(m, "dir"))
    # The weights: 8 floats, so offsets 0 and 16 both hold a whole tensor of 4.
    np.arange(1, 9, dtype=np.float32).tofile(os.path.join(m, "w.bin"))
    with open(os.path.join(root, "secret.bin"), "wb") as f:  # outside the model folder
        f.write(np.full(4, 7, dtype=np.float32).tobytes())
    os.symlink(os.path.join(root, "secret.bin"), os.path.join(m, "link_out"))
    os.symlink("../secret.bin", os.path.join(m, "link_rel_out"))
    os.symlink("/dev/zero", os.path.join(m, "link_dev"))
    os.symlink("w.bin", os.path.join(m, "link_in"))  # a symlink that stays inside is fine
    os.symlink(root, os.path.join(m, "up"))  # a directory symlink pointing out
    os.mkfifo(os.path.join(m, "fifo"))
    cases = {
        "ok": ("w.bin", None, "16"),
        "second_half": ("w.bin", "16", "16"),
        "link_in": ("link_in", None, "16"),
        "link_out": ("link_out", None, None),
        "link_rel_out": ("link_rel_out", None, None),
        "link_dir_out": ("up/secret.bin", None, None),
        "link_dev": ("link_dev", None, "16"),
        "fifo": ("fifo", None, "16"),
        "dir": ("dir", None, None),
        "missing": ("nothere.bin", None, None),
        "dotdot": ("../secret.bin", None, None),
        "absolute": (os.path.join(root, "secret.bin"), None, None),
        "offset_text": ("w.bin", "abc", None),
        "offset_negative": ("w.bin", "-16", None),
        "offset_20_digits": ("w.bin", "18446744073709551616", None),
        "offset_hex": ("w.bin", "0x10", None),
        "length_space": ("w.bin", "0", " 16"),
        "overflow": ("w.bin", "9223372036854775807", "16"),
        "beyond_end": ("w.bin", "24", "16"),
        "short_length": ("w.bin", "0", "12"),
        "whole_file": ("w.bin", None, None),  # 32 bytes for a 16-byte tensor
    }
    for name, (location, offset, length) in cases.items():
        model(os.path.join(m, name + ".onnx"), location, offset, length)
    model(os.path.join(m, "twice.onnx"), "w.bin", "0", "16", extra=[("offset", "16")])


if __name__ == "__main__":
    main()
