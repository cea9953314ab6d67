/**
 * The fast spec encoding equals spec/MultiPaxos.tla on EVERY reachable state of
 * spec/ci-restart.cfg (a CI model with crashes, Join and Welcome: 16 of the 18 actions):
 * its full state graph comes from the embedded engine (about 50 s; in CI, from check-spec's
 * saved graphs: PAXOS_STATE_GRAPHS), then successor sets are
 * compared state by state. The rest shows the comparison can fail: a wrong TS encoding and
 * a graph with a missing edge are both reported, and explore_next says which side is wrong.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type ModelInfo } from '../../src/modelcheck/cfg/models.js';
import { type GraphItem, engineStateGraph, linesOf, readStateGraph, stateToEmbeddedJson } from '../../src/modelcheck/embedded/stateGraph.js';
import { loadTlaChecker } from '../../src/modelcheck/embedded/wasm.js';
import { type Successors, checkGraphConformance, diagnose, fastSuccessors } from '../../src/trace/conformance/graphConformance.js';
import { configFromConstants, type SpecConfig } from '../../src/trace/spec/specState.js';
import { fromTla, stateKey } from '../../src/trace/replay/tlaCodec.js';
import { cfgText, exploreInit, exploreNext } from '../../src/trace/replay/tlaEngine.js';
import type { SpecConstants } from '../../src/trace/format/types.js';
import { SPEC_DIR, conformModel, flatSpec, modelConstants } from '../../scripts/check-conformance.js';
import { savedGraphFile } from './savedGraphs.js';

let model: ModelInfo;
let spec: string;
let exploreCfg: string;
let cfg: SpecConfig;
let dot: string;
let engineStates: number;
let items: GraphItem[] = [];

/**
 * CI model-checks before npm test, keeping every CI model's graph (check-spec --state-graph),
 * and names that folder in PAXOS_STATE_GRAPHS: the same engine's graph of the same spec, read
 * instead of built again (about 50 s). Elsewhere the engine builds it here, and so it does when
 * the spec or the model changed after the graph was written (savedGraphs.ts).
 */
function savedGraph(): string | undefined {
  const file = savedGraphFile('ci-restart');
  return file === undefined ? undefined : readFileSync(file, 'utf8');
}

function loadGraph(): void {
  if (items.length > 0) return;
  model = loadModel(join(SPEC_DIR, 'ci-restart.cfg'));
  const constants = modelConstants(model);
  cfg = configFromConstants(constants as unknown as SpecConstants);
  spec = flatSpec();
  exploreCfg = cfgText(constants, 'Next');
  const saved = savedGraph();
  const g = saved === undefined ? engineStateGraph(loadTlaChecker(), spec, model.cfgText) : undefined;
  dot = saved ?? g!.dot;
  items = [...readStateGraph(linesOf(dot))];
  // A saved graph holds every state the engine explored (check-spec wrote it whole).
  engineStates = g?.statesExplored ?? items.filter((i) => i.kind === 'state').length;
}

const N = () => cfg.N;
const states = () => items.filter((i): i is Extract<GraphItem, { kind: 'state' }> => i.kind === 'state');
const edges = () => items.filter((i): i is Extract<GraphItem, { kind: 'edge' }> => i.kind === 'edge');
const keyOfJson = (json: Record<string, unknown>) => stateKey(fromTla(json).state, N());

describe('graph conformance on every state of ci-restart', () => {
  beforeAll(loadGraph, 600_000); // about 70 s idle; 300 s ran out once on a machine at load 10
  it('compares every state the engine reached and finds the encoding equal', () => {
    const r = checkGraphConformance(items, { cfg });
    console.log(`graph conformance ci-restart: ${r.states} states, ${r.transitions} transitions, ${Object.keys(r.perAction).length} actions`);
    expect(r.errors).toEqual([]);
    expect(r.mismatches).toEqual([]);
    expect(r.states).toBe(engineStates);
    expect(r.states).toBe(6499);
    expect(r.transitions).toBe(edges().length);
    expect(r.tsTransitions).toBe(r.transitions);
    expect(Object.keys(r.perAction).length).toBe(16);
    expect(r.ok).toBe(true);
  });

  it('decodes graph states exactly as explore_init and explore_next encode them', () => {
    const byId = new Map(states().map((s) => [s.id, stateToEmbeddedJson(s.vars)]));
    const keyOf = new Map([...byId].map(([id, json]) => [id, keyOfJson(json)]));
    const init = exploreInit(spec, exploreCfg).map(keyOfJson);
    expect(init).toEqual([keyOf.get('s0')]);
    // A few states with many successors, each fed back to the engine in our JSON encoding.
    const out = new Map<string, Set<string>>();
    for (const e of edges()) {
      if (!out.has(e.from)) out.set(e.from, new Set());
      out.get(e.from)!.add(`${e.action}\n${keyOf.get(e.to)}`);
    }
    const sample = ['s0', ...[...out.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, 3).map(([id]) => id), 's5142'];
    for (const id of sample) {
      const fromEngine = new Set(exploreNext(spec, exploreCfg, byId.get(id)!).map((t) => `${t.action}\n${keyOfJson(t.state as Record<string, unknown>)}`));
      expect(fromEngine, id).toEqual(out.get(id) ?? new Set());
    }
  }, 60_000);
});

