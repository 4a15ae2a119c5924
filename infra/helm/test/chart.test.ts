// The Helm chart (infra/helm/gateway) in both profiles: helm lint, helm template, the rendered
// manifests checked by kubeconform against the Kubernetes and CloudNativePG schemas, and what the
// schemas cannot say: probes on the services' real routes and ports, env names the services' config
// reads, secrets only by reference, the migration hook, and Kafka topics and ACLs equal to what the
// contracts' catalogue and the services' topics derive. The tools come from infra/local/install.sh
// (.data/tools); without them this file fails, naming the command that installs them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { topicNames, topics } from '@gateway/contracts';
import { parseAllDocuments } from 'yaml';
import { configSchema as bankAdapterConfig } from '../../../services/bank-adapter/src/config.ts';
import { configSchema as billingConfig } from '../../../services/billing/src/config.ts';
import { configSchema as notificationConfig } from '../../../services/notification/src/config.ts';
import { configSchema as consoleConfig } from '../../../services/operator-console/src/config.ts';
import { configSchema as orchestrationConfig } from '../../../services/payment-orchestration/src/config.ts';
import { kafkaAccessFile, kafkaAccessJson, strimziAclsByUser } from '../kafka-access.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const chartDir = path.join(repoRoot, 'infra/helm/gateway');
const toolsDir = path.join(process.env['INFRA_DATA_DIR'] ?? path.join(repoRoot, '.data'), 'tools');
const helm = path.join(toolsDir, 'bin/helm');
const kubeconform = path.join(toolsDir, 'bin/kubeconform');
const schemaDir = path.join(toolsDir, 'kube-schemas');
// Strimzi's four kinds have no schema here: Strimzi is a Java project whose repository the Go module
// proxy does not serve, its Maven artifact io.strimzi:api holds the model classes but no CRD files,
// and its release downloads are not reachable offline. The assertions below check them instead.
const strimziKinds = ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser'];

// The env each service reads (its config.ts schema); REDIS_PASSWORD only builds REDIS_URL in the pod.
const configKeys: Record<string, string[]> = {
  billing: Object.keys(billingConfig.shape),
  'payment-orchestration': Object.keys(orchestrationConfig.shape),
  'bank-adapter': Object.keys(bankAdapterConfig.shape),
  notification: Object.keys(notificationConfig.shape),
  'operator-console': Object.keys(consoleConfig.shape),
};
const servicesWithDatabase = ['billing', 'payment-orchestration', 'bank-adapter', 'notification'];

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are read as plain JSON */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> }; spec: any };
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };

function render(profile: string, extra: string[] = []): { text: string; manifests: Manifest[] } {
  const text = execFileSync(helm, ['template', 'gateway', chartDir, '--namespace', 'gateway', '-f', path.join(chartDir, `values-${profile}.yaml`), ...extra], { encoding: 'utf8' });
  const manifests = parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
  return { text, manifests };
}

const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const deploymentOf = (manifests: Manifest[], service: string) => manifests.find((m) => m.kind === 'Deployment' && m.metadata.labels?.['app.kubernetes.io/name'] === service);
const containerEnv = (m: Manifest): EnvVar[] => m.spec.template.spec.containers[0].env;

