/**
 * Schedules of `jobs.<name>.schedule`: the standard five-field cron a user writes (minute, hour,
 * day of month, month, day of week; `*`, numbers, `a-b`, `* /n`, `a-b/n`, comma lists, month and
 * weekday names), parsed once into the set of values per field, and written back in the dialect
 * each target's scheduler reads. Pure: the plan, the validation and every backend use it.
 */

export interface CronField {
    /** The sorted values the field matches. */
    values: number[];
    /** The field was `*` (matters for the day fields: cron ORs a restricted day-of-month and day-of-week). */
    any: boolean;
}

export interface Cron {
    minute: CronField;
    hour: CronField;
    dayOfMonth: CronField;
    month: CronField;
    /** 0 = Sunday ... 6 = Saturday (7 is read as Sunday). */
    dayOfWeek: CronField;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
    name: string;
    min: number;
    max: number;
    names?: string[];
    /** Value of the first name (1 for months, 0 for days). */
    nameBase?: number;
}
const FIELDS: FieldSpec[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
    { name: "day of week", min: 0, max: 7, names: DAYS, nameBase: 0 },
];

/** What the config key accepts, in the words every message uses. */
export const CRON_ACCEPTED = "a five-field cron expression 'minute hour day-of-month month day-of-week', e.g. '0 3 * * *' (03:00 daily) or '30 6 * * MON' (numbers, *, a-b, */n, lists, JAN-DEC, SUN-SAT)";

function atom(text: string, spec: FieldSpec): number | undefined {
    if (/^\d+$/.test(text)) {
        const n = Number(text);
        return n >= spec.min && n <= spec.max ? n : undefined;
    }
    const i = spec.names?.indexOf(text.toUpperCase()) ?? -1;
    return i >= 0 ? i + (spec.nameBase ?? 0) : undefined;
}

function parseField(text: string, spec: FieldSpec): CronField | string {
    const values = new Set<number>();
    for (const part of text.split(",")) {
        const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
        if (!m) return `${spec.name} '${part}' is not a value, range or step`;
        const step = m[2] === undefined ? 1 : Number(m[2]);
        if (step < 1) return `${spec.name} step '${m[2]}' must be at least 1`;
        let from: number | undefined;
        let to: number | undefined;
        if (m[1] === "*") {
            from = spec.min;
            to = spec.name === "day of week" ? 6 : spec.max;
        } else if (m[1].includes("-")) {
            const [a, b, ...rest] = m[1].split("-");
            from = atom(a, spec);
            to = atom(b ?? "", spec);
            if (rest.length > 0 || from === undefined || to === undefined || from > to) return `${spec.name} range '${m[1]}' is not a-b within ${spec.min}-${spec.max}`;
        } else {
            from = atom(m[1], spec);
            if (from === undefined) return `${spec.name} '${m[1]}' is outside ${spec.min}-${spec.max}`;
            // `5/15` means from 5 to the end in steps of 15.
            to = m[2] === undefined ? from : spec.max;
        }
        for (let v = from; v <= to; v += step) values.add(spec.name === "day of week" && v === 7 ? 0 : v);
    }
    return { values: [...values].sort((a, b) => a - b), any: text === "*" };
}

/** The parsed expression, or the reason it does not parse. */
export function parseCron(expression: string): Cron | { error: string } {
    const parts = expression.trim().split(/\s+/);
    if (parts.length !== 5) {
        return { error: `has ${parts.length} field${parts.length === 1 ? "" : "s"}, not 5` };
    }
    const fields: CronField[] = [];
    for (let i = 0; i < 5; i++) {
        const f = parseField(parts[i], FIELDS[i]);
        if (typeof f === "string") return { error: f };
        fields.push(f);
    }
    const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
    return { minute, hour, dayOfMonth, month, dayOfWeek };
}

export function isCron(c: Cron | { error: string }): c is Cron {
    return !("error" in c);
}

/** A field written back: `*` when it was `*`, otherwise the explicit list (every scheduler reads lists). */
function list(f: CronField, map: (v: number) => number = (v) => v): string {
    return f.any ? "*" : f.values.map(map).join(",");
}

/** Unix cron (Cloud Scheduler, Container Apps jobs, Kubernetes-style schedulers): the normal form. */
export function unixCron(c: Cron): string {
    return [list(c.minute), list(c.hour), list(c.dayOfMonth), list(c.month), list(c.dayOfWeek)].join(" ");
}

/**
 * EventBridge Scheduler `cron(minutes hours day-of-month month day-of-week year)`: weekdays are
 * 1-7 from Sunday, and exactly one of the two day fields must be `?` (EventBridge Scheduler
 * "Schedule types": cron-based schedules). A schedule restricting both day fields (cron's "either
 * matches") has no EventBridge form: undefined, and config validation refuses it on AWS.
 */
export function eventBridgeCron(c: Cron): string | undefined {
    let dom = list(c.dayOfMonth);
    let dow = list(c.dayOfWeek, (v) => v + 1);
    if (!c.dayOfMonth.any && !c.dayOfWeek.any) return undefined;
    if (c.dayOfWeek.any) {
        dow = "?";
    } else {
        dom = "?";
    }
    return `cron(${list(c.minute)} ${list(c.hour)} ${dom} ${list(c.month)} ${dow} *)`;
}

/** Whether `zone` is an IANA time zone name this runtime (and so every scheduler) knows. */
export function isTimeZone(zone: string): boolean {
    if (zone === "UTC") return true;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone);
    } catch {
        return false;
    }
}
