// Types for allocator-env.js (plain JavaScript so bin/basalt.js can read it on any Node).
export declare const ALLOCATOR_ENV: Readonly<Record<string, string>>;
