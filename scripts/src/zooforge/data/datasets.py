"""Image sources named in recipes: fashion_mnist (IDX), folder (ImageNet layout or flat + labels), and
hb_calibration_dir (raw tensors already at network size). Each yields images by index; sampling is seeded."""

import os
import stat
import unicodedata
from typing import Any, Dict, List, Optional

import numpy as np
from PIL import Image

from zooforge.protocol.worker import ZfError, warn

from .idx import FASHION_MNIST_CLASSES, load_fashion_mnist

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".jpe")
# Folder.get applies the dataset's own max_pixels instead: PIL's global limit would end the stage with an exception.
Image.MAX_IMAGE_PIXELS = None
# Unreadable images are named one by one up to this many; past it they are counted (the worker's output lists all).
NAMED_UNREADABLE = 5
# The label of an image that has none (a labels file naming only some images): a value no labels file writes, so a
# written -1 is still reported as outside the classes with the others.
UNLABELLED = -(2**62)


class Dataset:
    kind = ""
    raw = False  # True: items are already raw CHW tensors at network size

    def __init__(self) -> None:
        self.ids: List[str] = []
        self.labels: Optional[np.ndarray] = None
        self.classes: Optional[List[str]] = None
        self.label_sources: Optional[List[str]] = None  # file:line of each label, when read from a labels file
        self.unreadable = 0

    def __len__(self) -> int:
        return len(self.ids)

    def get(self, i: int) -> Any:
        raise NotImplementedError

    def source(self, i: int) -> str:
        return self.ids[i]


class FashionMnist(Dataset):
    kind = "fashion_mnist"

    def __init__(self, split: str, root: str) -> None:
        super().__init__()
        try:
            self.images, self.labels = load_fashion_mnist(split, root)
        except (FileNotFoundError, ValueError) as err:
            raise ZfError(str(err))
        self.ids = [f"fashion_mnist/{split}/{i}" for i in range(len(self.images))]
        self.classes = list(FASHION_MNIST_CLASSES)

    def get(self, i: int) -> np.ndarray:
        return self.images[i]


class Folder(Dataset):
    """Images by the listing TypeScript made of the folder (the one its cache key hashed): class folders are the
    listed top-level folders (or the synsets' order), flat images the listed top-level files."""

    kind = "folder"

    def __init__(self, path: str, listing: Dict[str, List[str]], labels: Optional[str], synsets: Optional[str]) -> None:
        super().__init__()
        if not os.path.isdir(path):
            raise ZfError(f"dataset folder not found: {path}")
        subdirs = sorted(d for d in listing["dirs"] if "/" not in d)
        in_class: Dict[str, List[str]] = {}
        flat: List[str] = []
        for rel in listing["files"]:  # sorted by TypeScript
            parts = rel.split("/")
            if parts[-1].lower().endswith(IMAGE_EXTS) and len(parts) <= 2:
                (in_class.setdefault(parts[0], []) if len(parts) == 2 else flat).append(rel)
        self.max_pixels = int(listing["max_pixels"])  # the recipe's, default and all (the contract requires it)
        self.class_names: Optional[List[str]] = None
        if synsets:
            with open(synsets) as f:
                rows = [line.strip().split(None, 1) for line in f if line.strip()]
            subdirs = [r[0] for r in rows]
            # `n01440764 tench, Tinca tinca`: the id names the folder, the whole rest of the line is the readable name
            self.class_names = [r[1] if len(r) > 1 else r[0] for r in rows]
        self.paths: List[str] = []
        if subdirs and not labels:
            lab = []
            for ci, d in enumerate(subdirs):
                files = in_class.get(d, [])
                self.paths += [os.path.join(path, f) for f in files]
                lab += [ci] * len(files)
            self.labels, self.classes = np.asarray(lab, dtype=np.int64), subdirs
        else:
            self.paths = [os.path.join(path, f) for f in flat]
            if labels:
                self.classes = subdirs if synsets else None
                self.labels, self.label_sources = read_labels(
                    labels, [os.path.basename(p) for p in self.paths], self.classes
                )
        if not self.paths:
            raise ZfError(f"no images ({', '.join(IMAGE_EXTS)}) in {path}")
        self.ids = [os.path.relpath(p, path) for p in self.paths]

    def get(self, i: int) -> Image.Image:
        img = Image.open(open_regular(self.paths[i]))  # reads the header only
        if img.width * img.height > self.max_pixels:
            raise OSError(
                f"{img.width}x{img.height} is more than the dataset's max_pixels ({self.max_pixels}); raise it "
                "in the recipe if the image is real"
            )
        img.load()
        return img

    def source(self, i: int) -> str:
        return self.paths[i]


