"""ONNX Runtime's QDQ writer looks initializers up by name by walking the graph's whole initializer list, thousands
of times a build, mostly for names not there yet (a scale it is about to add): quadratic in the graph (EfficientNet_B4:
5 of a 27 s quantize). Here each ONNXModel's list gets a name index: the writer's own ways of adding keep it current,
its ways of removing make it rebuild, and so does a length it did not expect (a change made behind its back), so it
answers what the walk answers. The one change it cannot see, an initializer renamed in place, ORT's writer never makes
(VERIFY checks every answer against the walk in the tests' builds)."""

import weakref
from typing import Callable, Dict, Optional

import onnx
from onnxruntime.quantization import onnx_model

VERIFY = False  # tests: every answer is also walked for, and must be the same object

_INDEXES: Dict[int, "InitializerIndex"] = {}  # id(initializer list) -> its index, while the list's ONNXModel lives


class InitializerIndex:
    """The first initializer of each name in one initializer list (the walk's answer when names repeat)."""

    def __init__(self, container) -> None:
        self.container = container  # held: protobuf then hands out this very list object, and its id stays its own
        self.rebuild()

    def rebuild(self) -> None:
        self.first: Dict[str, onnx.TensorProto] = {}
        for item in self.container:
            self.first.setdefault(item.name, item)
        self.count = len(self.container)

    def find(self, name: str) -> Optional[onnx.TensorProto]:
        if len(self.container) != self.count:  # changed by something other than the mutators below
            self.rebuild()
        found = self.first.get(name)
        if VERIFY:
            walked = next((item for item in self.container if item.name == name), None)
            assert found is walked, f"initializer index out of date for {name!r}"
        return found

    def stale(self) -> None:
        """Something left the list: the next lookup rebuilds."""
        self.count = -1

    def add(self, tensor: onnx.TensorProto) -> None:
        """Appends `tensor` to the list, which stores a copy: the copy is what the index holds."""
        current = len(self.container) == self.count
        self.container.append(tensor)
        if current:
            self.first.setdefault(tensor.name, self.container[-1])
            self.count += 1
        else:
            self.rebuild()


def index_of(model: onnx_model.ONNXModel) -> InitializerIndex:
    container = model.model.graph.initializer
    index = getattr(model, "_zf_initializer_index", None)
    if index is None or index.container is not container or _INDEXES.get(id(container)) is not index:
        index = InitializerIndex(container)
        model._zf_initializer_index = index
        _INDEXES[id(container)] = index
        weakref.finalize(model, _INDEXES.pop, id(container), None)
    return index


def indexed_find(name: str, items) -> tuple:
    """(True, the answer) when `items` is an indexed initializer list, else (False, None)."""
    index = _INDEXES.get(id(items))
    if index is None or index.container is not items:
        return False, None
    return True, index.find(name)


def forget_all() -> None:
    """Leaving the writer's block: the indexes are not kept current outside it."""
    _INDEXES.clear()


def initializer(self):
    """ONNXModel.initializer: the list, now indexed."""
    return index_of(self).container


def get_initializer(self, name):
    """ONNXModel.get_initializer: the first initializer of that name, or None."""
    return index_of(self).find(name)


def add_initializer(self, tensor):
    """ONNXModel.add_initializer: appended (checked) unless one of that name is there."""
    index = index_of(self)
    if index.find(tensor.name) is None:
        self._check_init(tensor)
        index.add(tensor)


def then_rebuilt(remove: Callable) -> Callable:
    """ORT's remove_initializer or clean_initializers, after which the index rebuilds (removals are few)."""

    def call(self, *args):
        result = remove(self, *args)
        index_of(self).stale()
        return result

    return call


def replacements() -> dict:
    """(owner, attribute) -> replacement (qdq_scans' initializer_extend adds through the index too)."""
    return {(onnx_model.ONNXModel, fn.__name__): fn for fn in (initializer, get_initializer, add_initializer)}


def wrappers() -> dict:
    """(owner, attribute) -> function of ORT's original that returns its replacement."""
    return {(onnx_model.ONNXModel, name): then_rebuilt for name in ("remove_initializer", "clean_initializers")}
