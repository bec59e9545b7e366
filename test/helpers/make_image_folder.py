"""Write Fashion-MNIST test images as PNG files: an ImageNet-style folder (one subfolder per class), a flat folder
with a labels file, and optionally unreadable files. Usage: make_image_folder.py OUT N [BROKEN]"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "src"))
from PIL import Image

from zooforge.data.idx import load_fashion_mnist

out, n, broken = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0
images, labels = load_fashion_mnist("test")
classes = [f"c{i}" for i in range(10)]
for c in classes:
    os.makedirs(os.path.join(out, "tree", c), exist_ok=True)
os.makedirs(os.path.join(out, "flat"), exist_ok=True)
with open(os.path.join(out, "flat_labels.txt"), "w") as f:
    for i in range(n):
        Image.fromarray(images[i]).save(os.path.join(out, "tree", classes[labels[i]], f"{i:05d}.png"))
        Image.fromarray(images[i]).save(os.path.join(out, "flat", f"{i:05d}.png"))
        f.write(f"{labels[i]}\n")
with open(os.path.join(out, "flat_named_labels.txt"), "w") as f:  # caffe val.txt style, in reverse order
    for i in reversed(range(n)):
        f.write(f"{i:05d}.png {labels[i]}\n")
os.makedirs(os.path.join(out, "broken"), exist_ok=True)
for k in range(broken):
    for d in (os.path.join(out, "tree", "c0"), os.path.join(out, "broken")):
        with open(os.path.join(d, f"zz_broken{k}.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n this is not an image")