def open_regular(path: str):
    """A file object for `path`, refusing what is not a regular file (a FIFO swapped in after the listing would block
    the read forever): OSError, so the image is skipped as unreadable."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a regular file")
    return os.fdopen(fd, "rb")


class HbCalibrationDir(Dataset):
    kind = "hb_calibration_dir"
    raw = True

    def __init__(self, path: str, listing: Dict[str, List[str]], dtype: str, layout: str, chw: List[int]) -> None:
        super().__init__()
        if not os.path.isdir(path):
            raise ZfError(f"calibration dir not found: {path}")
        self.paths = [os.path.join(path, f) for f in listing["files"] if "/" not in f and not f.startswith(".")]
        self.ids = [os.path.basename(p) for p in self.paths]
        self.dtype, self.layout, self.chw = np.dtype(dtype), layout, chw

    def get(self, i: int) -> np.ndarray:
        c, h, w = self.chw
        with open_regular(self.paths[i]) as f:
            data = np.frombuffer(f.read(), dtype=self.dtype)
        if data.size != c * h * w:
            raise ValueError(f"{self.paths[i]} holds {data.size} values, expected {c}x{h}x{w}")
        arr = data.reshape((c, h, w) if self.layout == "NCHW" else (h, w, c)).astype(np.float32)
        return arr if self.layout == "NCHW" else arr.transpose(2, 0, 1)

    def source(self, i: int) -> str:
        return self.paths[i]


def _label(value: str, classes: Optional[List[str]], where: str) -> int:
    """One label: a class index, or a class name from the class list (synsets)."""
    try:
        index = int(value)
    except ValueError:
        index = None
    if index is not None and index != UNLABELLED:
        return index  # out of the model's classes (negative too) is check_labels' to say, all at once
    if classes and value in classes:
        return classes.index(value)
    hint = (
        "not one of the synsets' class names"
        if classes
        else "not a class index; to use class names, set the dataset's synsets: file"
    )
    raise ZfError(f"{where}: label {value!r} is {hint}")


def _match_names(by_name: Dict[str, Any], names: List[str], file: str) -> List[Any]:
    """Each image's entry in the labels file, by name: exactly, else in the other Unicode normal form (macOS writes
    NFD file names, most editors NFC; the same name to a reader), which the user is told once. None where absent."""
    nfc = {unicodedata.normalize("NFC", written): value for written, value in by_name.items()}
    picked, normalized = [], []
    for n in names:
        value = by_name.get(n)
        if value is None:
            value = nfc.get(unicodedata.normalize("NFC", n))
            if value is not None:
                normalized.append(n)
        picked.append(value)
    if normalized:
        warn(
            f"{file}: {len(normalized)} name(s) match their files only after Unicode normalization (NFC/NFD), e.g. "
            f"{normalized[0]!r}; they are taken as the same names"
        )
    return picked


def read_labels(file: str, names: List[str], classes: Optional[List[str]] = None):
    """A labels file for a flat folder: `filename label` lines (caffe's val.txt; any order), or one label per
    line in sorted file order (ILSVRC2012 ground truth style). Labels are class indices, or class names mapped
    through `classes`. Returns (labels, where each came from as file:line)."""
    # utf-8-sig: a byte-order mark (Windows editors) is not part of the first name; strip() takes CRLF's \r
    with open(file, encoding="utf-8-sig") as f:
        # the label is the last field: a file name may hold spaces ("IMG 0001.jpg 3")
        rows = [(n, line.strip().rsplit(None, 1)) for n, line in enumerate(f, 1) if line.strip()]
    if rows and all(len(r) >= 2 for _, r in rows):
        by_name = {os.path.basename(r[0]): (r[-1], f"{file}:{n}") for n, r in rows}
        picked = _match_names(by_name, names, file)
        missing = [n for n, p in zip(names, picked) if p is None]
        if len(missing) == len(names):
            raise ZfError(f"{file} names none of the folder's {len(names)} images (e.g. {names[0]!r})")
        if missing:
            warn(
                f"{file} has no label for {len(missing)} of {len(names)} images (e.g. {missing[0]!r}): they count "
                "for float-vs-int8 agreement, not for Top-1"
            )
        picked = [p if p is not None else (None, f"{file}: not listed") for p in picked]
    else:
        if len(rows) != len(names):
            raise ZfError(f"{file} has {len(rows)} labels but the folder has {len(names)} images")
        picked = [(r[-1], f"{file}:{n}") for n, r in rows]
    labels = np.asarray([UNLABELLED if v is None else _label(v, classes, where) for v, where in picked], np.int64)
    return labels, [where for _, where in picked]


def check_labels(ds: "Dataset", num_classes: int) -> None:
    """Labels the model cannot predict would only count as wrong answers: refuse them, naming where they come from."""
    if ds.labels is None:
        return
    bad = np.nonzero(((ds.labels < 0) | (ds.labels >= num_classes)) & (ds.labels != UNLABELLED))[0]
    if len(bad) == 0:
        return
    where = ds.label_sources
    shown = ", ".join(f"{where[i] if where else ds.source(i)} (label {ds.labels[i]})" for i in bad[:5])
    raise ZfError(
        f"{len(bad)} label(s) outside the model's {num_classes} classes (0..{num_classes - 1}): {shown}"
        f"{', ...' if len(bad) > 5 else ''}"
    )


def load_raw(ds: Dataset, i: int, rec: Dict[str, Any]) -> Optional[np.ndarray]:
    """Image i as the raw CHW 0-255 tensor of the preprocessing record, or None (with a warning) if unreadable."""
    from .preprocess import raw_tensor

    try:
        item = ds.get(i)
        return item if ds.raw else raw_tensor(item, rec)
    except (OSError, ValueError, Image.DecompressionBombError) as err:  # PIL's UnidentifiedImageError is an OSError
        ds.unreadable += 1
        if ds.unreadable <= NAMED_UNREADABLE:
            warn(f"skipping unreadable image {ds.source(i)}: {err}")
        elif ds.unreadable == NAMED_UNREADABLE + 1:
            warn(
                f"more than {NAMED_UNREADABLE} unreadable images: the rest are skipped without a warning each (the stage's data lists them)"
            )
        return None


def open_dataset(spec: Dict[str, Any], chw: List[int]) -> Dataset:
    if "fashion_mnist" in spec:
        s = spec["fashion_mnist"]
        return FashionMnist(s["split"], s["root"])
    if "folder" in spec:
        s = spec["folder"]
        return Folder(s["path"], s, s.get("labels"), s.get("synsets"))
    s = spec["hb_calibration_dir"]
    return HbCalibrationDir(s["path"], s, s["dtype"], s["layout"], chw)


def sample_indices(ds: Dataset, count: int, seed: int, balanced: bool) -> List[int]:
    """Seeded sample of `count` indices; round-robin over classes when labels exist and balanced is set."""
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(ds))
    if not balanced or ds.labels is None:
        return [int(i) for i in order[:count]]
    by_class: Dict[int, List[int]] = {}
    for i in order:
        by_class.setdefault(int(ds.labels[i]), []).append(int(i))
    queues = [by_class[c] for c in sorted(by_class)]
    picked: List[int] = []
    while len(picked) < min(count, len(ds)):
        for q in queues:
            if q and len(picked) < count:
                picked.append(q.pop(0))
    return picked


def eval_indices(ds: Dataset, limit: Optional[int], sampling: str) -> List[int]:
    if not limit or limit >= len(ds):
        return list(range(len(ds)))
    if sampling == "stratified" and ds.labels is not None:
        return sorted(sample_indices(ds, limit, 0, True))
    return list(range(limit))
