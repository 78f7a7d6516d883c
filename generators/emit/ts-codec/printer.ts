// A small printer for the TypeScript the ts-codec emitter writes: import,
// interface, const, function and class declarations, described as plain
// structures and printed with code-block-writer. It follows the layout rules
// of ts-morph's structure printers (blank lines between declarations, JSDoc
// blocks, hanging indentation of initializers), so the output reads like
// hand-formatted code, without loading ts-morph and the TypeScript compiler
// (a third of a second) for what is only string building.
import CodeBlockWriter from 'code-block-writer';

export type WriterFunction = (writer: CodeBlockWriter) => void;
type Text = string | WriterFunction;

export enum StructureKind {
  ImportDeclaration,
  Interface,
  VariableStatement,
  Function,
  Class,
}

export enum VariableDeclarationKind {
  Const = 'const',
  Let = 'let',
}

export enum Scope {
  Private = 'private',
}

export type OptionalKind<T extends { kind?: unknown }> = Omit<T, 'kind'> & { kind?: T['kind'] };

interface Modifiers {
  isExported?: boolean;
  scope?: Scope;
  isReadonly?: boolean;
}

export interface ParameterDeclarationStructure {
  name: string;
  type?: Text;
}

export interface PropertySignatureStructure extends Modifiers {
  name: string;
  type?: Text;
  docs?: string[];
}

export interface PropertyDeclarationStructure extends PropertySignatureStructure {}

interface FunctionLike extends Modifiers {
  docs?: string[];
  parameters?: ParameterDeclarationStructure[];
  returnType?: Text;
  statements?: Text | Text[];
}

export interface ImportDeclarationStructure {
  kind: StructureKind.ImportDeclaration;
  isTypeOnly?: boolean;
  moduleSpecifier: string;
  namedImports: string[];
}

export interface InterfaceDeclarationStructure extends Modifiers {
  kind: StructureKind.Interface;
  name: string;
  docs?: string[];
  properties?: PropertySignatureStructure[];
}

export interface VariableDeclarationStructure {
  name: string;
  type?: Text;
  initializer?: Text;
}

export interface VariableStatementStructure extends Modifiers {
  kind: StructureKind.VariableStatement;
  declarationKind: VariableDeclarationKind;
  docs?: string[];
  declarations: VariableDeclarationStructure[];
}

export interface FunctionDeclarationStructure extends FunctionLike {
  kind: StructureKind.Function;
  name: string;
}

export interface MethodDeclarationStructure extends FunctionLike {
  kind?: undefined;
  name: string;
}

export interface GetAccessorDeclarationStructure extends FunctionLike {
  kind?: undefined;
  name: string;
}

export interface SetAccessorDeclarationStructure extends FunctionLike {
  kind?: undefined;
  name: string;
}

export interface ConstructorDeclarationStructure extends FunctionLike {
  kind?: undefined;
}

export interface ClassDeclarationStructure extends Modifiers {
  kind: StructureKind.Class;
  name: string;
  docs?: string[];
  properties?: PropertyDeclarationStructure[];
  ctors?: ConstructorDeclarationStructure[];
  getAccessors?: GetAccessorDeclarationStructure[];
  setAccessors?: SetAccessorDeclarationStructure[];
  methods?: MethodDeclarationStructure[];
}

export type StatementStructures =
  | ImportDeclarationStructure
  | InterfaceDeclarationStructure
  | VariableStatementStructure
  | FunctionDeclarationStructure
  | ClassDeclarationStructure;

export type Statement = Text | StatementStructures;

/** The repository's own style: two-space indentation, single quotes, \n. */
function newWriter(): CodeBlockWriter {
  return new CodeBlockWriter({ newLine: '\n', indentNumberOfSpaces: 2, useTabs: false, useSingleQuote: true });
}

function textOf(t: Text): string {
  if (typeof t === 'string') return t;
  const w = newWriter();
  t(w);
  return w.toString();
}

