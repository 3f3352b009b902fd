/**
 * What each `providers/<cloud>/mocks.ts` gives the offline engine: the answers the cloud would
 * give, so the real program runs with no CLI, plugin or credentials (tests and `npm run plan`).
 */
export interface MockContext {
    project: string;
    stack: string;
    /** The stack config map the program runs with (keys like `anycloud:aws`). */
    config: Record<string, string>;
}

export interface CloudMocks {
    /** The result of an invoke, as the cloud would return it; undefined for a token it does not know. */
    call(token: string, inputs: Record<string, any>, ctx: MockContext): Record<string, any> | undefined;
    /** Outputs the cloud computes on create (ids, ARNs, endpoints, addresses), merged over the inputs. */
    state(type: string, name: string, inputs: Record<string, any>, ctx: MockContext): { id?: string; state: Record<string, any> } | undefined;
}
