import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from './scenario';

const SCENARIO_DIR = join(__dirname, 'scenarios');

/** Imports one scenario file; the child process loads only its own, to keep its RSS honest. */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  const loaded = (await import(file)) as { scenario?: Scenario };
  const scenario = loaded.scenario;
  if (!scenario || typeof scenario.prepare !== 'function' || !scenario.name) {
    throw new Error(`${file} must export \`scenario\` (see bench/scenario.ts).`);
  }
  return scenario;
}

export async function loadScenarioFiles(): Promise<Array<{ file: string; scenario: Scenario }>> {
  const files = readdirSync(SCENARIO_DIR)
    .filter((file) => /\.ts$/.test(file) && !/\.(test|d)\.ts$/.test(file))
    .sort();
  const entries: Array<{ file: string; scenario: Scenario }> = [];
  for (const file of files) {
    const path = join(SCENARIO_DIR, file);
    const scenario = await loadScenarioFile(path);
    if (entries.some((e) => e.scenario.name === scenario.name)) throw new Error(`Two scenarios are named "${scenario.name}".`);
    entries.push({ file: path, scenario });
  }
  const scenarios = entries.map((e) => e.scenario);
  const floors = scenarios.filter((s) => s.floor);
  if (floors.length !== 1) throw new Error(`Exactly one scenario must be the floor; found ${floors.length}.`);
  for (const s of scenarios) {
    for (const name of s.budget?.baseline ?? []) {
      if (!scenarios.some((other) => other.name === name)) throw new Error(`Scenario "${s.name}" has a budget over unknown scenario "${name}".`);
    }
  }
  return [...entries.filter((e) => e.scenario.floor), ...entries.filter((e) => !e.scenario.floor)];
}

/** The named scenarios plus what their ratios need: the floor and every budget's baseline. */
export function selectScenarios(all: Scenario[], names: string[]): Scenario[] {
  if (names.length === 0) return all;
  const unknown = names.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length) throw new Error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${all.map((s) => s.name).join(', ')}.`);
  const wanted = new Set(names);
  for (const s of all) if (s.floor) wanted.add(s.name);
  for (const s of all) if (wanted.has(s.name)) for (const name of s.budget?.baseline ?? []) wanted.add(name);
  return all.filter((s) => wanted.has(s.name));
}
