/**
 * The page's model code (src/viewer/page/util.js and data.js) run in Node, without a browser:
 * the files are plain scripts sharing one scope, so they are evaluated together in a fresh
 * context that exposes what they define. What the browser tests check through the DOM can be
 * checked here event by event, in milliseconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { matchArrows } from '../../src/viewer/arrows.js';
import { type Page, type PageData, buildPage } from '../../src/viewer/pageData.js';
import type { ViewRun } from '../../src/viewer/types.js';

type Obj = Record<string, unknown>;

/** The page's Model class, as main.js uses it (only what the tests call is typed). */
export interface PageModel {
  count: number;
  row: Int32Array;
  line: Int32Array;
  laneEvents: Int32Array[];
  posInLane: Int32Array;
  loadDetails(base64: string): Promise<void>;
  detailsError: string | null;
  raw(i: number): Obj | null;
  stateAfter(i: number): { state: Obj | null; before: Obj | null; changed: Set<string>; problems: string[] };
}

interface PageScope { Model: new (data: PageData) => PageModel }

const PAGE = join('src', 'viewer', 'page');

/** Evaluates util.js and data.js (in the page's order) in a context of their own. */
export function pageScope(): PageScope {
  const src = ['util.js', 'data.js'].map((f) => readFileSync(join(PAGE, f), 'utf8')).join('\n');
  const context = vm.createContext({ fetch, Blob, Response, DecompressionStream, atob });
  vm.runInContext(`${src}\n;globalThis.__scope = { Model };`, context, { filename: 'page.js' });
  return (context as { __scope: PageScope }).__scope;
}

/** A run's page, as view-trace writes it, opened by the page's model with its details loaded. */
export async function openModel(run: ViewRun): Promise<{ page: Page; model: PageModel }> {
  const page = buildPage(run, matchArrows(run.events));
  const model = new (pageScope().Model)(page.data);
  await model.loadDetails(page.detailsGzipBase64);
  if (model.detailsError !== null) throw new Error(model.detailsError);
  return { page, model };
}
