// swagger2openapi ships no types; this is the part of its API the import uses.
declare module "swagger2openapi" {
  interface ConvertOptions {
    patch?: boolean;
    warnOnly?: boolean;
    resolve?: boolean;
    direct?: boolean;
    text?: string;
  }
  interface ConvertResult {
    openapi: Record<string, unknown>;
  }
  const converter: {
    convertObj(swagger: object, options: ConvertOptions): Promise<ConvertResult>;
  };
  export default converter;
}
