import * as fs from "fs";
import { edgeProblems } from "../../components/edge";
import { localEdge } from "./edge";
import { ConfigProblem, problem } from "../../stacks/errors";
import { sharedBuffersBound } from "../../stacks/postgres-parameters";
import { Settings } from "../../stacks/settings";
import { POSTGRES_MEMORY_MB } from "./sizes";

/**
 * What one Docker engine cannot provide. Asking for it is a config error rather than a silent
 * downgrade, so a stack that claims failover never quietly runs without it.
 */
export function validate(settings: Settings): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const single = "false on the local target (one Docker engine has no failover)";
    if (settings.database?.highAvailability) {
        problems.push(problem("database.highAvailability", true, single));
    }
    if (settings.database) {
        const memory = POSTGRES_MEMORY_MB[settings.database.size];
        const buffers = sharedBuffersBound(settings.database.parameters.shared_buffers, memory, `the PostgreSQL container (database.size ${settings.database.size})`);
        if (buffers) {
            problems.push(problem("database.parameters.shared_buffers", settings.database.parameters.shared_buffers, buffers));
        }
    }
    if (settings.database && settings.database.readReplicas > 0) {
        problems.push(problem("database.readReplicas", settings.database.readReplicas, "0 on the local target (a single PostgreSQL container)"));
    }
    if (settings.cache?.highAvailability) {
        problems.push(problem("cache.highAvailability", true, single));
    }
    if (settings.search && settings.search.nodes > 1) {
        problems.push(problem("search.nodes", settings.search.nodes, "1 on the local target (a single-node OpenSearch container)"));
    }
    const tls = settings.local.tls;
    if (tls) {
        for (const key of ["certFile", "keyFile"] as const) {
            if (!fs.existsSync(tls[key])) {
                problems.push(problem(`local.tls.${key}`, tls[key], "the path of an existing PEM file on this machine"));
            }
        }
    }
    // What this target's edge cannot honour (providers/local/edge.ts).
    problems.push(...edgeProblems(settings, localEdge));
    return problems;
}
