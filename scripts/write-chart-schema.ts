// Writes helm/lookalike/values.schema.json (`npm run chart:schema`): the chart's own values (image,
// replicas, resources, network policy, …) composed with the gateway's config schema under `config:` — the
// same zod schema `lookalike serve` validates its config file with. test/deploy-chart-schema.test.ts fails
// when the committed file and the schemas drift apart.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { GatewayConfigSchema } from '../src/config/index.js';

export const CHART_SCHEMA_PATH = fileURLToPath(
  new URL('../helm/lookalike/values.schema.json', import.meta.url),
);

const Name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a DNS-1123 name');
const StringMap = z.record(z.string(), z.string());
const Quantity = z.union([
  z.string().regex(/^[0-9]+(\.[0-9]+)?(m|[KMGTPE]i?|[kKMGTPE])?$/),
  z.number().nonnegative(),
]);
const Port = z.int().min(1).max(65535);
const Cidr = z
  .string()
  .regex(
    /^([0-9]{1,3}\.){3}[0-9]{1,3}\/[0-9]{1,2}$|^[0-9a-fA-F:]+\/[0-9]{1,3}$/,
    'expected a CIDR (10.0.0.0/16)',
  );
/** Kubernetes objects passed through verbatim (validated by the API server / kubernetes-models). */
const KubeObject = z.record(z.string(), z.unknown());

const Resources = z.strictObject({
  requests: z.partialRecord(z.enum(['cpu', 'memory', 'ephemeral-storage']), Quantity).optional(),
  limits: z.partialRecord(z.enum(['cpu', 'memory', 'ephemeral-storage']), Quantity).optional(),
});

const Probe = z.strictObject({
  enabled: z.boolean(),
  initialDelaySeconds: z.int().min(0).optional(),
  periodSeconds: z.int().min(1),
  timeoutSeconds: z.int().min(1),
  failureThreshold: z.int().min(1),
});

/** An egress destination outside the cluster's DNS: a CIDR and a TCP port. */
const EgressDestination = z.strictObject({
  name: z.string().min(1).optional(),
  cidr: Cidr,
  except: z.array(Cidr).optional(),
  port: Port,
});

const SecretFileRef = (what: string, required: boolean) =>
  z
    .strictObject({
      existingSecret: required ? Name : z.union([z.literal(''), Name]),
      key: z.string().min(1),
    })
    .describe(what);

