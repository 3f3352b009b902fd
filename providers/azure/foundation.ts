import * as pulumi from "@pulumi/pulumi";
import * as features from "@pulumi/azure-native/features";
import { ChildOptions, FoundationArgs, FoundationOutputs } from "../../components/backend";
import { movedFromNetwork } from "../../components/foundation";
import { AzureContext } from "./context";
import { createShared } from "./platform";

/** A subscription feature the program needs, and when. */
export interface RequiredFeature {
    namespace: string;
    feature: string;
    /** What needs it (said in the error). */
    purpose: string;
    needed(args: FoundationArgs): boolean;
}

/**
 * Preview features a subscription must have registered once. They are checked, not registered:
 * a registration takes minutes to reach `Registered` and only applies after the resource provider
 * is registered again, so a resource created right after it would fail anyway; and registering
 * needs a subscription-wide permission the deploy identity does not otherwise need.
 */
export const REQUIRED_FEATURES: RequiredFeature[] = [
    {
        namespace: "Microsoft.Compute",
        feature: "EncryptionAtHost",
        purpose: "the search VMs (encryption at host covers their temp disk and disk caches)",
        needed: (args) => args.hasSearch,
    },
];

/** The one-time commands that register a feature (Learn: disks-enable-host-based-encryption-cli). */
export function featureCommand(f: RequiredFeature): string {
    return [
        `az feature register --namespace ${f.namespace} --name ${f.feature}`,
        `az feature show --namespace ${f.namespace} --name ${f.feature} --query properties.state   # wait for "Registered"`,
        `az provider register --namespace ${f.namespace}`,
    ].join("\n  ");
}

/**
 * The stack-level step on Azure: the provider and resource group, the check of the subscription
 * features the stack needs, then what every app shares (log workspace, Key Vault, identities,
 * registry, action group).
 */
export function createFoundation(ctx: AzureContext, _name: string, args: FoundationArgs, opts: ChildOptions): FoundationOutputs {
    const parent = opts.parent;
    ctx.init(parent, movedFromNetwork());
    const needed = REQUIRED_FEATURES.filter((f) => f.needed(args));
    for (const f of needed) {
        ctx.features[f.feature] = featureRegistered(ctx, f, parent);
    }
    ctx.shared = createShared(ctx, args, parent);
    return { prerequisites: needed.map((f) => `${f.namespace}/${f.feature}`) };
}

/**
 * Resolves to true when the subscription has the feature registered; otherwise the run stops
 * (in the preview, before anything is created) with the commands that register it. The resources
 * that need the feature take this value as an input, so none is created without it.
 */
function featureRegistered(ctx: AzureContext, f: RequiredFeature, parent: pulumi.Resource): pulumi.Output<boolean> {
    const state = features
        .getSubscriptionFeatureRegistration({ providerNamespace: f.namespace, featureName: f.feature }, { provider: ctx.provider, parent })
        .then(
            (r) => r.properties?.state ?? "NotRegistered",
            // A feature the subscription never registered has no registration (404).
            () => "NotRegistered",
        );
    return pulumi.all([pulumi.output(state), ctx.subscriptionId]).apply(([s, subscription]) => {
        if (s !== "Registered") {
            throw new Error(
                `anycloud: subscription ${subscription} has not registered the feature ${f.namespace}/${f.feature} (state: ${s}), which ${f.purpose} need. ` +
                    `Register it once per subscription, then run again:\n  ${featureCommand(f)}`,
            );
        }
        return true;
    });
}
