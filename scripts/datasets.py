"""Labelled data sets for accuracy measurements of the emitted C.

fashion_mnist_test(): Fashion-MNIST's 10,000 test images from Debian's
dataset-fashion-mnist (IDX files), as float32 [N, 1, 28, 28] scaled to [0, 1]
(pixel / 255, as ../shared/data/fashion/calib_x.npy) and int64 labels.
fashion_mnist_train_heldout(): its 60,000 training images less the calibration
samples (../shared/data/fashion/calib_x.npy, 512 of them): six times the test
set, for comparisons the test set is too small to decide (two quantized
versions of one float model). The float models were trained on these images,
so their own accuracy on them is not a test accuracy.
load_set(name): "fashion-mnist-test", "fashion-mnist-train-heldout", or a pair "X.npy,Y.npy"."""
import gzip
import os

import numpy as np

FASHION = "/usr/share/datasets/fashion-mnist"
CALIBRATION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "fashion",
                           "calib_x.npy")


def read_idx(path):
    """An IDX file (gzip or not): magic 0 0 type ndim, big-endian dims, data."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path}: not an IDX file")
    dtype = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[data[2]]
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=dtype, offset=4 + 4 * ndim).reshape(dims)


def fashion_mnist_test():
    images = read_idx(os.path.join(FASHION, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FASHION, "t10k-labels-idx1-ubyte.gz"))
    return (images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28), labels.astype(np.int64)


def fashion_mnist_train_heldout():
    images = read_idx(os.path.join(FASHION, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FASHION, "train-labels-idx1-ubyte.gz"))
    x = (images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    calib = np.load(CALIBRATION).astype(np.float32)
    seen = {c.tobytes() for c in calib.reshape(len(calib), -1)}
    keep = np.array([r.tobytes() not in seen for r in x.reshape(len(x), -1)])
    return x[keep], labels[keep].astype(np.int64)


def available(name):
    if name == "fashion-mnist-test":
        return os.path.isfile(os.path.join(FASHION, "t10k-images-idx3-ubyte.gz"))
    if name == "fashion-mnist-train-heldout":
        return os.path.isfile(os.path.join(FASHION, "train-images-idx3-ubyte.gz")) and os.path.isfile(CALIBRATION)
    return all(os.path.isfile(p) for p in name.split(","))


def load_set(name):
    if name == "fashion-mnist-test":
        return fashion_mnist_test()
    if name == "fashion-mnist-train-heldout":
        return fashion_mnist_train_heldout()
    x, y = name.split(",")
    return np.load(x), np.load(y)
