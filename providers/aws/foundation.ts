import * as pulumi from "@pulumi/pulumi";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import { ChildOptions, FoundationArgs, FoundationOutputs } from "../../components/backend";
import { movedFromNetwork } from "../../components/foundation";
import { alarmTopic } from "./alerts";
import { AwsContext } from "./context";

/** The account-wide role OpenSearch Service needs to place a domain in a VPC. */
export const OPENSEARCH_SERVICE_ROLE = "AWSServiceRoleForAmazonOpenSearchService";
const OPENSEARCH_SERVICE = "opensearchservice.amazonaws.com";
/** Tag naming the stack that created the service-linked role (the only one that declares it). */
export const OWNER_TAG = "anycloud-owner";

/**
 * The stack-level step on AWS: prerequisites of the account (the OpenSearch service-linked role)
 * and what the whole stack shares (the ECS cluster and the alarm topic).
 */
export function createFoundation(ctx: AwsContext, name: string, args: FoundationArgs, opts: ChildOptions): FoundationOutputs {
    const parent = opts.parent;
    const o = (oldName?: string) => ctx.opts(parent, movedFromNetwork(oldName));
    const cluster = new ecs.Cluster(
        "cluster",
        { name: ctx.naming.name("cluster", 255), settings: [{ name: "containerInsights", value: ctx.prod ? "enhanced" : "disabled" }] },
        o(),
    );
    // FARGATE_SPOT is used by dev workers (interruptible, ~70 % cheaper); public services stay on FARGATE.
    const capacityProviders = new ecs.ClusterCapacityProviders(
        "cluster-capacity",
        { clusterName: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }] },
        o(),
    );
    const alarms = alarmTopic(ctx, parent);
    ctx.foundation = { cluster, capacityProviders, alarmTopic: alarms.topic, alarmTopicPolicy: alarms.policy, searchPrerequisites: pulumi.output([]) };
    const prerequisites: string[] = [];
    if (args.hasSearch) {
        ctx.foundation.searchPrerequisites = openSearchServiceRole(ctx, name, parent);
        prerequisites.push(`iam:${OPENSEARCH_SERVICE_ROLE}`);
    }
    return { prerequisites };
}

/**
 * The account-wide service-linked role a VPC domain needs, created or adopted, never deleted.
 * - Missing: this stack creates it, tagged with its name (`CreateServiceLinkedRole`).
 * - Present and tagged by this stack (its own earlier run, or the run before a destroy, since
 *   `retainOnDelete` leaves it behind): declared again with `import`, which adopts it instead of
 *   creating it a second time (`InvalidInput: Service role name ... has been taken`, as in
 *   lgallard/terraform-aws-elasticsearch#59). With the role already in state, the engine ignores
 *   the import id (pulumi/pulumi#2893, case 4), so later previews stay unchanged.
 * - Present and not tagged by this stack (the console, another stack, another tool made it):
 *   nothing is declared, so this stack never deletes or changes what it did not create.
 * Never deleted: other domains in the account rely on it, and AWS refuses the deletion while any
 * domain exists.
 */
function openSearchServiceRole(ctx: AwsContext, name: string, parent: pulumi.Resource): pulumi.Output<pulumi.Resource[]> {
    const owner = `${ctx.settings.project}/${ctx.settings.stack}`;
    const found = iam.getRolesOutput({ nameRegex: `^${OPENSEARCH_SERVICE_ROLE}$`, pathPrefix: `/aws-service-role/${OPENSEARCH_SERVICE}/` }, ctx.invokeOpts(parent));
    return found.apply(async ({ arns }) => {
        let adopt: string | undefined;
        if (arns.length > 0) {
            const role = await iam.getRole({ name: OPENSEARCH_SERVICE_ROLE }, { provider: ctx.provider, parent });
            if (role.tags?.[OWNER_TAG] !== owner) {
                return [];
            }
            adopt = role.arn;
        }
        return [
            new iam.ServiceLinkedRole(
                `${name}-opensearch-service-role`,
                { awsServiceName: OPENSEARCH_SERVICE, description: "Lets OpenSearch Service manage VPC domain network interfaces", tags: { [OWNER_TAG]: owner } },
                // Declared by the search component before the foundation existed: same role, same state.
                ctx.opts(parent, { retainOnDelete: true, import: adopt, aliases: [{ name: "search-service-role", parent: pulumi.createUrn("search", "anycloud:index:SearchCluster") }] }),
            ),
        ];
    });
}
