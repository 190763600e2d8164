/** `next/cache` for dashboard tests: there is no page cache to refresh outside a Next server. */
export function revalidatePath(_path: string, _type?: "page" | "layout"): void {}
export function revalidateTag(_tag: string): void {}
