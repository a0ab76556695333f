import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthPrincipal, RecordContext } from '../data/records/record-context.ts';

/** Who may call a custom route: anyone, any signed-in record (superusers too), or superusers only. */
export type RouteAuth = 'guest' | 'record' | 'superuser';

/** HTTP methods a custom route can answer. */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a custom route handler receives. */
export interface RouteEvent {
  request: FastifyRequest;
  reply: FastifyReply;
  /** path parameters (`/api/hello/:name` → `params.name`) */
  params: Record<string, string>;
  /** the query string (the last value wins for repeated keys) */
  query: Record<string, string>;
  /** the parsed JSON (or multipart) body, if any */
  body: unknown;
  /** the caller, or null for guests */
  auth: AuthPrincipal | null;
  isSuperuser: boolean;
  /** the caller's records context: pass it to `app.services.records` to act under the caller's rules */
  ctx: RecordContext;
}

/**
 * A custom route handler. Its return value is sent as JSON (`undefined` → 204); it may
 * also answer through `e.reply`. A thrown `ApiError` answers in PocketBase's error shape.
 */
export type RouteHandler = (event: RouteEvent) => unknown;

/** Options of a custom route. */
export interface RouteOptions {
  /** default `guest` */
  auth?: RouteAuth;
}

/** A route registered by app code. */
export interface RouteDefinition {
  method: RouteMethod;
  path: string;
  handler: RouteHandler;
  auth: RouteAuth;
  /** where app code added it (`file:line:column`), for error messages */
  source?: string;
}

/**
 * The app's own routes, collected before the server starts and registered after the
 * built-in ones (a clash with a built-in route refuses to start).
 */
export class RouteRegistry {
  #routes: RouteDefinition[] = [];

  /** Adds a route; `path` uses Fastify's syntax (`/api/posts/:id/like`). */
  add(method: RouteMethod, path: string, handler: RouteHandler, options: RouteOptions = {}): void {
    if (!path.startsWith('/')) throw new Error(`Route path "${path}" must start with "/".`);
    this.#routes.push({ method, path, handler, auth: options.auth ?? 'guest', source: callerLocation() });
  }

  /** `GET path` */
  get(path: string, handler: RouteHandler, options?: RouteOptions): void {
    this.add('GET', path, handler, options);
  }

  /** `POST path` */
  post(path: string, handler: RouteHandler, options?: RouteOptions): void {
    this.add('POST', path, handler, options);
  }

  /** `PUT path` */
  put(path: string, handler: RouteHandler, options?: RouteOptions): void {
    this.add('PUT', path, handler, options);
  }

  /** `PATCH path` */
  patch(path: string, handler: RouteHandler, options?: RouteOptions): void {
    this.add('PATCH', path, handler, options);
  }

  /** `DELETE path` */
  delete(path: string, handler: RouteHandler, options?: RouteOptions): void {
    this.add('DELETE', path, handler, options);
  }

  /** The routes in the order they were added. */
  list(): readonly RouteDefinition[] {
    return this.#routes;
  }

  /** The list as it is now, for `restore` (a reload puts registrations back). */
  snapshot(): unknown {
    return [...this.#routes];
  }

  /** Puts back a list taken by `snapshot`. */
  restore(snapshot: unknown): void {
    this.#routes = [...(snapshot as RouteDefinition[])];
  }
}

/** The first stack frame outside this file: the app code that added the route. */
function callerLocation(): string | undefined {
  const frames = new Error().stack?.split('\n').slice(1) ?? [];
  const own = import.meta.url.replace(/^file:\/\//, '');
  const frame = frames.find((line) => !line.includes(own));
  const match = frame && /((?:file:\/\/)?\/[^():?\s]+)(?:\?[^:\s]*)?:(\d+):(\d+)\)?$/.exec(frame.trim());
  return match ? `${match[1].replace(/^file:\/\//, '')}:${match[2]}:${match[3]}` : undefined;
}
