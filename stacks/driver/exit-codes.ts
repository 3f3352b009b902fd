/**
 * The driver's exit codes: one per outcome a CI step or a script branches on. The README's CI/CD section
 * shows this table; `npm run deploy -- --help` prints it.
 */
export enum ExitCode {
    /** The command succeeded (and, where asked, nothing changed). */
    Success = 0,
    /** The Pulumi CLI, the update or a cloud call failed; the error is printed. */
    Failure = 1,
    /** Bad flags, an invalid stack config or a missing passphrase: nothing was run. */
    ConfigError = 2,
    /** `preview --expect-no-changes` found changes, or `refresh` found drift. */
    ChangesFound = 3,
    /** No usable Pulumi CLI (not installed, or older than the SDK accepts). */
    CliMissing = 4,
    /** Another update holds the stack's lock; nothing was run. */
    StackLocked = 5,
    /** `up` succeeded but the public URL did not answer its health path in time. */
    HealthCheckFailed = 6,
}

export const EXIT_CODE_MEANINGS: ReadonlyArray<{ code: ExitCode; meaning: string }> = [
    { code: ExitCode.Success, meaning: "success; for `preview --expect-no-changes` and `refresh`: nothing changed" },
    { code: ExitCode.Failure, meaning: "the Pulumi CLI, the update or a cloud call failed (its error is printed)" },
    { code: ExitCode.ConfigError, meaning: "bad flags, invalid stack config or missing passphrase; nothing was run" },
    { code: ExitCode.ChangesFound, meaning: "`preview --expect-no-changes` found changes, or `refresh` found drift" },
    { code: ExitCode.CliMissing, meaning: "no usable Pulumi CLI (not installed, or too old)" },
    { code: ExitCode.StackLocked, meaning: "another update holds the stack's lock; nothing was run" },
    { code: ExitCode.HealthCheckFailed, meaning: "`up` succeeded but a public health path did not answer 2xx/3xx in time" },
];
