// The model of C that assert conditions and the declarations around them
// are read into (by eval/c-reader.ts, from tree-sitter-c's trees) and that
// eval/c-typed.ts gives types and values: expressions after macro expansion
// with the GNU forms the kernel's macros expand to (typeof, statement
// expressions, __builtin_types_compatible_p, __builtin_offsetof with nested
// designators, _Generic, __auto_type), declarations and the few statements
// a statement expression's value depends on. Offsets (`at`, `end`) are
// offsets of the text that was read.

export type TypeSpec =
  /** keywords: unsigned long, int, _Bool, void, double ... */
  | { k: 'words'; words: string[] }
  /** `at`: offset of the keyword, so a body written here can be found in the unit's own parse */
  | { k: 'tag'; tag: 'struct' | 'union' | 'enum'; name?: string; fields?: FieldAst[]; enumerators?: Array<{ name: string; value?: CExpr }>; at?: number }
  | { k: 'typedef'; name: string }
  | { k: 'typeof'; type?: TypeName; expr?: CExpr }
  | { k: 'auto' };

export interface FieldAst {
  name: string | null;
  type: TypeName;
  width?: CExpr;
}

/** How a declarator wraps its base type, in the order the wrappers apply to it. */
export type DeclOp = { k: 'ptr' } | { k: 'array'; size?: CExpr } | { k: 'func'; params: TypeName[] };

export interface TypeName {
  spec: TypeSpec;
  ops: DeclOp[];
  /** the spelling, for messages */
  text: string;
}

export type Init = { k: 'expr'; e: CExpr } | { k: 'list'; items: Array<{ index?: CExpr; rangeEnd?: CExpr; field?: string; init: Init }> };

export interface DeclItem {
  name: string | null;
  type: TypeName;
  init?: Init;
  at: number;
}

export interface Declaration {
  storage: string[];
  items: DeclItem[];
}

export type Stmt =
  | { k: 'decl'; decl: Declaration }
  | { k: 'expr'; e: CExpr }
  | { k: 'if'; test: CExpr; then: Stmt; else?: Stmt }
  | { k: 'do'; body: Stmt; test: CExpr }
  | { k: 'block'; body: Stmt[] }
  | { k: 'empty' }
  | { k: 'static_assert'; cond: CExpr }
  /** a statement whose effect on the value is not modelled (loops, switch, asm, return, goto) */
  | { k: 'other'; what: string };

export type CExpr = (
  | { k: 'num'; text: string }
  | { k: 'chr'; text: string }
  | { k: 'str'; parts: string[] }
  | { k: 'id'; name: string }
  | { k: 'unary'; op: '-' | '+' | '~' | '!' | '*' | '&' | '++' | '--'; arg: CExpr }
  | { k: 'postfix'; op: '++' | '--'; arg: CExpr }
  | { k: 'binary'; op: string; left: CExpr; right: CExpr }
  | { k: 'assign'; op: string; left: CExpr; right: CExpr }
  | { k: 'cond'; test: CExpr; then?: CExpr; else: CExpr }
  | { k: 'cast'; type: TypeName; arg: CExpr }
  | { k: 'compound'; type: TypeName; init: Init }
  | { k: 'sizeof'; type?: TypeName; arg?: CExpr }
  | { k: 'alignof'; type?: TypeName; arg?: CExpr }
  | { k: 'offsetof'; type: TypeName; desig: Array<string | CExpr> }
  | { k: 'compat'; a: TypeName; b: TypeName }
  | { k: 'call'; fn: CExpr; args: CExpr[] }
  | { k: 'member'; obj: CExpr; name: string; arrow: boolean }
  | { k: 'index'; obj: CExpr; index: CExpr }
  | { k: 'stmt'; body: Stmt[] }
  | { k: 'generic'; ctrl: CExpr; assocs: Array<{ type?: TypeName; expr: CExpr }> }
  | { k: 'bad'; reason: string }
) & { at: number; end: number };

/** Which identifiers name types where a snippet stands: tree-sitter cannot tell `(T)-1` from `(n)-1`. */
export interface TypeNames {
  /** Is `name` a typedef name here (and not shadowed by a variable)? */
  isTypeName(name: string): boolean;
}