function writeText(w: CodeBlockWriter, t: Text | undefined): void {
  if (typeof t === 'string') w.write(t);
  else if (t !== undefined) t(w);
}

const isBlank = (s: string) => s.trim() === '';

function lastNonWhitespaceIsCloseBrace(w: CodeBlockWriter): boolean {
  return (
    w.iterateLastCharCodes((c) => {
      if (c === 0x7d) return true;
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) return undefined;
      return false;
    }) === true
  );
}

function docs(w: CodeBlockWriter, ds: string[] | undefined): void {
  for (const d of ds ?? []) {
    w.closeComment();
    const lines = d.split(/\r?\n/);
    const single = lines.length <= 1;
    const start = lines[0]!.length === 0 ? 1 : 0;
    w.write('/**');
    if (single) w.space().write(lines[start] ?? '');
    else {
      w.newLine();
      for (let i = start; i < lines.length; i++) {
        w.write(' *');
        if (lines[i]!.length > 0) w.write(` ${lines[i]}`);
        w.newLine();
      }
    }
    w.spaceIfLastNot();
    w.write('*/');
    w.newLine();
  }
}

function modifiers(w: CodeBlockWriter, m: Modifiers): void {
  if (m.isExported) w.write('export ');
  if (m.scope !== undefined) w.write(`${m.scope} `);
  if (m.isReadonly) w.write('readonly ');
}

function typed(w: CodeBlockWriter, type: Text | undefined, separator = ':'): void {
  if (type === undefined) return;
  const t = textOf(type);
  if (!isBlank(t)) w.hangingIndent(() => w.write(`${separator} ${t}`));
}

function initializer(w: CodeBlockWriter, init: Text | undefined): void {
  if (init === undefined) return;
  const t = textOf(init);
  if (isBlank(t)) return;
  w.hangingIndent(() => {
    w.spaceIfLastNot();
    w.write(`= ${t}`);
  });
}

function returnType(w: CodeBlockWriter, rt: Text | undefined): void {
  if (rt === undefined) return;
  const t = textOf(rt);
  if (!isBlank(t)) w.hangingIndent(() => w.write(`: ${t}`));
}

/** Items separated by `, ` (the separator is a space; the comma goes after each item's text). */
function commaSeparated<T>(w: CodeBlockWriter, items: T[], print: (item: T) => void): void {
  for (let i = 0; i < items.length; i++) {
    if (i > 0) w.spaceIfLastNot();
    print(items[i]!);
    if (i < items.length - 1) w.write(',');
  }
}

function parameters(w: CodeBlockWriter, ps: ParameterDeclarationStructure[] | undefined): void {
  w.write('(');
  if (ps !== undefined && ps.length > 0) {
    w.hangingIndent(() =>
      commaSeparated(w, ps, (p) => {
        w.write(p.name);
        typed(w, p.type);
      }),
    );
  }
  w.write(')');
}

function statements(w: CodeBlockWriter, ss: Statement | Statement[] | undefined): void {
  if (ss === undefined) return;
  if (!Array.isArray(ss)) {
    statement(w, ss);
    return;
  }
  for (const s of ss) {
    if (lastNonWhitespaceIsCloseBrace(w)) w.blankLineIfLastNot();
    else if (!w.isAtStartOfFirstLineOfBlock()) w.newLineIfLastNot();
    statement(w, s);
  }
}

