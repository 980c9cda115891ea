// Reading a small file the user names (a config, a trainer state): refused before reading unless it
// is a regular file within a size bound — a FIFO would block, /dev/zero never end, a 50 MB YAML eat
// gigabytes. The caller words the refusal.

import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";

export function readSmallText(
  path: string,
  maxBytes: number,
  refuse: { notFile: () => Error; tooBig: (size: number) => Error },
): string {
  if (!statSync(path).isFile()) throw refuse.notFile();
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw refuse.tooBig(size);
    const buf = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, buf, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
