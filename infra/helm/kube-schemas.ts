// Writes the JSON schemas kubeconform checks the chart's manifests against, offline: the Kubernetes
// API's from the OpenAPI document in the k8s.io/kubernetes Go module (api/openapi-spec/swagger.json),
// and custom resources' from their CRD files (CloudNativePG's Cluster, from its Go module). Run by
// infra/local/install.sh, which fetches both modules through the Go module proxy:
//   node infra/helm/kube-schemas.ts <out dir> <swagger.json> [<crd.yaml>...]
// The files are named as kubeconform's {{ .ResourceKind }}{{ .KindSuffix }}.json template expects
// (deployment-apps-v1.json, service-v1.json, cluster-postgresql-v1.json). They are strict, like the
// published `-strict` schemas: an object with declared properties takes no others, so a misspelt field
// (readinessProbe.httpget) is an error, not silently ignored.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { parseAllDocuments } from 'yaml';

type Schema = Record<string, unknown>;

const fileName = (kind: string, group: string, version: string) =>
  `${[kind.toLowerCase(), ...(group ? [group.split('.')[0]?.toLowerCase()] : []), version.toLowerCase()].join('-')}.json`;

const intOrString = () => ({ oneOf: [{ type: 'string' }, { type: 'integer' }] });

/** Copies a schema, making objects strict and int-or-string fields accept both. */
function strict(schema: unknown, refPrefix: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => strict(s, refPrefix));
  if (schema === null || typeof schema !== 'object') return schema;
  const s = schema as Schema;
  if (s['format'] === 'int-or-string' || s['x-kubernetes-int-or-string'] === true) return intOrString();
  const out: Schema = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/definitions/', `${refPrefix}#/definitions/`);
    else if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strict(sub, refPrefix)]));
    } else out[key] = strict(value, refPrefix);
  }
  if (out['properties'] && out['additionalProperties'] === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) out['additionalProperties'] = false;
  return out;
}

const [outDir, swaggerFile, ...crdFiles] = process.argv.slice(2);
if (!outDir || !swaggerFile) {
  process.stderr.write('usage: node infra/helm/kube-schemas.ts <out dir> <swagger.json> [<crd.yaml>...]\n');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const swagger = JSON.parse(readFileSync(swaggerFile, 'utf8')) as { definitions: Record<string, Schema> };
const definitions: Record<string, unknown> = {};
for (const [name, def] of Object.entries(swagger.definitions)) {
  // A Quantity is written as "500m" or 2: the published schemas take either.
  definitions[name] = name.endsWith('.api.resource.Quantity') ? { oneOf: [{ type: 'string' }, { type: 'number' }] } : strict(def, '');
}
writeFileSync(path.join(outDir, '_definitions.json'), JSON.stringify({ definitions }));
let written = 0;
for (const [name, def] of Object.entries(swagger.definitions)) {
  const gvks = (def['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string; kind: string }[];
  for (const gvk of gvks) {
    writeFileSync(path.join(outDir, fileName(gvk.kind, gvk.group, gvk.version)), JSON.stringify({ $ref: `_definitions.json#/definitions/${name}` }));
    written++;
  }
}

for (const file of crdFiles) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd = doc.toJS() as { spec: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: Schema } }[] } };
    for (const version of crd.spec.versions) {
      if (!version.schema?.openAPIV3Schema) continue;
      writeFileSync(path.join(outDir, fileName(crd.spec.names.kind, crd.spec.group, version.name)), JSON.stringify(strict(version.schema.openAPIV3Schema, '')));
      written++;
    }
  }
}
process.stdout.write(`kube-schemas: ${written} schemas in ${outDir}\n`);
