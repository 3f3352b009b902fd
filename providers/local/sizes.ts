import { SizeClass } from "../../stacks/settings";

/** Memory for the local containers per size class (a laptop, not a cloud). */
export const REDIS_MAXMEMORY_MB: Record<SizeClass, number> = { small: 256, medium: 1024, large: 4096 };
export const OPENSEARCH_HEAP_MB: Record<SizeClass, number> = { small: 512, medium: 1024, large: 2048 };
export const POSTGRES_MEMORY_MB: Record<SizeClass, number> = { small: 1024, medium: 2048, large: 4096 };
