"""Read rows of a .npy file one at a time with plain reads: memory stays at one row whatever the file size
(an mmap would keep every touched page resident and count it in the process's RSS)."""

import numpy as np


class NpyRows:
    def __init__(self, path: str) -> None:
        self.path = path
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            shape, fortran, dtype = np.lib.format._read_array_header(f, version)
            self.offset = f.tell()
        if fortran:
            raise ValueError(f"{path}: Fortran-ordered arrays are not supported")
        self.shape, self.dtype = shape, dtype
        self.row_items = int(np.prod(shape[1:]))
        self.row_bytes = self.row_items * dtype.itemsize
        self.start, self.stop = 0, shape[0]

    def __len__(self) -> int:
        return self.stop - self.start

    def subset(self, start: int, stop: int) -> "NpyRows":
        view = object.__new__(NpyRows)
        view.__dict__.update(self.__dict__)
        view.start, view.stop = self.start + start, self.start + min(stop, len(self))
        return view

    def row(self, i: int) -> np.ndarray:
        """Row i with a leading batch dimension of 1."""
        with open(self.path, "rb") as f:
            f.seek(self.offset + (self.start + i) * self.row_bytes)
            data = np.frombuffer(f.read(self.row_bytes), dtype=self.dtype, count=self.row_items)
        return data.reshape((1, *self.shape[1:]))


class MappedRows:
    """Rows of another row source (NpyRows) passed through `fn` as they are read: still one row in memory."""

    def __init__(self, rows, fn) -> None:
        self.rows, self.fn = rows, fn

    def __len__(self) -> int:
        return len(self.rows)

    def subset(self, start: int, stop: int) -> "MappedRows":
        return MappedRows(self.rows.subset(start, stop), self.fn)

    def row(self, i: int) -> np.ndarray:
        return self.fn(self.rows.row(i))