export const ChartValuesSchema = z
  .strictObject({
    global: KubeObject.optional(),
    nameOverride: z.string().max(63),
    fullnameOverride: z.string().max(63),
    replicaCount: z.int().min(1).max(50),
    image: z.strictObject({
      repository: z.string().min(1, 'set image.repository: the registry you pushed the image to'),
      tag: z
        .string()
        .refine((t) => t !== 'latest', 'a moving "latest" tag is refused; use a version or digest'),
      /** Wins over the tag: `sha256:<64 hex>`. */
      digest: z.union([z.literal(''), z.string().regex(/^sha256:[0-9a-f]{64}$/)]),
      pullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']),
    }),
    imagePullSecrets: z.array(z.strictObject({ name: Name })),
    serviceAccount: z.strictObject({
      create: z.boolean(),
      name: z.string(),
      annotations: StringMap,
    }),
    podAnnotations: StringMap,
    podLabels: StringMap,
    /** Ids only: runAsNonRoot, a read-only root filesystem, no privilege escalation, no capabilities and the
     * RuntimeDefault seccomp profile are fixed by the templates. `runAsUser: null` lets OpenShift assign one. */
    securityContext: z.strictObject({
      runAsUser: z.int().min(1).nullable(),
      runAsGroup: z.int().min(1).nullable(),
      fsGroup: z.int().min(1).nullable(),
    }),
    resources: Resources,
    /** The only writable path (HOME and TMPDIR point here). */
    tmpVolume: z.strictObject({ sizeLimit: Quantity, medium: z.enum(['', 'Memory']) }),
    terminationGracePeriodSeconds: z.int().min(1).max(3600),
    service: z.strictObject({
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']),
      port: Port,
      annotations: StringMap,
    }),
    ingress: z.strictObject({
      enabled: z.boolean(),
      className: z.string(),
      annotations: StringMap,
      hosts: z.array(
        z.strictObject({
          host: z.string().min(1),
          paths: z
            .array(
              z.strictObject({
                path: z.string().startsWith('/'),
                pathType: z.enum(['Prefix', 'Exact', 'ImplementationSpecific']),
              }),
            )
            .min(1),
        }),
      ),
      tls: z.array(z.strictObject({ secretName: Name, hosts: z.array(z.string().min(1)).min(1) })),
    }),
    probes: z.strictObject({ startup: Probe, liveness: Probe, readiness: Probe }),
    /** Secrets are created by you (or External Secrets) and mounted as files, never rendered from values. */
    secrets: z.strictObject({
      substitutionKey: SecretFileRef(
        'the substitution key (≥ 32 bytes); mounted at /etc/lookalike/secrets/substitution/key',
        true,
      ),
      manifestSigningKey: SecretFileRef(
        'the manifest signing key; mounted at /etc/lookalike/secrets/manifest-signing/key when set',
        false,
      ),
      databases: z
        .strictObject({ existingSecret: z.union([z.literal(''), Name]) })
        .describe(
          'connection URLs, one key per database; mounted as files under /etc/lookalike/secrets/databases/',
        ),
    }),
    /** Policy files by file name, mounted under /etc/lookalike/policies/ (or an existing ConfigMap's keys). */
    policies: z.strictObject({
      files: z.record(z.string().regex(/^[A-Za-z0-9._-]+\.ya?ml$/), z.string()),
      existingConfigMap: z.union([z.literal(''), Name]),
    }),
    /** LOOKALIKE_LOG_FORMAT of the API and worker pods: JSON lines for log collectors, or text. */
    logFormat: z.enum(['json', 'text']),
    /** OpenTelemetry traces, rendered into the config as `telemetry.otlp`; off by default. */
    telemetry: z.strictObject({
      otlp: z.strictObject({
        enabled: z.boolean(),
        /** The collector's OTLP/HTTP base URL (spans go to `<endpoint>/v1/traces`); no credentials in it. */
        endpoint: z.union([
          z.literal(''),
          z.string().regex(/^https?:\/\/[^/@\s]+(\/\S*)?$/, 'expected an http(s) URL without credentials'),
        ]),
        serviceName: z.string().min(1).max(200),
        /** A Secret holding the collector's headers (`name=value` per line), mounted as a file. */
        headers: SecretFileRef('OTLP headers (an API key); needs an https endpoint', false),
        /** Where the collector is, for the NetworkPolicy: a CIDR and/or selectors, and its TCP port. */
        egress: z.strictObject({
          port: Port,
          cidr: z.union([z.literal(''), Cidr]),
          namespaceSelector: StringMap,
          podSelector: StringMap,
        }),
      }),
    }),
    extraEnv: z.array(KubeObject),
    extraVolumes: z.array(KubeObject),
    extraVolumeMounts: z.array(KubeObject),
    /** The gateway config file (`lookalike serve --config`), validated by the server's own schema. */
    config: GatewayConfigSchema,
    /** Only for `config.state.embedded_path` (single replica): where the embedded state lives. */
    persistence: z.strictObject({
      enabled: z.boolean(),
      existingClaim: z.union([z.literal(''), Name]),
      mountPath: z.string().startsWith('/'),
    }),
    networkPolicy: z.strictObject({
      enabled: z.boolean(),
      ingress: z.strictObject({
        /** NetworkPolicyPeers allowed to reach the API port; empty = any pod (the port stays the only one). */
        from: z.array(KubeObject),
      }),
      egress: z.strictObject({
        dns: z.strictObject({
          enabled: z.boolean(),
          namespaceSelector: StringMap,
          podSelector: StringMap,
        }),
        /** The declared databases: sources, targets and the state database. */
        databases: z.array(EgressDestination),
        /** The identity provider's JWKS endpoint. */
        identityProvider: z.array(EgressDestination),
        /** Anything else (webhooks, an LLM endpoint): NetworkPolicyEgressRules, verbatim. */
        extra: z.array(KubeObject),
      }),
    }),
    pdb: z.strictObject({
      enabled: z.boolean(),
      maxUnavailable: z.union([z.int().min(1), z.string().regex(/^\d+%$/)]),
    }),
    autoscaling: z.strictObject({
      enabled: z.boolean(),
      minReplicas: z.int().min(1),
      maxReplicas: z.int().min(1),
      targetCPUUtilizationPercentage: z.int().min(1).max(100),
    }),
    serviceMonitor: z.strictObject({
      enabled: z.boolean(),
      interval: z.string().regex(/^\d+[smh]$/),
      scrapeTimeout: z.string().regex(/^\d+[smh]$/),
      labels: StringMap,
    }),
    worker: z.strictObject({
      enabled: z.boolean(),
      replicaCount: z.int().min(1).max(100),
      /** The worker's command line after the entrypoint (`node bin/lookalike.js`). */
      args: z.array(z.string().min(1)).min(1),
      resources: Resources,
    }),
    nodeSelector: StringMap,
    tolerations: z.array(KubeObject),
    affinity: KubeObject,
    topologySpreadConstraints: z.array(KubeObject),
    priorityClassName: z.string(),
  })
  .describe('lookalike Helm chart values (generated by scripts/write-chart-schema.ts; do not edit)');

/**
 * The chart's values.schema.json (draft 7: what helm validates with). Beyond the server's schema, the chart
 * requires `config.state`: the server's default (a directory beside the config file) is read-only here.
 */
export function chartValuesJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ChartValuesSchema, { target: 'draft-7', io: 'input' }) as unknown as {
    properties: {
      config: { required?: string[] };
      image: { properties: { tag: Record<string, unknown> } };
    };
  };
  const config = schema.properties.config;
  config.required = [...new Set([...(config.required ?? []), 'state'])];
  // zod refinements do not reach JSON Schema, and helm's regexes (RE2) have no lookahead.
  schema.properties.image.properties.tag.not = { const: 'latest' };
  return schema;
}

/** The file's text as committed: prettier-formatted JSON. */
export async function chartValuesSchemaText(): Promise<string> {
  const options = (await resolveConfig(CHART_SCHEMA_PATH)) ?? {};
  return format(JSON.stringify(chartValuesJsonSchema(), null, 2), {
    ...options,
    filepath: CHART_SCHEMA_PATH,
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeFile(CHART_SCHEMA_PATH, await chartValuesSchemaText());
  console.log(`wrote ${CHART_SCHEMA_PATH}`);
}
