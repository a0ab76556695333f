import { type FSWatcher, watch } from 'node:fs';

/** A running watch; `close()` stops it. */
export interface HooksWatch {
  close(): void;
}

/**
 * Calls `onChange` once the hooks folder has been quiet for `quietMs` after a change
 * (editors write a file in several steps; one reload per save is enough). Changes that
 * arrive while `onChange` runs lead to one more call after it.
 */
export function watchHooksDir(dir: string, onChange: () => Promise<void>, quietMs = 150): HooksWatch {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  const fire = () => {
    if (running) {
      again = true;
      return;
    }
    running = onChange().finally(() => {
      running = null;
      if (again) {
        again = false;
        fire();
      }
    });
  };
  const watcher: FSWatcher = watch(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(fire, quietMs);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
