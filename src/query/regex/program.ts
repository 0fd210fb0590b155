/**
 * A parsed regex compiled to a Thompson NFA and run by keeping every live
 * state at once (no backtracking): each character of the text advances each
 * instruction at most once, so a match costs at most (instructions × text
 * length) steps, whatever the pattern. Only yes/no is needed, which spares
 * tracking captures or priorities.
 */
import { CharTest, isWordUnit } from './charset.js';
import { RegexError, type Assertion, type Node } from './parse.js';

/** Instructions a pattern may compile to; `x{n}` copies x n times. */
export const MAX_INSTRUCTIONS = 5_000;

const SET = 0;
const SPLIT = 1;
const ASSERT = 2;
const MATCH = 3;

/** One shape for all instructions keeps the matching loop monomorphic. */
interface Inst {
  op: number;
  next: number;
  /** SPLIT's second way. */
  alt: number;
  test: CharTest | undefined;
  kind: Assertion | undefined;
}

export interface Matcher {
  test(text: string): boolean;
  /** Instructions compiled: what matching costs per character of text, at most. */
  readonly size: number;
}

export function compile(root: Node, fold: boolean): Matcher {
  if (size(root) > MAX_INSTRUCTIONS) {
    throw new RegexError(`pattern too large: more than ${MAX_INSTRUCTIONS} steps once counted repeats are expanded`, 'use smaller counts in {n,m}, or * and + instead');
  }
  const prog: Inst[] = [];
  const push = (op: number, next = -1, alt = -1, test?: CharTest, kind?: Assertion) => prog.push({ op, next, alt, test, kind }) - 1;
  const tests = new Map<Node, CharTest>();

  // Compiled back to front: each node is given the instruction that follows it.
  const emit = (node: Node, next: number): number => {
    switch (node.type) {
      case 'set': {
        let test = tests.get(node);
        if (!test) tests.set(node, (test = new CharTest(node.ranges, node.negated, fold)));
        return push(SET, next, -1, test);
      }
      case 'assert':
        return push(ASSERT, next, -1, undefined, node.kind);
      case 'seq':
        for (let k = node.items.length - 1; k >= 0; k--) next = emit(node.items[k]!, next);
        return next;
      case 'alt': {
        const entries = node.items.map((item) => emit(item, next));
        let entry = entries[entries.length - 1]!;
        for (let k = entries.length - 2; k >= 0; k--) entry = push(SPLIT, entries[k], entry);
        return entry;
      }
      case 'repeat': {
        let entry = next;
        let copies = node.min;
        if (node.max === Infinity) {
          // x+ as a loop back over one copy; x* as a loop that may skip it.
          const loop = push(SPLIT, -1, next);
          const body = emit(node.node, loop);
          prog[loop]!.next = body;
          entry = copies > 0 ? body : loop;
          copies = Math.max(0, copies - 1);
        } else {
          // x{2,4} is x x (x (x)?)?: each optional copy may skip all the rest.
          for (let k = node.max - node.min; k > 0; k--) entry = push(SPLIT, emit(node.node, entry), next);
        }
        for (; copies > 0; copies--) entry = emit(node.node, entry);
        return entry;
      }
    }
  };
  const start = emit(root, push(MATCH));
  return new Simulation(prog, start);
}

/** An upper bound on the instructions `node` compiles to, saturating just above the limit. */
function size(node: Node): number {
  const cap = (n: number) => Math.min(n, MAX_INSTRUCTIONS + 1);
  switch (node.type) {
    case 'set':
    case 'assert':
      return 1;
    case 'seq':
      return cap(node.items.reduce((sum, item) => sum + size(item), 0));
    case 'alt':
      return cap(node.items.reduce((sum, item) => sum + size(item), node.items.length - 1));
    case 'repeat': {
      const one = size(node.node);
      return node.max === Infinity ? cap(one * Math.max(1, node.min) + 1) : cap(one * node.max + (node.max - node.min));
    }
  }
}

class Simulation implements Matcher {
  /** The generation that last put each instruction on a list (or explored it). */
  private readonly seen: Int32Array;
  private generation = 0;
  private current: Int32Array;
  private following: Int32Array;
  private readonly stack: Int32Array;
  readonly size: number;

  constructor(
    private readonly prog: readonly Inst[],
    private readonly start: number,
  ) {
    this.size = prog.length;
    this.seen = new Int32Array(prog.length);
    this.current = new Int32Array(prog.length);
    this.following = new Int32Array(prog.length);
    this.stack = new Int32Array(prog.length);
  }

  test(text: string): boolean {
    this.nextGeneration();
    let count = this.add(this.start, text, 0, this.current, 0);
    for (let i = 0; i < text.length && count >= 0; i++) {
      const c = text.charCodeAt(i);
      const from = this.current;
      const to = this.following;
      this.nextGeneration();
      let n = 0;
      for (let k = 0; k < count && n >= 0; k++) {
        const inst = this.prog[from[k]!]!;
        if (inst.test!.has(c)) n = this.add(inst.next, text, i + 1, to, n);
      }
      // Unanchored: a match may also begin at the next position.
      if (n >= 0) n = this.add(this.start, text, i + 1, to, n);
      this.current = to;
      this.following = from;
      count = n;
    }
    return count < 0;
  }

  private nextGeneration(): void {
    if (++this.generation === 0x7fffffff) {
      this.seen.fill(0);
      this.generation = 1;
    }
  }

  /**
   * Follows the empty moves from `from` at position `pos`, appending the SET
   * instructions reached to `list` (from index `n`); returns the new length,
   * or -1 as soon as MATCH is reached. An instruction is marked when pushed,
   * so it enters the stack at most once per generation.
   */
  private add(from: number, text: string, pos: number, list: Int32Array, n: number): number {
    const { prog, seen, stack, generation } = this;
    if (seen[from] === generation) return n;
    seen[from] = generation;
    let top = 0;
    stack[top++] = from;
    while (top > 0) {
      const pc = stack[--top]!;
      const inst = prog[pc]!;
      if (inst.op === MATCH) return -1;
      if (inst.op === SET) {
        list[n++] = pc;
        continue;
      }
      if (inst.op === ASSERT && !holds(inst.kind!, text, pos)) continue;
      if (seen[inst.next] !== generation) {
        seen[inst.next] = generation;
        stack[top++] = inst.next;
      }
      if (inst.op === SPLIT && seen[inst.alt] !== generation) {
        seen[inst.alt] = generation;
        stack[top++] = inst.alt;
      }
    }
    return n;
  }
}

function holds(kind: Assertion, text: string, at: number): boolean {
  if (kind === 'start') return at === 0;
  if (kind === 'end') return at === text.length;
  const before = at > 0 && isWordUnit(text.charCodeAt(at - 1));
  const after = at < text.length && isWordUnit(text.charCodeAt(at));
  return (before !== after) === (kind === 'boundary');
}
