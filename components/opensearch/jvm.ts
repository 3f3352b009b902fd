/**
 * JVM heap of an OpenSearch node: half the machine's memory (the rest is the page cache Lucene
 * relies on), at most 31 GiB so compressed object pointers stay on (OpenSearch "important
 * settings"). Written to config/jvm.options.d/, which OpenSearch reads after jvm.options.
 */
export const MAX_HEAP_MB = 31744;

export function heapMb(memoryMb: number): number {
    return Math.max(512, Math.min(MAX_HEAP_MB, Math.floor(memoryMb / 2)));
}

export function heapOptions(memoryMb: number): string {
    const mb = heapMb(memoryMb);
    return `-Xms${mb}m\n-Xmx${mb}m\n`;
}
