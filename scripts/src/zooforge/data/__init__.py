"""Data and preprocessing: datasets (Fashion-MNIST IDX, image folders, ImageNet layouts), the preprocessing record
and its transform, the board's nv12 input path, and the inputs export and simplify check a model with."""
