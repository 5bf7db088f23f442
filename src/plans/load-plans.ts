import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
// A namespace import lets the bundler leave out what dockpit never uses (zod's other locales: 3/4 of its size, issue 16).
import * as z from 'zod';
import { parseCpus, parseMemory } from '../config/resource-values.js';
import { ConfigError, UsageError } from '../config/config-error.js';
import { planSchema, type RawPlan } from '../config/schema.js';
import type { LineSpec } from '../config/types.js';
import { describeIssue, documentLines, documentValue, fieldName, lineOf, type LineFinder, type PathKey } from '../config/yaml-location.js';
import { NO_LINE } from './selector.js';
import { DEFAULT_GUARDS, type Plan, type PlanAction, type Selector } from './types.js';

// Issue 5, item 1: plans from `plans:` in the config and from the YAML files of `plansDir` (each file one
// plan or a list of plans), checked against the config's lines and hosts, every error at its file:line.

/** One YAML document's file and where its fields are in it. */
export interface YamlSource {
  file: string;
  lines: LineFinder;
}

export interface PlanInputs {
  /** `plans:` of the config, already checked against planSchema. */
  fromConfig: RawPlan[];
  /** The config file, for the lines of `plans:`. */
  config: YamlSource;
  /** `plansDir`, resolved against the config's folder; null when not set. */
  plansDir: string | null;
  lines: Record<string, LineSpec>;
  hosts: string[];
}

/** A problem at a path of one plan's document; turned into file:line by the caller. */
class PlanFieldError extends Error {
  constructor(
    readonly at: PathKey[],
    message: string,
  ) {
    super(message);
  }
}

function errorAt(src: YamlSource, at: PathKey[], message: string): ConfigError {
  return new ConfigError(message, src.file, src.lines.lineOf(at), fieldName(at));
}

function where(src: YamlSource, at: PathKey[]): string {
  const line = src.lines.lineOf(at);
  return `${src.file}${line ? `:${line}` : ''}`;
}

/** Parses one plan file: its plans with the path of each inside the document. */
function readPlanFile(file: string): { src: YamlSource; plans: Array<{ raw: RawPlan; at: PathKey[] }> } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, file);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const src = { file, lines: documentLines(doc, counter) };
  const yamlError = doc.errors[0];
  if (yamlError) {
    throw new ConfigError(`invalid YAML: ${yamlError.message.split('\n')[0]}`, file, counter.linePos(yamlError.pos[0]).line);
  }
  const value: unknown = documentValue(doc, counter, file);
  // A list is checked as a list, anything else as one plan, so the error points into what was meant.
  const result = Array.isArray(value) ? z.array(planSchema).safeParse(value) : planSchema.safeParse(value ?? {});
  if (!result.success) {
    const { message, at, lineAt } = describeIssue(result.error.issues);
    throw new ConfigError(message, file, lineOf(doc, counter, lineAt), fieldName(at));
  }
  const data: RawPlan | RawPlan[] = result.data;
  const plans = Array.isArray(data) ? data.map((raw, i) => ({ raw, at: [i] as PathKey[] })) : [{ raw: data, at: [] as PathKey[] }];
  return { src, plans };
}

/** The `*.yaml` and `*.yml` files of the plans folder, by name. */
function planFiles(dir: string, config: YamlSource): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw errorAt(config, ['plansDir'], code === 'ENOENT' ? `no such folder ${dir}` : `cannot read ${dir} (${code ?? 'error'})`);
  }
  return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => path.join(dir, n));
}

