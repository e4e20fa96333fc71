/**
 * No cycle between the folders of lib/: every relative import (type-only ones included) of a file
 * in lib/<a>/ that reaches lib/<b>/ is an edge a -> b (each file directly in lib/, such as index.ts
 * or errors.ts, is a node of its own), and the graph must be acyclic. lib/conventions imports
 * nothing at all.
 */
import { readdirSync, readFileSync } from 'fs';
import { dirname, join, relative, sep } from 'path';
import { packagePath } from '../lib/paths';

const LIB = packagePath('lib');
const files = (readdirSync(LIB, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(LIB, f));
const folderOf = (file: string) => {
  const parts = relative(LIB, file).split(sep);
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.ts$/, ''); // a file of lib/ itself is its own node
};

/** Relative module specifiers of `import … from`, `export … from`, `import(…)`, `require(…)` and `import type`. */
function relativeImports(source: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  return [...source.matchAll(re)].map((m) => m[1]);
}

function edges(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = folderOf(file);
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const target = join(dirname(file), spec);
      if (!target.startsWith(LIB + sep)) continue; // imports/, vendor, package.json
      const to = folderOf(target + '.ts');
      if (to === from) continue;
      if (!out.has(from)) out.set(from, new Map());
      out.get(from)!.set(to, `${relative(LIB, file)} imports ${spec}`);
    }
  }
  return out;
}

/** One cycle of the folder graph, as `a -> b -> a` with the import behind each step, or undefined. */
function findCycle(graph: Map<string, Map<string, string>>): string | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        return cycle.slice(1).map((to, i) => `${cycle[i]} -> ${to} (${graph.get(cycle[i])!.get(to)})`).join('; ');
      }
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

test('the import scanner sees every kind of relative import', () => {
  const source = "import a from './a';\nimport type { B } from '../b';\nexport * from './c';\nconst d = require('./d');\nimport './e';\nconst f = import('../f');";
  expect(relativeImports(source)).toEqual(['./a', '../b', './c', './d', './e', '../f']);
});

test('the cycle finder reports a cycle with the imports behind it', () => {
  const graph = new Map([
    ['a', new Map([['b', 'a.ts imports ../b/x']])],
    ['b', new Map([['a', 'b.ts imports ../a/y']])],
  ]);
  expect(findCycle(graph)).toBe('a -> b (a.ts imports ../b/x); b -> a (b.ts imports ../a/y)');
  expect(findCycle(new Map([['a', new Map([['b', '']])]]))).toBeUndefined();
});

test('no cycle between the folders of lib/', () => {
  const graph = edges();
  expect(graph.get('constructs')?.has('values')).toBe(true); // the scanner found the known edges
  expect(findCycle(graph)).toBeUndefined();
});

test('lib/conventions imports no other module', () => {
  const imports = files
    .filter((f) => folderOf(f) === 'conventions')
    .flatMap((f) => relativeImports(readFileSync(f, 'utf8')).filter((s) => !s.startsWith('./')).map((s) => `${relative(LIB, f)}: ${s}`));
  const packages = files.filter((f) => folderOf(f) === 'conventions').filter((f) => /^\s*import .* from ['"][^.]/m.test(readFileSync(f, 'utf8')));
  expect([...imports, ...packages]).toEqual([]);
});
