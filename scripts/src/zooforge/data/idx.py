"""Reader for the IDX files of (Fashion-)MNIST, gzip or plain, as shipped by Debian's dataset-fashion-mnist."""

import gzip
import os

import numpy as np

from zooforge.protocol.worker import PROTOCOL

# Root, file names and classes come from pipeline/contracts/fashion-mnist.ts (through the generated protocol.json).
FASHION_MNIST = PROTOCOL["fashion_mnist"]
FASHION_MNIST_DIR = FASHION_MNIST["root"]
FASHION_MNIST_CLASSES = FASHION_MNIST["classes"]
_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str) -> np.ndarray:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
        raise ValueError(f"{path}: not an IDX file (bad magic {data[:4]!r})")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=_DTYPES[data[2]], offset=4 + 4 * ndim)
    expected = int(np.prod(dims))
    if arr.size != expected:
        raise ValueError(f"{path}: IDX header says {dims} ({expected} values) but the file holds {arr.size}")
    return arr.reshape(dims)


def fashion_mnist_paths(split: str, root: str = FASHION_MNIST_DIR) -> tuple:
    files = FASHION_MNIST["files"]["train" if split == "train" else "test"]
    return (os.path.join(root, files["images"]), os.path.join(root, files["labels"]))


def load_fashion_mnist(split: str, root: str = FASHION_MNIST_DIR) -> tuple:
    """Returns (images uint8 [N,28,28], labels int64 [N]). Raises FileNotFoundError naming the package."""
    images_path, labels_path = fashion_mnist_paths(split, root)
    for p in (images_path, labels_path):
        if not os.path.exists(p):
            raise FileNotFoundError(f"{p} not found: install Debian's dataset-fashion-mnist (scripts/setup.sh does)")
    return read_idx(images_path), read_idx(labels_path).astype(np.int64)