function statement(w: CodeBlockWriter, s: Statement): void {
  if (typeof s === 'string' || typeof s === 'function') {
    writeText(w, s);
    return;
  }
  const ensureBlankLine = () => {
    if (!w.isAtStartOfFirstLineOfBlock()) w.blankLineIfLastNot();
  };
  w.closeComment();
  switch (s.kind) {
    case StructureKind.ImportDeclaration:
      w.write('import');
      if (s.isTypeOnly) w.write(' type');
      if (s.namedImports.length > 0) w.write(` { ${s.namedImports.join(', ')} }`);
      w.write(' from ');
      w.quote(s.moduleSpecifier);
      w.write(';');
      return;
    case StructureKind.Interface:
      ensureBlankLine();
      docs(w, s.docs);
      modifiers(w, s);
      w.write(`interface ${s.name}`);
      w.space();
      w.inlineBlock(() => properties(w, s.properties ?? []));
      return;
    case StructureKind.VariableStatement:
      docs(w, s.docs);
      w.hangingIndent(() => {
        modifiers(w, s);
        w.write(`${s.declarationKind} `);
        if (s.declarations.length === 0) throw new Error('ts-codec printer: a variable statement without declarations');
        commaSeparated(w, s.declarations, (d) => {
          w.write(d.name);
          typed(w, d.type);
          initializer(w, d.initializer);
        });
        w.write(';');
      });
      return;
    case StructureKind.Function:
      ensureBlankLine();
      docs(w, s.docs);
      modifiers(w, s);
      w.write('function');
      if (!isBlank(s.name)) w.write(` ${s.name}`);
      parameters(w, s.parameters);
      returnType(w, s.returnType);
      w.space().inlineBlock(() => statements(w, s.statements));
      return;
    case StructureKind.Class:
      ensureBlankLine();
      classDeclaration(w, s);
      return;
  }
}

/** Property declarations of an interface or class body, one per line. */
function properties(w: CodeBlockWriter, props: readonly PropertySignatureStructure[]): void {
  for (let i = 0; i < props.length; i++) {
    w.conditionalNewLine(i > 0);
    const p = props[i]!;
    w.closeComment();
    docs(w, p.docs);
    modifiers(w, p);
    w.write(p.name);
    typed(w, p.type);
    w.write(';');
  }
}

function classDeclaration(w: CodeBlockWriter, s: ClassDeclarationStructure): void {
  const separator = () => {
    if (!w.isAtStartOfFirstLineOfBlock()) w.blankLine();
  };
  const body = (m: FunctionLike) => w.spaceIfLastNot().inlineBlock(() => statements(w, m.statements));
  docs(w, s.docs);
  modifiers(w, s);
  w.write('class');
  if (!isBlank(s.name)) w.space().write(s.name);
  w.space();
  w.inlineBlock(() => {
    properties(w, s.properties ?? []);
    for (const c of s.ctors ?? []) {
      separator();
      w.closeComment();
      docs(w, c.docs);
      modifiers(w, c);
      w.write('constructor');
      parameters(w, c.parameters);
      w.space().inlineBlock(() => statements(w, c.statements));
    }
    if (s.getAccessors !== undefined || s.setAccessors !== undefined) {
      const accessor = (a: GetAccessorDeclarationStructure | SetAccessorDeclarationStructure, word: 'get' | 'set') => {
        separator();
        w.closeComment();
        docs(w, a.docs);
        modifiers(w, a);
        w.write(`${word} ${a.name}`);
        parameters(w, a.parameters);
        returnType(w, a.returnType);
        body(a);
      };
      const setters = [...(s.setAccessors ?? [])];
      for (const g of s.getAccessors ?? []) {
        accessor(g, 'get');
        const i = setters.findIndex((x) => x.name === g.name);
        if (i >= 0) {
          accessor(setters[i]!, 'set');
          setters.splice(i, 1);
        }
      }
      for (const x of setters) accessor(x, 'set');
    }
    const methods = s.methods ?? [];
    if (methods.length > 0) {
      separator();
      for (let i = 0; i < methods.length; i++) {
        if (i > 0) w.blankLine();
        const m = methods[i]!;
        w.closeComment();
        docs(w, m.docs);
        modifiers(w, m);
        w.write(m.name);
        parameters(w, m.parameters);
        returnType(w, m.returnType);
        body(m);
      }
    }
  });
}

/** The text of a source file made of `statements`. */
export function printSourceFile(ss: Statement[]): string {
  const w = newWriter();
  statements(w, ss);
  w.conditionalNewLine(!w.isAtStartOfFirstLineOfBlock() && !w.isLastNewLine());
  return w.toString();
}
