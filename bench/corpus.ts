/**
 * The benchmark's inputs, generated deterministically (a seeded PRNG, no clock, no network):
 * Kubernetes manifests, Terraform plans and Dockerfiles that mix compliant objects with the
 * mistakes the built-in library reports, so every namespace has work to do on every document.
 */
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'

/** Bumped whenever the generators change, so a stale corpus on disk is regenerated. */
export const CORPUS_VERSION = '1'

/** mulberry32: small, fast and good enough to vary fields; same seed, same corpus. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]
const chance = (random: Random, p: number): boolean => random() < p

const IMAGES = [
  'nginx:1.27.2',
  'ghcr.io/acme/api:2.4.1',
  'registry.k8s.io/pause:3.9',
  'quay.io/prometheus/node-exporter:v1.8.2',
  'acme.internal/payments:latest',
  'redis',
  'docker.io/library/postgres:16@sha256:4ec37d2a07a0067f176fdcc9d4bb633a5724d2cc4f892c7a2046d054bb6939e5',
  '{{ .Values.image }}'
]

function container(random: Random, name: string): Record<string, unknown> {
  const hardened = chance(random, 0.5)
  const c: Record<string, unknown> = {
    name,
    image: pick(random, IMAGES),
    ports: [{ containerPort: 8080 + Math.floor(random() * 10), protocol: 'TCP' }],
    env: [
      { name: 'LOG_LEVEL', value: pick(random, ['info', 'debug', 'warn']) },
      { name: 'REGION', value: pick(random, ['eu-west-1', 'us-east-1']) }
    ]
  }
  if (hardened) {
    c.securityContext = {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' }
    }
    c.resources = {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' }
    }
    c.livenessProbe = { httpGet: { path: '/healthz', port: 8080 } }
    c.readinessProbe = { httpGet: { path: '/ready', port: 8080 } }
  } else if (chance(random, 0.3)) {
    c.securityContext = {
      privileged: chance(random, 0.5),
      capabilities: { add: [pick(random, ['NET_ADMIN', 'SYS_ADMIN', 'NET_BIND_SERVICE'])] }
    }
  }
  return c
}

function podSpec(random: Random): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    containers: [container(random, 'app')],
    serviceAccountName: 'app'
  }
  if (chance(random, 0.3)) spec.containers = [container(random, 'app'), container(random, 'proxy')]
  if (chance(random, 0.2)) spec.initContainers = [container(random, 'migrate')]
  if (chance(random, 0.1)) spec.hostNetwork = true
  if (chance(random, 0.1)) spec.volumes = [{ name: 'host', hostPath: { path: '/var/run' } }]
  return spec
}

/** One Kubernetes object; `i` names it, the PRNG decides its kind and its mistakes. */
export function kubernetesObject(random: Random, i: number): Record<string, unknown> {
  const name = `svc-${i}`
  const labels: Record<string, string> = chance(random, 0.7)
    ? { 'app.kubernetes.io/name': name, team: pick(random, ['payments', 'search', 'platform']) }
    : { app: name }
  const metadata = { name, namespace: pick(random, ['default', 'prod', 'staging']), labels }
  const template = { metadata: { labels }, spec: podSpec(random) }
  const kind = pick(random, [
    'Deployment',
    'Deployment',
    'Deployment',
    'Service',
    'Service',
    'ConfigMap',
    'StatefulSet',
    'DaemonSet',
    'CronJob',
    'Job',
    'Pod',
    'Ingress'
  ])
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata,
        spec: {
          replicas: 1 + Math.floor(random() * 4),
          selector: { matchLabels: labels },
          template
        }
      }
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template } }
    case 'CronJob':
      return {
        apiVersion: chance(random, 0.2) ? 'batch/v1beta1' : 'batch/v1',
        kind,
        metadata,
        spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } }
      }
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata, spec: podSpec(random) }
    case 'Service':
      return {
        apiVersion: 'v1',
        kind,
        metadata,
        spec: {
          type: pick(random, ['ClusterIP', 'ClusterIP', 'NodePort', 'LoadBalancer']),
          selector: labels,
          ports: [{ port: 80, targetPort: 8080 }]
        }
      }
    case 'Ingress':
      return {
        apiVersion: chance(random, 0.2) ? 'extensions/v1beta1' : 'networking.k8s.io/v1',
        kind,
        metadata,
        spec: { rules: [{ host: `${name}.example.com` }] }
      }
    default:
      return {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata,
        data: { 'config.yaml': `name: ${name}\nreplicas: 3\n` }
      }
  }
}

