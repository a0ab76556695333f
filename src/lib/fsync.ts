import { open } from 'node:fs/promises';

/**
 * fsync of a file or a folder by path. A file's makes its data durable; a folder's makes
 * the names in it durable, so a rename survives a power loss.
 */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
