// The one expression model shared by the preprocessor's #if, the layout engine
// (array sizes, bit-field widths, aligned(N), enumerators) and the static_assert
// checker. Producers: preprocess/if-expression.ts (from tokens) and
// eval/from-syntax.ts (from tree-sitter nodes). Consumer: eval/evaluate.ts.

/** A C integer type as the evaluator needs it: width and signedness. */
export interface IntType {
  bits: number;
  signed: boolean;
}

/**
 * A type named inside an expression (sizeof, _Alignof, offsetof, casts).
 * Opaque to the evaluator: the context resolves it. `text` is the C spelling,
 * for messages; `node` is whatever the producer attached (a syntax node id).
 */
export interface TypeRef {
  text: string;
  node?: unknown;
}

/** Where an expression (or part of it) came from, for messages and mapping back. */
export interface ExprOrigin {
  file?: string;
  line?: number;
  column?: number;
}

export type Expr =
  | { k: 'int'; value: bigint; type: IntType; origin?: ExprOrigin }
  | { k: 'ident'; name: string; origin?: ExprOrigin }
  | { k: 'unary'; op: '-' | '+' | '~' | '!'; arg: Expr; origin?: ExprOrigin }
  | { k: 'binary'; op: BinaryOp; left: Expr; right: Expr; origin?: ExprOrigin }
  | { k: 'cond'; test: Expr; then: Expr; else: Expr; origin?: ExprOrigin }
  | { k: 'cast'; type: TypeRef; arg: Expr; origin?: ExprOrigin }
  | { k: 'sizeof'; type?: TypeRef; expr?: Expr; origin?: ExprOrigin }
  | { k: 'alignof'; type?: TypeRef; expr?: Expr; origin?: ExprOrigin }
  /** designator: member names and array subscripts, e.g. a.b[3].c */
  | { k: 'offsetof'; type: TypeRef; designator: Array<string | Expr>; origin?: ExprOrigin }
  /** #if only: defined(X) */
  | { k: 'defined'; name: string; origin?: ExprOrigin }
  /** __has_attribute(x), __has_builtin(x), __builtin_constant_p(e), ... */
  | { k: 'call'; callee: string; args: Expr[]; origin?: ExprOrigin }
  | { k: 'unknown'; reason: string; origin?: ExprOrigin };

export type BinaryOp =
  | '*' | '/' | '%' | '+' | '-' | '<<' | '>>'
  | '<' | '>' | '<=' | '>=' | '==' | '!='
  | '&' | '^' | '|' | '&&' | '||' | ',';

/** The result of evaluating: a value with its C type, or why it cannot be decided. */
export type EvalResult =
  | { ok: true; value: bigint; type: IntType }
  | { ok: false; reason: string };
