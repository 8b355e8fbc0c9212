// The Helm chart without a cluster: a real helm (test/helpers/helm.ts) lints and renders it over several
// values files; every rendered object is validated against the Kubernetes OpenAPI schemas
// (kubernetes-models), and the hardening is asserted object by object.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { INetworkPolicy, INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { IConfigMap, IPodSpec, IServiceAccount } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import { parseGatewayConfig } from '../src/config/index.js';
import { helm, helmBinary, HELM_VERSION } from './helpers/helm.js';

const chart = fileURLToPath(new URL('../helm/lookalike', import.meta.url));
const ciValues = (name: string): string => join(chart, 'ci', `${name}-values.yaml`);
const SERVICE_MONITOR_API = ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor'];

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

async function render(args: readonly string[]): Promise<KubeObject[]> {
  const result = await helm(['template', 'snap', chart, '--namespace', 'data', ...args]);
  expect(result.stderr, 'helm template stderr').toBe('');
  expect(result.code).toBe(0);
  return parseAllDocuments(result.stdout)
    .map((doc) => {
      expect(doc.errors).toEqual([]);
      return doc.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null);
}

/** Validates with kubernetes-models; returns the problems (empty = valid). */
function schemaProblems(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((o) => {
    const Model = MODELS[`${o.apiVersion}/${o.kind}`];
    if (Model === undefined) return [`${o.apiVersion}/${o.kind}: no schema to validate against`];
    try {
      new Model(o as never).validate();
      return [];
    } catch (error) {
      return [`${o.kind}/${o.metadata.name}: ${(error as Error).message}`];
    }
  });
}

const byKind = (objects: readonly KubeObject[], kind: string): KubeObject[] =>
  objects.filter((o) => o.kind === kind);
const one = (objects: readonly KubeObject[], kind: string, nameSuffix = ''): KubeObject => {
  const found = byKind(objects, kind).filter((o) => o.metadata.name.endsWith(nameSuffix));
  expect(found.map((o) => o.metadata.name)).toHaveLength(1);
  return found[0]!;
};

/** Rendered YAML seen through the kubernetes-models interfaces (validated separately by schemaProblems). */
const as = <T>(object: KubeObject): T => object as unknown as T;
const deployment = (objects: readonly KubeObject[], suffix = ''): IDeployment =>
  as<IDeployment>(one(objects, 'Deployment', suffix));
const podSpec = (d: IDeployment): IPodSpec => d.spec!.template.spec!;
const configText = (objects: readonly KubeObject[]): string =>
  as<IConfigMap>(one(objects, 'ConfigMap', '-lookalike')).data!['config.yaml']!;

const scenarios: Record<string, string[]> = {
  minimal: ['-f', ciValues('minimal')],
  hardened: ['-f', ciValues('hardened')],
  full: ['-f', ciValues('full'), ...SERVICE_MONITOR_API],
};
const rendered: Record<string, KubeObject[]> = {};
let scratch = '';

/** A values file next to the CI ones: `base` with `patch` deep-merged, nulls removing keys. */
async function valuesFile(base: string, patch: Record<string, unknown>): Promise<string> {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === null) return undefined;
    if (typeof a !== 'object' || a === null || Array.isArray(a) || typeof b !== 'object' || Array.isArray(b))
      return b;
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) {
      const merged = merge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  };
  const values = merge(parseYaml(await readFile(ciValues(base), 'utf8')), patch);
  const file = join(scratch, `values-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, stringify(values));
  return file;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lookalike-chart-'));
  await helmBinary();
  for (const [name, args] of Object.entries(scenarios)) rendered[name] = await render(args);
}, 180_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('helm', () => {
  it(`is the pinned ${HELM_VERSION} binary`, async () => {
    const { stdout } = await helm(['version', '--short']);
    expect(stdout.trim()).toMatch(new RegExp(`^${HELM_VERSION.replaceAll('.', '\\.')}\\b`));
  });
});

describe('helm lint --strict', () => {
  it.each(['minimal', 'hardened', 'full'])('passes with ci/%s-values.yaml', async (name) => {
    const result = await helm(['lint', '--strict', chart, '-f', ciValues(name)]);
    expect(result.stdout + result.stderr).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });

  it('refuses the bare defaults, naming what a data team must provide', async () => {
    const result = await helm(['lint', '--strict', chart]);
    expect(result.code).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain('/image/repository');
    expect(output).toContain('/secrets/substitutionKey/existingSecret');
    expect(output).toMatch(/\/config'?: missing properties .*sources.*targets.*policies.*auth.*state/);
  });
});

describe('rendered manifests', () => {
  it.each(Object.keys(scenarios))('%s: every object is valid against the Kubernetes schemas', (name) => {
    expect(rendered[name]!.length).toBeGreaterThan(5);
    expect(schemaProblems(rendered[name]!)).toEqual([]);
  });

  it('the schema validation catches a broken object (so a clean result means something)', () => {
    const broken = structuredClone(one(rendered.minimal!, 'Deployment'));
    const port = podSpec(as<IDeployment>(broken)).containers[0]!.ports![0]!;
    (port as { containerPort: unknown }).containerPort = 'http';
    expect(schemaProblems([broken]).join('\n')).toMatch(/containerPort must be integer/);
  });

  it('renders the optional parts only when asked', () => {
    const kinds = (name: string): string[] => [...new Set(rendered[name]!.map((o) => o.kind))].sort();
    expect(kinds('minimal')).toEqual([
      'ConfigMap',
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
    ]);
    expect(kinds('full')).toEqual(
      [...kinds('minimal'), 'HorizontalPodAutoscaler', 'Ingress', 'ServiceMonitor'].sort(),
    );
    expect(byKind(rendered.full!, 'Deployment').map((d) => d.metadata.name)).toEqual([
      'snap-lookalike',
      'snap-lookalike-worker',
    ]);
  });

  it('renders the ServiceMonitor only when the cluster serves its API', async () => {
    const without = await render(['-f', ciValues('full')]);
    expect(byKind(without, 'ServiceMonitor')).toEqual([]);
    const monitor = as<IServiceMonitor>(one(rendered.full!, 'ServiceMonitor'));
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    expect(monitor.metadata?.labels?.release).toBe('prometheus');
  });

  it('runs `lookalike worker` in the worker Deployment, which serves no port, beside API pods that only enqueue', () => {
    const worker = podSpec(deployment(rendered.full!, '-worker')).containers[0]!;
    expect(worker.args).toEqual(['worker', '--config', '/etc/lookalike/config.yaml']);
    expect(worker.ports).toBeUndefined();
    expect(worker.livenessProbe).toBeUndefined();
    expect(podSpec(deployment(rendered.full!, '-lookalike')).containers[0]!.ports).toHaveLength(1);
    const config = parseGatewayConfig(configText(rendered.full!), 'config.yaml', '/etc/lookalike');
    expect(config.jobs.run_in_process).toBe(false);
  });

  it('leaves replicas to the HPA when autoscaling, and pins them otherwise', () => {
    expect(deployment(rendered.full!, '-lookalike').spec!.replicas).toBeUndefined();
    expect(as<IHorizontalPodAutoscaler>(one(rendered.full!, 'HorizontalPodAutoscaler')).spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
    });
    expect(deployment(rendered.hardened!).spec!.replicas).toBe(3);
  });

  it('labels every object with app.kubernetes.io/*', () => {
    for (const object of Object.values(rendered).flat()) {
      expect(object.metadata.labels, `${object.kind}/${object.metadata.name}`).toMatchObject({
        'app.kubernetes.io/name': 'lookalike',
        'app.kubernetes.io/instance': 'snap',
        'app.kubernetes.io/version': '0.1.0',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/part-of': 'lookalike',
      });
    }
  });

  it('never renders a Secret: secrets are referenced by name only', () => {
    for (const objects of Object.values(rendered)) expect(byKind(objects, 'Secret')).toEqual([]);
  });
});

describe('hardening of every pod', () => {
  const pods = (): [string, IPodSpec][] =>
    Object.entries(rendered).flatMap(([scenario, objects]) =>
      byKind(objects, 'Deployment').map((d): [string, IPodSpec] => [
        `${scenario} ${d.metadata.name}`,
        podSpec(as<IDeployment>(d)),
      ]),
    );
  const hardenedPod = (): IPodSpec => podSpec(deployment(rendered.hardened!));

  it('runs as a numeric non-root user with RuntimeDefault seccomp and no service account token', () => {
    expect(pods().length).toBe(4);
    for (const [where, pod] of pods()) {
      expect(pod.automountServiceAccountToken, where).toBe(false);
      expect(pod.securityContext, where).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const container of pod.containers) {
        expect(container.securityContext, where).toEqual({
          runAsNonRoot: true,
          runAsUser: 10001,
          runAsGroup: 10001,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
      }
    }
  });

  it('gives a size-limited emptyDir at /tmp, the only writable path, and points HOME/TMPDIR at it', () => {
    for (const [where, pod] of pods()) {
      const tmp = pod.volumes?.find((v) => v.name === 'tmp');
      expect(tmp?.emptyDir?.sizeLimit, where).toBeDefined();
      const container = pod.containers[0]!;
      expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      const writable = container.volumeMounts!.filter((m) => m.readOnly !== true).map((m) => m.mountPath);
      expect(writable, where).toEqual(['/tmp']);
      expect(container.env).toEqual(
        expect.arrayContaining([
          { name: 'HOME', value: '/tmp' },
          { name: 'TMPDIR', value: '/tmp' },
        ]),
      );
    }
    expect(hardenedPod().volumes?.find((v) => v.name === 'tmp')?.emptyDir).toEqual({
      sizeLimit: '256Mi',
      medium: 'Memory',
    });
  });

  it('mounts secrets as read-only files (mode 0440), never as environment variables', () => {
    for (const [where, pod] of pods()) {
      const secretVolumes = pod.volumes!.filter((v) => v.secret !== undefined);
      expect(secretVolumes.length, where).toBeGreaterThanOrEqual(2);
      for (const volume of secretVolumes) expect(volume.secret!.defaultMode, where).toBe(0o440);
      for (const container of pod.containers)
        for (const variable of container.env ?? []) expect(variable.valueFrom?.secretKeyRef).toBeUndefined();
    }
    // The manifest signing key (Ed25519 PEM) is passed as a path, the way the CLI reads it.
    const env = (pod: IPodSpec): unknown[] => pod.containers[0]!.env ?? [];
    const signingKey = {
      name: 'LOOKALIKE_SIGNING_KEY_FILE',
      value: '/etc/lookalike/secrets/manifest-signing/key',
    };
    expect(env(hardenedPod())).toContainEqual(signingKey);
    expect(env(podSpec(deployment(rendered.minimal!)))).not.toContainEqual(signingKey);
    expect(hardenedPod().volumes?.find((v) => v.name === 'substitution-key')?.secret).toEqual({
      secretName: 'lookalike-substitution-key',
      defaultMode: 0o440,
      items: [{ key: 'substitution-key', path: 'key' }],
    });
  });

  it('probes /livez (startup, liveness) and /readyz (readiness) on the API, and sets resources', () => {
    const api = podSpec(deployment(rendered.minimal!)).containers[0]!;
    expect(api.startupProbe?.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(api.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(api.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(api.resources?.requests).toEqual({ cpu: '250m', memory: '512Mi' });
    expect(api.resources?.limits?.memory).toBe('2Gi');
    expect(api.args).toEqual(['serve', '--config', '/etc/lookalike/config.yaml']);
  });

  it('uses the image digest when one is given, and the appVersion tag otherwise', () => {
    const image = (name: string): string | undefined =>
      podSpec(deployment(rendered[name]!)).containers[0]!.image;
    expect(image('hardened')).toBe(
      'registry.example.com/platform/lookalike@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    );
    expect(image('minimal')).toBe('registry.example.com/platform/lookalike:0.1.0');
  });

  it('sets a disruption budget and automountServiceAccountToken: false on the ServiceAccount', () => {
    expect(as<IPodDisruptionBudget>(one(rendered.minimal!, 'PodDisruptionBudget')).spec?.maxUnavailable).toBe(
      1,
    );
    expect(as<IServiceAccount>(one(rendered.minimal!, 'ServiceAccount')).automountServiceAccountToken).toBe(
      false,
    );
  });
});

describe('network policy', () => {
  const policy = (objects: readonly KubeObject[]): INetworkPolicy =>
    as<INetworkPolicy>(one(objects, 'NetworkPolicy'));
  const ports = (rule: INetworkPolicyEgressRule): string =>
    (rule.ports ?? []).map((p) => `${p.protocol}/${p.port}`).join(',');
  const labels = (selector: { matchLabels?: Record<string, string> } | undefined): string =>
    Object.values(selector?.matchLabels ?? {}).join(',');
  const egressTargets = (p: INetworkPolicy): string[] =>
    (p.spec?.egress ?? []).flatMap((rule) =>
      (rule.to ?? []).map((peer) =>
        peer.ipBlock === undefined
          ? `pods ${labels(peer.namespaceSelector)}/${labels(peer.podSelector)} ${ports(rule)}`
          : `${peer.ipBlock.cidr}${peer.ipBlock.except ? ` except ${peer.ipBlock.except.join(',')}` : ''} ${ports(rule)}`,
      ),
    );

  it('allows egress only to DNS, the declared databases, the identity provider and the trace collector', () => {
    const hardened = policy(rendered.hardened!);
    expect(hardened.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(egressTargets(hardened)).toEqual([
      'pods kube-system/kube-dns UDP/53,TCP/53',
      '10.20.0.15/32 TCP/5432',
      '10.30.0.0/24 except 10.30.0.1/32 TCP/5432',
      '10.40.0.7/32 TCP/5432',
      '203.0.113.10/32 TCP/443',
      '198.51.100.30/32 TCP/443',
    ]);
    // Traces off (the default): no rule for a collector.
    expect(egressTargets(policy(rendered.minimal!))).toEqual([
      'pods kube-system/kube-dns UDP/53,TCP/53',
      '10.20.0.15/32 TCP/5432',
      '10.30.0.0/24 TCP/5432',
      '203.0.113.10/32 TCP/443',
    ]);
    // No rule without destinations or ports (either would allow everything).
    for (const rule of hardened.spec!.egress!) {
      expect(rule.to!.length).toBeGreaterThan(0);
      expect(rule.ports!.length).toBeGreaterThan(0);
    }
    expect(hardened.spec!.egress![0]!.to![0]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    });
  });

  it('selects the API and worker pods and admits traffic only on the API port, from the listed peers', () => {
    const hardened = policy(rendered.hardened!);
    expect(hardened.spec?.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'lookalike',
      'app.kubernetes.io/instance': 'snap',
    });
    expect(hardened.spec?.ingress).toHaveLength(1);
    expect(hardened.spec!.ingress![0]!.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
    expect(hardened.spec!.ingress![0]!.from).toHaveLength(2);
    // Without listed peers the port restriction still holds.
    expect(policy(rendered.minimal!).spec?.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
  });

  it('appends extra egress rules verbatim, and reaches an in-cluster collector by its selectors', () => {
    const targets = egressTargets(policy(rendered.full!));
    expect(targets).toContain('198.51.100.20/32 TCP/443');
    expect(targets).toContain('pods observability/opentelemetry-collector TCP/4318');
    expect(targets).toHaveLength(5);
  });
});

describe('logs and traces', () => {
  const env = (pod: IPodSpec): unknown[] => pod.containers[0]!.env ?? [];
  const allPods = (): [string, IPodSpec][] =>
    Object.entries(rendered).flatMap(([scenario, objects]) =>
      byKind(objects, 'Deployment').map((d): [string, IPodSpec] => [
        `${scenario} ${d.metadata.name}`,
        podSpec(as<IDeployment>(d)),
      ]),
    );
  const config = (objects: readonly KubeObject[]) =>
    parseGatewayConfig(configText(objects), 'config.yaml', '/etc/lookalike');

  it('logs JSON lines from the API and the worker pods by default (logFormat), text when asked', async () => {
    expect(allPods()).toHaveLength(4);
    for (const [where, pod] of allPods())
      expect(env(pod), where).toContainEqual({ name: 'LOOKALIKE_LOG_FORMAT', value: 'json' });
    const text = await render(['-f', ciValues('minimal'), '--set', 'logFormat=text']);
    expect(env(podSpec(deployment(text)))).toContainEqual({ name: 'LOOKALIKE_LOG_FORMAT', value: 'text' });
  });

  it('sends no traces by default: the config has no telemetry section', () => {
    expect(config(rendered.minimal!).telemetry).toBeUndefined();
    expect(byKind(rendered.minimal!, 'Deployment').length).toBe(1);
    expect(podSpec(deployment(rendered.minimal!)).volumes?.map((v) => v.name)).not.toContain('otlp-headers');
  });

  it('renders telemetry.otlp into the config the server reads, with the headers Secret mounted as a file', () => {
    expect(config(rendered.hardened!).telemetry).toEqual({
      otlp: {
        endpoint: 'https://otlp.example.com',
        service_name: 'lookalike-prod',
        headers_file: '/etc/lookalike/secrets/otlp-headers/headers',
      },
    });
    const pod = podSpec(deployment(rendered.hardened!));
    expect(pod.volumes?.find((v) => v.name === 'otlp-headers')?.secret).toEqual({
      secretName: 'lookalike-otlp-headers',
      defaultMode: 0o440,
      items: [{ key: 'api-headers', path: 'headers' }],
    });
    expect(pod.containers[0]!.volumeMounts).toContainEqual({
      name: 'otlp-headers',
      mountPath: '/etc/lookalike/secrets/otlp-headers',
      readOnly: true,
    });
    // Workers trace their runs too: same config, same mounts.
    expect(config(rendered.full!).telemetry).toEqual({
      otlp: {
        endpoint: 'http://otel-collector.observability.svc.cluster.local:4318',
        service_name: 'lookalike',
      },
    });
    for (const [where, pod] of allPods().filter(([w]) => w.startsWith('full')))
      expect(
        pod.volumes?.map((v) => v.name),
        where,
      ).not.toContain('otlp-headers');
  });
});

describe('gateway config', () => {
  it.each(Object.keys(scenarios))('%s: the ConfigMap is a config the server itself accepts', (name) => {
    const config = parseGatewayConfig(configText(rendered[name]!), 'config.yaml', '/etc/lookalike');
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.secret).toEqual({ file: '/etc/lookalike/secrets/substitution/key' });
  });

  it('every file the config names is inside a mounted volume', () => {
    for (const [scenario, objects] of Object.entries(rendered)) {
      const files = [...configText(objects).matchAll(/file: (\S+)/g)].map((m) => m[1]!);
      expect(files.length).toBeGreaterThan(3);
      const mounts = podSpec(deployment(objects, '-lookalike')).containers[0]!.volumeMounts!.map(
        (m) => m.mountPath,
      );
      for (const file of files)
        expect(
          mounts.some((m) => file.startsWith(`${m}/`)),
          `${scenario}: ${file}`,
        ).toBe(true);
    }
  });

  it('rolls the pods when the config changes', async () => {
    const checksum = (objects: KubeObject[]): string | undefined =>
      deployment(objects).spec!.template.metadata?.annotations?.['checksum/config'];
    const changed = await render(['-f', ciValues('minimal'), '--set', 'config.jobs.concurrency=4']);
    expect(checksum(changed)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(changed)).not.toBe(checksum(rendered.minimal!));
  });
});

describe("the README's copy-paste path", () => {
  it('renders valid manifests from the README values and a real policy file', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Deploy with Helm'));
    const values = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(values).toBeDefined();
    const file = join(scratch, 'readme-values.yaml');
    await writeFile(file, values!);
    const policy = fileURLToPath(new URL('../examples/pagila.policy.yaml', import.meta.url));
    const objects = await render(['-f', file, '--set-file', `policies.files.app\\.policy\\.yaml=${policy}`]);
    expect(schemaProblems(objects)).toEqual([]);
    const config = parseGatewayConfig(configText(objects), 'config.yaml', '/etc/lookalike');
    expect(Object.keys(config.sources)).toEqual(['prod']);
    const policies = as<IConfigMap>(one(objects, 'ConfigMap', '-policies')).data!;
    expect(policies['app.policy.yaml']).toBe(await readFile(policy, 'utf8'));
  });
});

describe('refused values', () => {
  const refused = async (args: string[]): Promise<string> => {
    const result = await helm(['template', 'snap', chart, ...args]);
    expect(result.code).not.toBe(0);
    return result.stderr;
  };

  it('refuses what the server schema refuses (a symmetric JWT algorithm, an unknown config key)', async () => {
    expect(await refused(['-f', ciValues('minimal'), '--set', 'config.auth.algorithms={HS256}'])).toMatch(
      /\/config\/auth\/algorithms\/0/,
    );
    expect(
      await refused(['-f', ciValues('minimal'), '--set', 'config.sources.prod.aproval_required=true']),
    ).toMatch(/aproval_required/);
  });

  it('refuses weakened or ambiguous chart values', async () => {
    const base = ['-f', ciValues('minimal')];
    expect(await refused([...base, '--set', 'securityContext.runAsUser=0'])).toMatch(/runAsUser/);
    expect(await refused([...base, '--set', 'image.tag=latest'])).toMatch(/\/image\/tag/);
    expect(await refused([...base, '--set', 'replicaCont=3'])).toMatch(/replicaCont/);
    expect(await refused([...base, '--set', 'networkPolicy.egress.databases[0].cidr=prod-db'])).toMatch(
      /cidr/,
    );
  });

  it('refuses settings the gateway cannot run with', async () => {
    const base = ['-f', ciValues('minimal')];
    expect(await refused([...base, '--set', 'config.server.host=127.0.0.1'])).toMatch(/loopback/);
    expect(
      await refused([
        ...base,
        '--set',
        'config.server.shutdown_grace_ms=90000',
        '--set',
        'terminationGracePeriodSeconds=60',
      ]),
    ).toMatch(/terminationGracePeriodSeconds/);
  });

  it("refuses traces without an endpoint, without a declared collector, or set behind the chart's back", async () => {
    const base = ['-f', ciValues('minimal'), '--set', 'telemetry.otlp.enabled=true'];
    expect(await refused(base)).toMatch(/telemetry\.otlp\.endpoint/);
    const withEndpoint = [...base, '--set', 'telemetry.otlp.endpoint=https://otlp.example.com'];
    expect(await refused(withEndpoint)).toMatch(/telemetry\.otlp\.egress/);
    expect(
      await refused([
        ...base,
        '--set',
        'telemetry.otlp.endpoint=http://collector.example.com:4318',
        '--set',
        'telemetry.otlp.egress.cidr=198.51.100.30/32',
        '--set',
        'telemetry.otlp.headers.existingSecret=otlp-headers',
      ]),
    ).toMatch(/needs an https telemetry\.otlp\.endpoint/);
    // Without a NetworkPolicy there is nothing to open.
    expect((await render([...withEndpoint, '--set', 'networkPolicy.enabled=false'])).length).toBeGreaterThan(
      3,
    );
    expect(
      await refused([
        ...withEndpoint,
        '--set',
        'telemetry.otlp.egress.cidr=198.51.100.30/32',
        '--set',
        'telemetry.otlp.endpoint=https://user:pw@otlp.example.com',
      ]),
    ).toMatch(/\/telemetry\/otlp\/endpoint/);
    expect(
      await refused([
        '-f',
        ciValues('minimal'),
        '--set',
        'config.telemetry.otlp.endpoint=https://otlp.example.com',
      ]),
    ).toMatch(/config\.telemetry is rendered from telemetry\.otlp/);
    expect(await refused(['-f', ciValues('minimal'), '--set', 'logFormat=yaml'])).toMatch(/logFormat/);
  });

  it('keeps the embedded state to one pod on a mounted volume', async () => {
    const embedded = await valuesFile('minimal', {
      config: { state: { connection: null, embedded_path: '/var/lib/lookalike/state' } },
    });
    const objects = await render(['-f', embedded]);
    expect(deployment(objects).spec!.strategy).toEqual({ type: 'Recreate' });
    expect(podSpec(deployment(objects)).volumes).toContainEqual({ name: 'state', emptyDir: {} });
    expect(schemaProblems(objects)).toEqual([]);

    expect(await refused(['-f', embedded, '--set', 'replicaCount=2'])).toMatch(/single-process/);
    expect(await refused(['-f', embedded, '--set', 'worker.enabled=true'])).toMatch(/single-process/);
    const outside = await valuesFile('minimal', {
      config: { state: { connection: null, embedded_path: '/data/state' } },
    });
    expect(await refused(['-f', outside])).toMatch(/persistence\.mountPath/);
  });
});