function yamlDocument(value: unknown): string {
  // The `yaml` package writes what people write: block style, plain scalars where unambiguous.
  return YAML.stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd()
}

const AWS_TYPES = [
  'aws_s3_bucket',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_policy',
  'aws_security_group',
  'aws_security_group_rule',
  'aws_db_instance',
  'aws_ebs_volume',
  'aws_instance',
  'aws_iam_policy',
  'aws_cloudtrail',
  'aws_vpc',
  'aws_subnet'
]
const GCP_TYPES = [
  'google_storage_bucket',
  'google_compute_firewall',
  'google_sql_database_instance'
]
const AZURE_TYPES = ['azurerm_storage_account', 'azurerm_network_security_rule']

function terraformAfter(random: Random, type: string, i: number): Record<string, unknown> {
  const open = chance(random, 0.3)
  switch (type) {
    case 'aws_s3_bucket':
      return { bucket: `bucket-${i}`, acl: open ? 'public-read' : 'private', tags: { team: 'a' } }
    case 'aws_s3_bucket_versioning':
      return {
        bucket: `bucket-${i - 1}`,
        versioning_configuration: [{ status: open ? 'Suspended' : 'Enabled' }]
      }
    case 'aws_s3_bucket_public_access_block':
      return {
        bucket: `bucket-${i - 2}`,
        block_public_acls: !open,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: !open
      }
    case 'aws_s3_bucket_policy':
      return {
        bucket: `bucket-${i - 3}`,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: open ? '*' : { AWS: 'arn:aws:iam::123456789012:root' },
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::bucket-${i - 3}/*`
            }
          ]
        })
      }
    case 'aws_security_group':
      return {
        name: `sg-${i}`,
        ingress: [
          {
            from_port: open ? 22 : 443,
            to_port: open ? 22 : 443,
            protocol: 'tcp',
            cidr_blocks: [open ? '0.0.0.0/0' : '10.0.0.0/8']
          }
        ]
      }
    case 'aws_security_group_rule':
      return {
        type: 'ingress',
        from_port: 3389,
        to_port: 3389,
        protocol: 'tcp',
        cidr_blocks: [open ? '0.0.0.0/0' : '10.1.0.0/16']
      }
    case 'aws_db_instance':
      return {
        identifier: `db-${i}`,
        engine: 'postgres',
        storage_encrypted: !open,
        publicly_accessible: open,
        backup_retention_period: open ? 0 : 7
      }
    case 'aws_ebs_volume':
      return { availability_zone: 'eu-west-1a', size: 20, encrypted: !open }
    case 'aws_instance':
      return {
        ami: 'ami-0123456789abcdef0',
        instance_type: 't3.micro',
        metadata_options: [{ http_tokens: open ? 'optional' : 'required' }],
        root_block_device: [{ encrypted: !open }]
      }
    case 'aws_iam_policy':
      return {
        name: `policy-${i}`,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: open ? '*' : 's3:GetObject', Resource: '*' }]
        })
      }
    case 'aws_cloudtrail':
      return { name: `trail-${i}`, enable_log_file_validation: !open, is_multi_region_trail: true }
    case 'google_storage_bucket':
      return {
        name: `gcs-${i}`,
        location: 'EU',
        uniform_bucket_level_access: !open,
        public_access_prevention: open ? 'inherited' : 'enforced'
      }
    case 'google_compute_firewall':
      return {
        name: `fw-${i}`,
        direction: 'INGRESS',
        source_ranges: [open ? '0.0.0.0/0' : '10.0.0.0/8'],
        allow: [{ protocol: 'tcp', ports: ['22'] }]
      }
    case 'google_sql_database_instance':
      return {
        name: `sql-${i}`,
        database_version: 'POSTGRES_16',
        settings: [{ ip_configuration: [{ ipv4_enabled: open, require_ssl: !open }] }]
      }
    case 'azurerm_storage_account':
      return {
        name: `st${i}`,
        min_tls_version: open ? 'TLS1_0' : 'TLS1_2',
        https_traffic_only_enabled: !open,
        allow_nested_items_to_be_public: open
      }
    case 'azurerm_network_security_rule':
      return {
        name: `rule-${i}`,
        direction: 'Inbound',
        access: 'Allow',
        source_address_prefix: open ? '*' : '10.0.0.0/8',
        destination_port_range: '3389'
      }
    default:
      return { cidr_block: `10.${i % 256}.0.0/16`, tags: { name: `${type}-${i}` } }
  }
}

/** A plan as `terraform show -json` prints it, with `count` resource changes in a few modules. */
export function terraformPlan(random: Random, count: number): Record<string, unknown> {
  const changes: Record<string, unknown>[] = []
  const configuration: Record<string, unknown>[] = []
  for (let i = 0; i < count; i++) {
    const cloud = random()
    const type =
      cloud < 0.7
        ? AWS_TYPES[i % AWS_TYPES.length]
        : cloud < 0.85
          ? pick(random, GCP_TYPES)
          : pick(random, AZURE_TYPES)
    const name = `r${i}`
    const module = i % 5 === 0 ? `module.m${i % 7}` : ''
    const address = `${module ? `${module}.` : ''}${type}.${name}`
    const deleted = chance(random, 0.05)
    changes.push({
      address,
      ...(module ? { module_address: module } : {}),
      mode: 'managed',
      type,
      name,
      provider_name: `registry.terraform.io/hashicorp/${type.split('_')[0] === 'azurerm' ? 'azurerm' : type.split('_')[0] === 'google' ? 'google' : 'aws'}`,
      change: {
        actions: deleted ? ['delete'] : ['create'],
        before: null,
        after: deleted ? null : terraformAfter(random, type, i),
        after_unknown: deleted ? {} : { id: true, arn: true }
      }
    })
    if (!module) configuration.push({ address: `${type}.${name}`, mode: 'managed', type, name })
  }
  return {
    format_version: '1.2',
    terraform_version: '1.9.5',
    planned_values: { root_module: {} },
    resource_changes: changes,
    configuration: { root_module: { resources: configuration } }
  }
}

const BASES = [
  'ubuntu:24.04',
  'node:20-alpine',
  'python:3.12-slim@sha256:2b0079146a74e23bf4ae8f6a28e1b484c6292f6fb904cbb51825b4a19812fcd8',
  'golang:1.23 AS build',
  'alpine',
  'debian:latest'
]

/** A Dockerfile: build stages, package installs, copies, and a user (or none). */
export function dockerfile(random: Random, i: number): string {
  const lines: string[] = [`# service ${i}`]
  if (chance(random, 0.3)) {
    lines.push(
      'FROM golang:1.23 AS build',
      'WORKDIR /src',
      'COPY . .',
      'RUN go build -o /app ./...'
    )
  }
  lines.push(`FROM ${pick(random, BASES).replace(' AS build', '')}`)
  lines.push(`LABEL org.opencontainers.image.title="service-${i}"`)
  if (chance(random, 0.5)) {
    lines.push(
      chance(random, 0.5)
        ? 'RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*'
        : 'RUN apt-get update && apt-get install -y curl'
    )
  }
  if (chance(random, 0.15)) lines.push('RUN curl -fsSL https://example.com/install.sh | sh')
  if (chance(random, 0.15)) lines.push('ADD https://example.com/tool.tar.gz /opt/')
  if (chance(random, 0.1)) lines.push('ENV API_TOKEN=abc123 DB_PASSWORD=hunter2')
  if (chance(random, 0.1)) lines.push('RUN sudo chmod 755 /opt')
  lines.push('WORKDIR /app', 'COPY --chown=10001 . /app')
  if (lines.some(l => l.includes('AS build')))
    lines.push('COPY --from=build /app /usr/local/bin/app')
  lines.push('EXPOSE 8080')
  if (chance(random, 0.6)) lines.push(`USER ${pick(random, ['10001', 'app', 'nonroot'])}`)
  else if (chance(random, 0.3)) lines.push('USER root')
  lines.push('CMD ["/usr/local/bin/app"]', '')
  return lines.join('\n')
}

/** One generated corpus: a directory of files and what it holds. */
export interface Corpus {
  name: string
  kind: 'kubernetes' | 'terraform' | 'dockerfile'
  dir: string
  /** Relative to dir. */
  files: string[]
  /** Documents (Kubernetes objects, Dockerfiles) or resource changes (plans). */
  units: number
  unitName: 'documents' | 'resource changes' | 'Dockerfiles'
}

export interface CorpusSpec {
  name: string
  kind: Corpus['kind']
  units: number
  /** Documents a file, for Kubernetes. */
  perFile?: number
}

/** Every corpus the issue asks for, smallest first within each kind. */
export const FULL_SPECS: readonly CorpusSpec[] = [
  { name: 'k8s-100x1', kind: 'kubernetes', units: 100, perFile: 1 },
  { name: 'k8s-100x20', kind: 'kubernetes', units: 100, perFile: 20 },
  { name: 'k8s-1000x1', kind: 'kubernetes', units: 1000, perFile: 1 },
  { name: 'k8s-1000x20', kind: 'kubernetes', units: 1000, perFile: 20 },
  { name: 'k8s-10000x1', kind: 'kubernetes', units: 10000, perFile: 1 },
  { name: 'k8s-10000x20', kind: 'kubernetes', units: 10000, perFile: 20 },
  { name: 'tfplan-100', kind: 'terraform', units: 100 },
  { name: 'tfplan-1000', kind: 'terraform', units: 1000 },
  { name: 'tfplan-5000', kind: 'terraform', units: 5000 },
  { name: 'docker-1000', kind: 'dockerfile', units: 1000 }
]

/** The file contents of a corpus, by relative path; pure, so tests can inspect it. */
export function corpusFiles(spec: CorpusSpec): Map<string, string> {
  const random = prng(hashName(spec.name))
  const files = new Map<string, string>()
  const width = String(spec.units).length
  const id = (i: number): string => String(i).padStart(width, '0')
  if (spec.kind === 'kubernetes') {
    const perFile = spec.perFile ?? 1
    for (let start = 0; start < spec.units; start += perFile) {
      const docs: string[] = []
      for (let i = start; i < Math.min(start + perFile, spec.units); i++) {
        docs.push(yamlDocument(kubernetesObject(random, i)))
      }
      // Spread over directories of 100 files, as a repository spreads its manifests.
      const file = start / perFile
      files.set(
        path.join('manifests', `team-${Math.floor(file / 100)}`, `app-${id(file)}.yaml`),
        `${docs.join('\n---\n')}\n`
      )
    }
  } else if (spec.kind === 'terraform') {
    files.set('tfplan.json', `${JSON.stringify(terraformPlan(random, spec.units), null, 2)}\n`)
  } else {
    for (let i = 0; i < spec.units; i++) {
      files.set(path.join('services', `svc-${id(i)}`, 'Dockerfile'), dockerfile(random, i))
    }
  }
  return files
}

function hashName(name: string): number {
  let h = 2166136261
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  return h >>> 0
}

/** The `-d` data both tools load: the library's settings, as a user would configure them. */
export const BENCH_DATA = `policy_gate:
  kubernetes:
    required_labels: [app.kubernetes.io/name, team]
  enforcement:
    K8S-404: warn
`

/** Writes a corpus under root (reusing it when the same version is already there). */
export async function writeCorpus(root: string, spec: CorpusSpec): Promise<Corpus> {
  const dir = path.join(root, spec.name)
  const stamp = path.join(dir, '.corpus-version')
  const files = corpusFiles(spec)
  const corpus: Corpus = {
    name: spec.name,
    kind: spec.kind,
    dir,
    files: [...files.keys()].sort(),
    units: spec.units,
    unitName:
      spec.kind === 'terraform'
        ? 'resource changes'
        : spec.kind === 'dockerfile'
          ? 'Dockerfiles'
          : 'documents'
  }
  if (existsSync(stamp) && (await fs.readFile(stamp, 'utf8')) === CORPUS_VERSION) return corpus
  await fs.rm(dir, { recursive: true, force: true })
  for (const [file, text] of files) {
    await fs.mkdir(path.join(dir, path.dirname(file)), { recursive: true })
    await fs.writeFile(path.join(dir, file), text)
  }
  await fs.writeFile(stamp, CORPUS_VERSION)
  return corpus
}

/** The data directory passed with `-d` to every tool. */
export async function writeBenchData(root: string): Promise<string> {
  const dir = path.join(root, 'data')
  await fs.mkdir(dir, { recursive: true })
  await fs.writeFile(path.join(dir, 'policy_gate.yaml'), BENCH_DATA)
  return dir
}