describe('the graph comparison can fail', () => {
  beforeAll(loadGraph, 600_000); // about 70 s idle; 300 s ran out once on a machine at load 10
  it('reports a TS encoding that drops one action, and explore_next blames the encoding', () => {
    const dropWelcome: Successors = function* (c, s) {
      for (const t of fastSuccessors(c, s)) if (t.action !== 'ReplicaReceiveWelcome') yield t;
    };
    const r = checkGraphConformance(items, { cfg, successors: dropWelcome });
    const enabledAt = new Set(edges().filter((e) => e.action === 'ReplicaReceiveWelcome').map((e) => e.from));
    expect(r.ok).toBe(false);
    expect(r.mismatchCount).toBe(enabledAt.size);
    const m = r.mismatches[0]!;
    expect(m.tsOnly).toEqual([]);
    expect(m.specOnly.every((t) => t.startsWith('ReplicaReceiveWelcome -> s'))).toBe(true);
    const json = stateToEmbeddedJson(states().find((s) => s.id === m.id)!.vars);
    expect(diagnose(m, N(), () => exploreNext(spec, exploreCfg, json) as never)).toMatch(/agrees with the graph: the TS encoding \(fastSpec\) is wrong/);
  });

  it('reports a TS encoding with one perturbed successor', () => {
    // ReplicaExecute that forgets to advance rSlotOut: a successor the spec does not have.
    const lazyExecute: Successors = function* (c, s) {
      for (const t of fastSuccessors(c, s)) {
        if (t.action !== 'ReplicaExecute') { yield t; continue; }
        const n = t.state.nodes.findIndex((x, i) => i > 0 && x.rSlotOut !== s.nodes[i]!.rSlotOut);
        const nodes = t.state.nodes.map((x, i) => (i === n ? { ...x, rSlotOut: s.nodes[i]!.rSlotOut } : x));
        yield { action: t.action, state: { ...t.state, nodes } };
      }
    };
    const r = checkGraphConformance(items, { cfg, successors: lazyExecute });
    expect(r.mismatchCount).toBeGreaterThan(0);
    expect(r.mismatches[0]!.tsOnly[0]).toMatch(/^ReplicaExecute -> a state not in the graph/);
    expect(r.mismatches[0]!.specOnly[0]).toMatch(/^ReplicaExecute -> s\d+/);
  });

  it('reports a graph with a missing edge, and explore_next blames the graph', () => {
    const victim = edges()[1000]!;
    const r = checkGraphConformance(items.filter((i) => i !== victim), { cfg });
    expect(r.mismatchCount).toBe(1);
    const m = r.mismatches[0]!;
    expect(m.id).toBe(victim.from);
    expect(m.specOnly).toEqual([]);
    expect(m.tsOnly).toHaveLength(1);
    expect(m.tsOnly[0]).toMatch(new RegExp(`^${victim.action} -> ${victim.to} `));
    const json = stateToEmbeddedJson(states().find((s) => s.id === m.id)!.vars);
    expect(diagnose(m, N(), () => exploreNext(spec, exploreCfg, json) as never)).toMatch(/agrees with the TS encoding: the graph is incomplete/);
  });

  it('reports a graph state that breaks a ghost variable, and one the TS Init does not reach', () => {
    const s = states()[10]!;
    const broken: GraphItem = { ...s, vars: { ...s.vars, refines: false } };
    // An extra copy of a state under a new id, reached by no edge, with restarts changed.
    const stray: GraphItem = { ...s, id: 'sX', vars: { ...s.vars, restarts: { '#bigint': '7' } } };
    const r = checkGraphConformance([...items.map((i) => (i === s ? broken : i)), stray], { cfg });
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toMatch(new RegExp(`state ${s.id} .*ghost refines is FALSE`));
    expect(r.errors.join('\n')).toMatch(/1 states are not reachable from the TS initial state, e.g. sX/);
  });
});

