import * as pulumi from "@pulumi/pulumi";
import { CloudBackend, SearchClusterArgs, SearchUserCredentials } from "./backend";
import { generatedPassword } from "./secrets";
import { searchUsers, USER_PASSWORD_SPECIAL } from "./search-users";

/**
 * An OpenSearch cluster (Elasticsearch-compatible API) with a generated admin user, kept by the
 * program, and one non-admin user per workload that uses it (components/search-users.ts), which
 * is what that workload receives.
 */
export class SearchCluster extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    /** The admin user: the program's own (stack output), never a workload's. */
    public readonly username: pulumi.Output<string>;
    /** Secret. */
    public readonly password: pulumi.Output<string>;
    public readonly nodes: number;
    private readonly users: Record<string, SearchUserCredentials>;

    constructor(name: string, args: SearchClusterArgs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        super("anycloud:index:SearchCluster", name, args, opts);
        // Generated here (one rule for every target): 32 characters of every class, special
        // characters safe in JSON and shell. Replacing a user's random resource rotates it.
        const users = searchUsers(args.clients, args.indices).map((u) => ({
            ...u,
            password: generatedPassword(`${name}-user-${u.workload}`, { length: 32, special: true, overrideSpecial: USER_PASSWORD_SPECIAL, requireEveryClass: true }, { parent: this }),
        }));
        this.users = Object.fromEntries(users.map((u) => [u.workload, u]));
        const out = backend.searchCluster(name, { ...args, users }, { parent: this });
        this.url = out.url;
        this.username = out.username;
        this.password = pulumi.secret(out.password);
        this.nodes = args.nodes;
        this.registerOutputs({ url: this.url, username: this.username, password: this.password, nodes: this.nodes });
    }

    /** The user of one workload (a service or job listed in `clients`). */
    userFor(workload: string): { username: string; password: pulumi.Output<string> } {
        const user = this.users[workload];
        if (!user) {
            throw new Error(`search cluster: ${workload} does not use search (it has no search user)`);
        }
        return { username: user.username, password: user.password };
    }
}
