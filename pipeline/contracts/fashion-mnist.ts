/** Where Debian's dataset-fashion-mnist puts the IDX files, and their names per split: the one place both languages
 *  read (Python through the generated protocol.json). */
export const FASHION_MNIST = {
  root: '/usr/share/datasets/fashion-mnist',
  files: {
    train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
    test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
  },
  classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
} as const;
