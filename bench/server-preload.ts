// The IPC preload is plain JavaScript (see server-preload.js); this name stays for the
// benches that preload it into TypeScript servers of their own.
import './server-preload.js';
