import { NUL_MESSAGE, fieldPath, hasNul } from './text-rules';

/**
 * Deeply nested JSON parses fine but blows the stack of whatever walks it next (validation,
 * JSON.stringify, logging); our documented bodies nest a handful of levels.
 */
export const MAX_JSON_DEPTH = 32;

export interface JsonDefect {
  field: string;
  message: string;
}

interface Node {
  value: unknown;
  depth: number;
  parent?: Node;
  key?: string | number;
}

const pathOf = (node: Node): Array<string | number> => {
  const path: Array<string | number> = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) path.unshift(n.key!);
  return path;
};

/**
 * The first thing in a parsed JSON body that may not enter: nesting past `maxDepth`, or a NUL in a
 * string or a key. Walks with its own stack, so the depth it refuses cannot overflow it.
 */
export function findJsonDefect(body: unknown, base: string, maxDepth = MAX_JSON_DEPTH): JsonDefect | undefined {
  const stack: Node[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === 'string') {
      if (hasNul(value)) return { field: fieldPath(base, pathOf(node)), message: NUL_MESSAGE };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const depth = node.depth + 1;
    if (depth > maxDepth) return { field: base, message: `nested deeper than ${maxDepth} levels` };
    // Pushed in reverse, so the first defect in document order is the one reported.
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth, parent: node, key: i });
      continue;
    }
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      const childNode: Node = { value: child, depth, parent: node, key };
      if (hasNul(key)) return { field: fieldPath(base, pathOf(childNode)), message: `the key ${NUL_MESSAGE}` };
      stack.push(childNode);
    }
  }
  return undefined;
}
