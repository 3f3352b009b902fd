/** What the Pulumi CLI prints in place of a secret; the driver uses the same mark. */
export const SECRET_MARK = "[secret]";

/** Shorter values would blank out ordinary words; a secret that short protects nothing anyway. */
const MIN_SECRET_LENGTH = 4;

export interface TextSink {
    write(text: string): unknown;
}

/**
 * Replaces every known secret value (config passed as secret, secret stack outputs) in text the
 * driver prints or writes, raw or URL-encoded. The CLI already masks the secrets it knows;
 * this is the second line, for values that travel in ordinary text.
 */
export class Redactor {
    private readonly values = new Set<string>();

    add(value: unknown): void {
        if (typeof value === "string") {
            if (value.length >= MIN_SECRET_LENGTH) {
                this.values.add(value);
                this.values.add(encodeURIComponent(value));
                this.values.add(JSON.stringify(value).slice(1, -1));
            }
        } else if (Array.isArray(value)) {
            value.forEach((v) => this.add(v));
        } else if (value !== null && typeof value === "object") {
            Object.values(value).forEach((v) => this.add(v));
        } else if (typeof value === "number") {
            this.add(String(value));
        }
    }

    scrub(text: string): string {
        // Longest first, so a secret that contains another is replaced whole.
        for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
            if (text.includes(v)) {
                text = text.split(v).join(SECRET_MARK);
            }
        }
        return text;
    }
}

/** Passes streamed CLI output through the redactor a whole line at a time, so a secret split across two chunks is still caught. */
export class RedactingLineWriter {
    private pending = "";

    constructor(
        private readonly redactor: Redactor,
        private readonly sink: TextSink,
    ) {}

    write(chunk: string): void {
        this.pending += chunk;
        const end = this.pending.lastIndexOf("\n");
        if (end >= 0) {
            this.sink.write(this.redactor.scrub(this.pending.slice(0, end + 1)));
            this.pending = this.pending.slice(end + 1);
        }
    }

    flush(): void {
        if (this.pending) {
            this.sink.write(this.redactor.scrub(this.pending));
            this.pending = "";
        }
    }
}