describe('a graph pruned by a CONSTRAINT', () => {
  beforeAll(loadGraph, 600_000); // about 70 s idle; 300 s ran out once on a machine at load 10

  it('counts TS transitions to states the graph left out instead of reporting them, and compares the rest', () => {
    // As tla-checker leaves out a state outside a CONSTRAINT: the state and every edge to or from it.
    const gone = states()[200]!.id;
    const pruned = items.filter((i) => (i.kind === 'state' ? i.id !== gone : i.from !== gone && i.to !== gone));
    const into = new Set(edges().filter((e) => e.to === gone).map((e) => `${e.from} ${e.action}`)).size;
    expect(into).toBeGreaterThan(0);
    const strict = checkGraphConformance(pruned, { cfg });
    expect(strict.mismatchCount).toBe(new Set(edges().filter((e) => e.to === gone).map((e) => e.from)).size);
    const r = checkGraphConformance(pruned, { cfg, pruned: true });
    expect(r.mismatches).toEqual([]);
    expect(r.leftGraph).toBe(into);
    expect(r.leftGraphSamples[0]!.target).not.toBe('');
    // A wrong encoding is still caught in a pruned graph.
    const noExecute: Successors = function* (c, s) {
      for (const t of fastSuccessors(c, s)) if (t.action !== 'ReplicaExecute') yield t;
    };
    expect(checkGraphConformance(pruned, { cfg, pruned: true, successors: noExecute }).mismatchCount).toBeGreaterThan(0);
  });
});

describe('npm run conformance on a graph file', () => {
  beforeAll(loadGraph, 600_000); // about 70 s idle; 300 s ran out once on a machine at load 10
  it('reads DIR/<model>.dot instead of running the engine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
    writeFileSync(join(dir, 'ci-restart.dot'), dot);
    const run = conformModel(model, { graphsDir: dir });
    expect(run.source).toBe('file');
    expect(run.report.ok).toBe(true);
    expect(run.report.states).toBe(engineStates);
  });
});

describe('npm run conformance building the graph itself', () => {
  // Its model expects NothingInvokedFairly violated: the engine stopped at that violation and
  // gave no graph, so conformance over every CI model without --graphs ended in an internal error.
  it('builds the graph of a model whose property is violated from the reachable states alone', () => {
    const m = loadModel(join(SPEC_DIR, 'liveness-vacuity.cfg'));
    expect(m.cfg.meta.expect).toEqual({ kind: 'violation', property: 'NothingInvokedFairly' });
    const run = conformModel(m);
    expect(run.source).toBe('engine');
    expect(run.report.ok).toBe(true);
    expect(run.report.states).toBe(263);
    expect(run.engineStates).toBe(263);
  }, 120_000);
});

describe('npm run conformance: usage and input errors', () => {
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-conformance.ts', ...args], { encoding: 'utf8' });

  it('exits 2 with one line for an unknown model, a missing --graphs directory and an unsupported model', () => {
    for (const [args, msg] of [
      [['no-such-model'], /^conformance: unknown model no-such-model \(known: .*ci-restart/],
      [['--graphs', '/nonexistent-graphs', 'ci-restart'], /^conformance: --graphs \/nonexistent-graphs: no such directory$/],
      [['tlc-refinement'], /^conformance: model tlc-refinement checks module MultiPaxosRefinesLog/],
      [['--bogus'], /^conformance: unknown option --bogus$/],
    ] as const) {
      const r = run([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(msg);
    }
  }, 60_000);

  it('exits 2 naming file and line for a malformed graph file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conformance-bad-'));
    writeFileSync(join(dir, 'ci-restart.dot'), 'digraph StateGraph {\n  s0 [label="msgs={"];\n}\n');
    const r = run(['--graphs', dir, 'ci-restart']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`conformance: ci-restart: ${join(dir, 'ci-restart.dot')}: state graph line 2: variable msgs: value ended early: "{"`);
  }, 60_000);
});