function validate(text: string): { status: number | null; out: string } {
  const result = spawnSync(
    kubeconform,
    ['-strict', '-summary', '-output', 'json', '-schema-location', path.join(schemaDir, '{{ .ResourceKind }}{{ .KindSuffix }}.json'), '-skip', strimziKinds.join(',')],
    { input: text, encoding: 'utf8' },
  );
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

const profiles = ['small', 'national'] as const;
const rendered: Partial<Record<(typeof profiles)[number], { text: string; manifests: Manifest[] }>> = {};
const get = (profile: (typeof profiles)[number]) => {
  const r = rendered[profile];
  if (!r) throw new Error(`the ${profile} profile did not render`);
  return r;
};

beforeAll(() => {
  const missing = [helm, kubeconform, path.join(schemaDir, 'deployment-apps-v1.json')].filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run bash infra/local/install.sh (it builds helm and kubeconform and writes the schemas)`);
  for (const profile of profiles) rendered[profile] = render(profile);
});

describe.each(profiles)('the chart, %s profile', (profile) => {
  it('passes helm lint', () => {
    const out = execFileSync(helm, ['lint', chartDir, '-f', path.join(chartDir, `values-${profile}.yaml`)], { encoding: 'utf8' });
    expect(out).toContain('0 chart(s) failed');
  });

  it('renders manifests that kubeconform finds valid against the Kubernetes 1.34 and CloudNativePG 1.27 schemas (Strimzi kinds skipped: no schema offline)', () => {
    const { text, manifests } = get(profile);
    const { status, out } = validate(text);
    expect({ status, out }).toEqual({ status: 0, out: expect.any(String) });
    const summary = JSON.parse(out) as { summary: { valid: number; invalid: number; errors: number; skipped: number } };
    const strimzi = manifests.filter((m) => strimziKinds.includes(m.kind)).length;
    // Everything else was checked against a schema, none missing or skipped.
    expect(summary.summary).toEqual({ valid: manifests.length - strimzi, invalid: 0, errors: 0, skipped: strimzi });
  });

  it('runs each service as a Deployment with /readyz and /healthz probes on its HTTP_PORT, resources, a PDB and an HPA', () => {
    const { manifests } = get(profile);
    expect(ofKind(manifests, 'Deployment').map((d) => d.metadata.labels?.['app.kubernetes.io/name']).sort()).toEqual(Object.keys(configKeys).sort());
    for (const service of Object.keys(configKeys)) {
      const deployment = deploymentOf(manifests, service);
      const container = deployment?.spec.template.spec.containers[0];
      const port = Number(containerEnv(deployment as Manifest).find((e) => e.name === 'HTTP_PORT')?.value);
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.any(String) });
      expect(container.resources.limits.memory).toEqual(container.resources.requests.memory);
      const selector = deployment?.spec.selector.matchLabels;
      expect(ofKind(manifests, 'PodDisruptionBudget').filter((p) => JSON.stringify(p.spec.selector.matchLabels) === JSON.stringify(selector))).toHaveLength(1);
      expect(ofKind(manifests, 'HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef.name === deployment?.metadata.name)).toHaveLength(1);
      const service_ = manifests.find((m) => m.kind === 'Service' && m.metadata.name === deployment?.metadata.name);
      expect(service_?.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    }
  });

  it("sets only env names the service's config.ts reads, and every secret from a Secret, never a literal", () => {
    const { manifests } = get(profile);
    for (const service of Object.keys(configKeys)) {
      const env = containerEnv(deploymentOf(manifests, service) as Manifest);
      expect(env.map((e) => e.name).filter((name) => name !== 'REDIS_PASSWORD' && !configKeys[service]?.includes(name))).toEqual([]);
      const required = ['REDIS_URL', 'KAFKA_BROKERS', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', ...(servicesWithDatabase.includes(service) ? ['DATABASE_URL'] : [])];
      expect(required.filter((name) => !env.some((e) => e.name === name))).toEqual([]);
      for (const e of env.filter((v) => /PASSWORD|SECRET|DATABASE_URL/.test(v.name))) {
        expect({ name: e.name, value: e.value, secret: e.valueFrom?.secretKeyRef !== undefined }).toEqual({ name: e.name, value: undefined, secret: true });
      }
      // The password reaches REDIS_URL only through the variable Kubernetes expands in the pod.
      expect(env.find((e) => e.name === 'REDIS_URL')?.value).toMatch(/^redis:\/\/:\$\(REDIS_PASSWORD\)@[a-z-]+:6379$/);
      // The service logs in as the KafkaUser of its name, with the password Strimzi put in that user's Secret.
      expect(env.find((e) => e.name === 'KAFKA_SASL_USERNAME')?.value).toBe(service);
      expect(env.find((e) => e.name === 'KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: service, key: 'password' });
      expect(ofKind(manifests, 'KafkaUser').map((u) => u.metadata.name)).toContain(service);
    }
    // The chart makes no Secret of its own: values hold no secret to put in one.
    expect(ofKind(manifests, 'Secret')).toEqual([]);
  });

  it('migrates each database in a pre-install/pre-upgrade hook Job, with its own CloudNativePG cluster', () => {
    const { manifests } = get(profile);
    const jobs = ofKind(manifests, 'Job');
    const clusters = ofKind(manifests, 'Cluster');
    expect(jobs.map((j) => j.metadata.labels?.['app.kubernetes.io/name']).sort()).toEqual(servicesWithDatabase.map((s) => `${s}-migrate`).sort());
    expect(clusters).toHaveLength(servicesWithDatabase.length);
    for (const service of servicesWithDatabase) {
      const job = jobs.find((j) => j.metadata.labels?.['app.kubernetes.io/name'] === `${service}-migrate`) as Manifest;
      expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      const container = job.spec.template.spec.containers[0];
      expect(container.command.join(' ')).toContain('runMigrations');
      const jobUrl = (container.env as EnvVar[]).find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
      const serviceUrl = containerEnv(deploymentOf(manifests, service) as Manifest).find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
      // The Job migrates the very database the service uses: the app Secret CloudNativePG makes for its cluster.
      expect(jobUrl).toEqual(serviceUrl);
      expect(clusters.map((c) => `${c.metadata.name}-app`)).toContain(serviceUrl?.name);
    }
  });

  it("runs Kafka in KRaft node pools with replication 3 and min.insync.replicas 2, a KafkaTopic per catalogue topic and its .dlq, and each principal's ACLs as derived", () => {
    const { manifests } = get(profile);
    const [kafka] = ofKind(manifests, 'Kafka');
    expect(kafka?.metadata.annotations).toEqual({ 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' });
    expect(kafka?.spec.kafka.config).toMatchObject({ 'default.replication.factor': 3, 'min.insync.replicas': 2, 'auto.create.topics.enable': false });
    const pools = ofKind(manifests, 'KafkaNodePool');
    const count = (role: string) => pools.filter((p) => p.spec.roles.includes(role)).reduce((n, p) => n + p.spec.replicas, 0);
    expect(count('broker')).toBeGreaterThanOrEqual(3);
    expect(count('controller') % 2).toBe(1);
    const kafkaTopics = ofKind(manifests, 'KafkaTopic');
    expect(kafkaTopics.map((t) => t.spec.topicName).sort()).toEqual(topicNames.flatMap((n) => [n, `${n}.dlq`]).sort());
    for (const topic of kafkaTopics) {
      const source = topics[topic.spec.topicName.replace(/\.dlq$/, '') as keyof typeof topics];
      expect(topic.spec.partitions).toBeGreaterThanOrEqual(source.partitions);
      expect(topic.spec.partitions).toBe(kafkaTopics.find((t) => t.spec.topicName === source.name)?.spec.partitions);
      expect({ replicas: topic.spec.replicas, config: topic.spec.config }).toEqual({ replicas: 3, config: { 'min.insync.replicas': 2 } });
    }
    const users = Object.fromEntries(ofKind(manifests, 'KafkaUser').map((u) => [u.metadata.name, u.spec.authorization.acls.map((a: any) => ({ resource: a.resource, operations: a.operations }))]));
    expect(users).toEqual(strimziAclsByUser());
  });
});

describe('the chart across profiles', () => {
  it("keeps the catalogue's partition counts in the small profile and more in the national one, with more replicas", () => {
    const partitions = (profile: (typeof profiles)[number]) => Object.fromEntries(ofKind(get(profile).manifests, 'KafkaTopic').map((t) => [t.spec.topicName, t.spec.partitions as number]));
    const small = partitions('small');
    const national = partitions('national');
    for (const name of topicNames) {
      expect(small[name]).toBe(topics[name].partitions);
      expect(national[name]).toBeGreaterThan(topics[name].partitions);
    }
    for (const service of Object.keys(configKeys)) {
      const replicas = (profile: (typeof profiles)[number]) => deploymentOf(get(profile).manifests, service)?.spec.replicas as number;
      expect(replicas('national')).toBeGreaterThanOrEqual(replicas('small'));
    }
    const brokers = (profile: (typeof profiles)[number]) => ofKind(get(profile).manifests, 'KafkaNodePool').filter((p) => p.spec.roles.includes('broker')).reduce((n, p) => n + p.spec.replicas, 0);
    expect(brokers('national')).toBeGreaterThan(brokers('small'));
  });

  it('refuses a partition count below the catalogue (Kafka cannot shrink a topic)', () => {
    const result = spawnSync(helm, ['template', 'gateway', chartDir, '-f', path.join(chartDir, 'values-small.yaml'), '--set', 'kafka.partitions.billing\\.bills=2'], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("kafka.partitions.billing.bills is 2, below the catalogue's 6");
  });

  it('has a kafka-access.json in step with the catalogue and the services (node infra/helm/kafka-access.ts rewrites it)', () => {
    expect(readFileSync(kafkaAccessFile, 'utf8')).toBe(kafkaAccessJson());
  });

  it('has strict schemas: kubeconform rejects a misspelt Deployment field', () => {
    const deployment = parseAllDocuments(get('small').text).find((d) => (d.toJS() as Manifest | null)?.kind === 'Deployment')?.toJS() as Manifest;
    deployment.spec.template.spec.containers[0].readinessProbe.httpget = { path: '/readyz' };
    const { status, out } = validate(JSON.stringify(deployment));
    expect(status).not.toBe(0);
    expect(out).toContain('httpget');
  });
});
