import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FASHION_MNIST } from '../contracts/fashion-mnist.ts';

/** Where images come from. Shared by `calibration.dataset` and `evaluate.dataset`. */
export const DatasetSchema = z
  .union([
    z
      .object({
        fashion_mnist: z
          .object({
            split: z
              .enum(['train', 'test'])
              .default('test')
              .describe('Which Fashion-MNIST split: train (60k) or test (10k).'),
            root: z
              .string()
              .default(FASHION_MNIST.root)
              .describe("Folder with the IDX files (Debian's dataset-fashion-mnist installs them here)."),
          })
          .strict()
          .describe('Fashion-MNIST IDX files.'),
      })
      .strict(),
    z
      .object({
        folder: z
          .object({
            path: z.string().describe('Image folder: ImageNet layout (one subfolder per class) or flat.'),
            labels: z
              .string()
              .optional()
              .describe(
                'For a flat folder: "filename label" lines (caffe val.txt, any order), or one label per line in sorted file order.',
              ),
            synsets: z
              .string()
              .optional()
              .describe(
                'Optional class-name list, one per line, giving subfolder order (e.g. synsets.txt); default: sorted subfolder names.',
              ),
            max_pixels: z
              .number()
              .int()
              .positive()
              .default(50_000_000)
              .describe(
                'Images with more pixels (width x height) are skipped as unreadable: a small file can declare a huge image (a decompression bomb). Default 50 M, a 50-megapixel photo.',
              ),
          })
          .strict()
          .describe('A folder of JPEG/PNG images.'),
      })
      .strict(),
    z
      .object({
        hb_calibration_dir: z
          .object({
            path: z.string().describe('An existing hb_mapper calibration dir: one raw tensor file per sample.'),
            dtype: z
              .enum(['float32', 'uint8'])
              .default('float32')
              .describe('Element type of the raw files (hb_mapper cal_data_type).'),
            layout: z.enum(['NCHW', 'NHWC']).default('NCHW').describe('Layout of the raw files.'),
          })
          .strict()
          .describe('Raw hb_mapper calibration tensors (already resized, 0-255, no mean/std).'),
      })
      .strict(),
  ])
  .describe('Image source: one of fashion_mnist, folder, hb_calibration_dir.');

export type Dataset = z.infer<typeof DatasetSchema>;

/** What else than file contents decides what the workers read of a dataset (paths never are keyed; the files they
 *  name are, by content, through datasetFiles): the pixel limit, the raw tensors' type and layout. */
export function datasetSettings(ds: Dataset | undefined): unknown {
  if (ds && 'folder' in ds) return { folder: { max_pixels: ds.folder.max_pixels } };
  if (ds && 'hb_calibration_dir' in ds)
    return { hb_calibration_dir: { dtype: ds.hb_calibration_dir.dtype, layout: ds.hb_calibration_dir.layout } };
  return undefined; // fashion_mnist: the split names the files
}

/** What a worker reads a folder by: the listing the cache key hashed (cache/listing.ts), relative to the folder. */
const Listed = { files: z.array(z.string()), dirs: z.array(z.string()) };

/** A dataset as the workers get it: paths absolute, and folders with the one listing of their files. */
export const WorkerDatasetSchema = z.union([
  DatasetSchema.options[0],
  z.object({ folder: DatasetSchema.options[1].shape.folder.extend(Listed).strict() }).strict(),
  z.object({ hb_calibration_dir: DatasetSchema.options[2].shape.hb_calibration_dir.extend(Listed).strict() }).strict(),
]);

export type WorkerDataset = z.infer<typeof WorkerDatasetSchema>;

/** How the one preprocessing record is set; every unset field comes from the model (timm pretrained_cfg). */
export const PreprocessSchema = z
  .object({
    size: z
      .tuple([z.number().int().positive(), z.number().int().positive()])
      .optional()
      .describe('Network input [height, width]; default: the model input shape.'),
    crop_pct: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe(
        'Resize the shorter side to size/crop_pct, then center-crop to size (timm semantics); default from timm, else 1.',
      ),
    interpolation: z
      .enum(['bilinear', 'bicubic', 'nearest'])
      .optional()
      .describe('Resize filter; default from timm, else bilinear.'),
    mean: z.array(z.number()).min(1).optional().describe('Per-channel mean on the 0-1 scale; default from timm.'),
    std: z
      .array(z.number().positive())
      .min(1)
      .optional()
      .describe('Per-channel std on the 0-1 scale; default from timm.'),
    colour: z
      .enum(['rgb', 'bgr', 'gray'])
      .optional()
      .describe('Channel order the network was trained on; default rgb (gray for 1-channel input).'),
  })
  .strict()
  .prefault({})
  .describe('Preprocessing shared by float evaluation, calibration and quantized evaluation.');

export type PreprocessSettings = z.infer<typeof PreprocessSchema>;

/** The files and folders a dataset reads, each with the field (below the dataset) that names it. Relative paths
 *  resolve with `resolve` (against the recipe's folder). */
export function datasetPaths(
  ds: Dataset,
  resolve: (p: string) => string,
): { field: string[]; role: string; path: string }[] {
  if ('fashion_mnist' in ds) {
    const { root, split } = ds.fashion_mnist;
    const files = FASHION_MNIST.files[split];
    return [
      { field: ['fashion_mnist', 'root'], role: 'images', path: `${resolve(root)}/${files.images}` },
      { field: ['fashion_mnist', 'root'], role: 'labels', path: `${resolve(root)}/${files.labels}` },
    ];
  }
  if ('folder' in ds) {
    const f = ds.folder;
    return [
      { field: ['folder', 'path'], role: '', path: resolve(f.path) },
      ...(f.labels ? [{ field: ['folder', 'labels'], role: 'labels', path: resolve(f.labels) }] : []),
      ...(f.synsets ? [{ field: ['folder', 'synsets'], role: 'synsets', path: resolve(f.synsets) }] : []),
    ];
  }
  return [{ field: ['hb_calibration_dir', 'path'], role: '', path: resolve(ds.hb_calibration_dir.path) }];
}

/** Whether a dataset can say which class an image is: Fashion-MNIST, a folder with a labels file, or a folder with
 *  class subfolders (the layouts zooforge/data/datasets.py Folder reads labels from). A flat folder alone has none. */
export function hasLabels(ds: Dataset, resolve: (p: string) => string): boolean {
  if ('fashion_mnist' in ds) return true;
  if (!('folder' in ds)) return false;
  if (ds.folder.labels) return true;
  const root = resolve(ds.folder.path);
  const isFolder = (name: string): boolean => {
    try {
      return statSync(join(root, name)).isDirectory(); // follows links: linked class folders are common
    } catch {
      return false; // a dangling link is no class folder
    }
  };
  try {
    return readdirSync(root).some(isFolder);
  } catch {
    return true; // a missing folder is reported as missing, not as unlabelled
  }
}