function parseAction(raw: RawPlan['steps'][number]['action'], at: PathKey[]): PlanAction {
  if (raw === 'stop' || raw === 'pause') return { kind: raw };
  if ('scaleDown' in raw) {
    if (raw.scaleDown.keep < 0) throw new PlanFieldError([...at, 'scaleDown', 'keep'], `expected keep of 0 or more, got ${raw.scaleDown.keep}`);
    return { kind: 'scaleDown', keep: raw.scaleDown.keep };
  }
  const l = raw.limit;
  if (l.cpus === undefined && l.memory === undefined && l.cpuShares === undefined) {
    throw new PlanFieldError([...at, 'limit'], 'a limit needs at least one of cpus, memory, cpuShares');
  }
  let nanoCpus: number | null = null;
  if (l.cpus !== undefined) {
    try {
      nanoCpus = parseCpus(String(l.cpus));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new PlanFieldError([...at, 'limit', 'cpus'], `expected a number of CPUs like 0.5 or 2, got ${l.cpus}`);
    }
  }
  let memoryBytes: number | null = null;
  if (l.memory !== undefined) {
    try {
      // A bare number is bytes, as docker's --memory.
      memoryBytes = parseMemory(String(l.memory));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new PlanFieldError([...at, 'limit', 'memory'], `expected a size like 256m, 1g or 512MiB, at least 6MiB, got "${l.memory}"`);
    }
  }
  return { kind: 'limit', nanoCpus, memoryBytes, cpuShares: l.cpuShares ?? null };
}

function checkSelector(s: Selector, at: PathKey[], inputs: PlanInputs, protectTiers: number[]): void {
  const knownLines = Object.keys(inputs.lines);
  // With no `lines:` configured, business lines exist only as container labels: any name may be meant.
  if (knownLines.length > 0) {
    s.lines?.forEach((l, j) => {
      if (l !== NO_LINE && !knownLines.includes(l)) {
        throw new PlanFieldError([...at, 'lines', j], `unknown line "${l}" (lines: ${knownLines.join(', ')}, or ${NO_LINE} for unlabelled containers)`);
      }
    });
  }
  s.hosts?.forEach((h, j) => {
    if (!inputs.hosts.includes(h)) throw new PlanFieldError([...at, 'hosts', j], `unknown host "${h}" (hosts: ${inputs.hosts.join(', ')})`);
  });
  if (s.minTier !== undefined && s.maxTier !== undefined && s.minTier > s.maxTier) {
    throw new PlanFieldError([...at, 'minTier'], `minTier ${s.minTier} is above maxTier ${s.maxTier}: the step selects nothing`);
  }
  s.tiers?.forEach((t, j) => {
    if (protectTiers.includes(t)) {
      throw new PlanFieldError([...at, 'tiers', j], `selects tier ${t}, which guards.protectTiers protects: no step may touch it (remove it here or from protectTiers)`);
    }
  });
}

/** One raw plan, checked and resolved. */
function resolvePlan(raw: RawPlan, at: PathKey[], src: YamlSource, inputs: PlanInputs): Plan {
  const guards = { ...DEFAULT_GUARDS, ...raw.guards };
  guards.protectTiers = [...guards.protectTiers];
  try {
    const steps = raw.steps.map((step, i) => {
      const stepAt = [...at, 'steps', i];
      const select: Selector = { ...step.select };
      checkSelector(select, [...stepAt, 'select'], inputs, guards.protectTiers);
      return { select, action: parseAction(step.action, [...stepAt, 'action']) };
    });
    return { name: raw.name, description: raw.description ?? '', guards, steps, source: where(src, at) };
  } catch (err) {
    if (!(err instanceof PlanFieldError)) throw err;
    throw errorAt(src, err.at, err.message);
  }
}

/** Every plan of the config and of the plans folder, in that order. Reads files; contacts nothing. */
export function resolvePlans(inputs: PlanInputs): Plan[] {
  const found: Array<{ raw: RawPlan; at: PathKey[]; src: YamlSource }> = inputs.fromConfig.map((raw, i) => ({
    raw,
    at: ['plans', i],
    src: inputs.config,
  }));
  if (inputs.plansDir !== null) {
    for (const file of planFiles(inputs.plansDir, inputs.config)) {
      const { src, plans } = readPlanFile(file);
      for (const p of plans) found.push({ ...p, src });
    }
  }
  const byName = new Map<string, string>();
  return found.map(({ raw, at, src }) => {
    const previous = byName.get(raw.name);
    if (previous !== undefined) throw errorAt(src, [...at, 'name'], `duplicate plan name "${raw.name}" (also at ${previous})`);
    const plan = resolvePlan(raw, at, src, inputs);
    byName.set(raw.name, plan.source);
    return plan;
  });
}
