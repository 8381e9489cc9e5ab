// The gasm syntax tree: what the parser produces and the checker reads.
import type { Pos } from './diag.js';

/** A constant expression (Go untyped-constant arithmetic; `W` is the word size). */
export type Expr =
  | { readonly k: 'num'; readonly v: bigint; readonly pos: Pos }
  | { readonly k: 'W'; readonly pos: Pos }
  | { readonly k: 'un'; readonly op: '-' | '+' | '^'; readonly x: Expr; readonly pos: Pos }
  | { readonly k: 'bin'; readonly op: string; readonly l: Expr; readonly r: Expr; readonly pos: Pos };

export type TypeExpr =
  | { readonly k: 'name'; readonly name: string; readonly pos: Pos }
  | { readonly k: 'ptr'; readonly elem: TypeExpr; readonly pos: Pos }
  | { readonly k: 'array'; readonly len: Expr; readonly elem: TypeExpr; readonly pos: Pos }
  | { readonly k: 'chan'; readonly elem: TypeExpr; readonly pos: Pos }
  | { readonly k: 'closure'; readonly fn: string; readonly pos: Pos };

export type Operand =
  | { readonly k: 'reg'; readonly reg: number; readonly pos: Pos }
  | { readonly k: 'imm'; readonly expr: Expr; readonly pos: Pos }
  | { readonly k: 'str'; readonly bytes: Uint8Array; readonly pos: Pos }
  | { readonly k: 'bool'; readonly v: boolean; readonly pos: Pos }
  /** `$main.f`: the static funcval of a function. */
  | { readonly k: 'fsym'; readonly name: string; readonly pos: Pos }
  /** `x`, `x+off`, `&x`, `&x+off`; also globals (package-qualified names) and labels. */
  | { readonly k: 'name'; readonly name: string; readonly off: Expr | null; readonly addr: boolean; readonly pos: Pos }
  /** `off(Rn)` */
  | { readonly k: 'mem'; readonly reg: number; readonly off: Expr | null; readonly pos: Pos }
  /** A type operand (`NEW T`, `MAKECHAN T, n`, `UNBOX s, int`). */
  | { readonly k: 'type'; readonly type: TypeExpr; readonly pos: Pos };

export interface CallTarget {
  /** `main.f(...)`: a function by name; otherwise a register or slot holding a funcval. */
  readonly fn: string | null;
  /** Position of the function name (or of the register/slot called through). */
  readonly fnPos: Pos;
  readonly via: Operand | null;
  readonly args: Operand[];
  readonly argsPos: Pos;
}

export interface Instr {
  readonly mnem: string; // upper case
  readonly pos: Pos;
  readonly line: number;
  readonly operands: Operand[];
  /** CALL, DEFER, GO, CLOSURE: the `f(args)` part. */
  readonly call: CallTarget | null;
  /** DEFER PRINT/PRINTLN: the deferred builtin. */
  readonly deferPrint: 'PRINT' | 'PRINTLN' | null;
  /** Operands after `->`. */
  readonly results: Operand[];
}

export interface Param {
  readonly name: string;
  readonly type: TypeExpr;
  readonly pos: Pos;
}

export interface TextDecl {
  readonly k: 'text';
  readonly name: string;
  readonly pos: Pos;
  readonly params: Param[];
  readonly results: Param[];
  readonly nosplit: boolean;
  readonly noframe: boolean;
  readonly frame: Expr | null;
  readonly locals: Param[];
  readonly captures: Param[];
  readonly body: Instr[];
  /** Label name -> index in body of the instruction it precedes (body.length at the end). */
  readonly labels: Map<string, { index: number; pos: Pos }>;
  /** Line of the last source line of the body. */
  endLine: number;
  /** A line of the body failed to lex or parse: its end cannot be judged. */
  broken: boolean;
}

export interface GlobalDecl {
  readonly k: 'global';
  readonly name: string;
  readonly type: TypeExpr;
  readonly init: Operand | null;
  readonly pos: Pos;
}

export interface TypeDecl {
  readonly k: 'type';
  readonly name: string;
  readonly type: TypeExpr;
  readonly pos: Pos;
}

export type Decl = TextDecl | GlobalDecl | TypeDecl;

export interface Program {
  readonly decls: Decl[];
}
