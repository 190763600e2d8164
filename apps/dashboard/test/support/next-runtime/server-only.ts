// `server-only` throws when bundled for a browser; under vitest every module is server code.
export {};
