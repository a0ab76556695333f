/** oidc-provider ships no types; the tests use a small part of it. */
declare module 'oidc-provider' {
  export default class Provider {
    constructor(issuer: string, configuration: unknown);
    use(middleware: (ctx: any, next: () => Promise<void>) => Promise<void>): void;
    callback(): (req: any, res: any) => void;
  }
}
