// Which .c files kbuild compiles under a configuration, and the per-object
// flags it gives them, read from the tree's Makefiles the way
// scripts/Makefile.build does for the common forms:
//   obj-y / obj-m / obj-$(CONFIG_X) += foo.o dir/
//   foo-y / foo-objs / foo-$(CONFIG_X) += a.o b.o     (composite objects)
//   ccflags-y, subdir-ccflags-y, CFLAGS_foo.o          (-D only)
//   ifdef / ifndef / ifeq / ifneq ... else ... endif  ($(CONFIG_X) compared)
// A file no Makefile names is "not built"; a construct this reader does not
// follow ($(call ...), $(filter ...)) expands to nothing, so the answer leans
// toward "not built" only for lists made that way, and says where it looked.
// KBUILD_MODNAME is what scripts/Makefile.lib computes: the composite
// object's name if the file is part of one, else its own, with - and , as _.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kconfig } from './kconfig';

export interface KbuildObject {
  /** y: built in, m: a module, n: not compiled under this configuration */
  built: 'y' | 'm' | 'n';
  /** where that was read: "net/mctp/Makefile: obj-$(CONFIG_MCTP) += mctp.o (CONFIG_MCTP is not set)" */
  why: string;
  /** the -D flags kbuild passes: KBUILD_MODNAME & co., MODULE, and the Makefiles' own */
  defines: Array<[string, string]>;
}

interface Make {
  vars: Map<string, string>;
  /** the raw obj-... lines, for explaining a "not built" */
  lines: string[];
}

export class KbuildObjects {
  private readonly makes = new Map<string, Make | null>();
  private readonly dirs = new Map<string, { built: 'y' | 'm' | 'n'; why: string }>();

  constructor(private readonly srcDir: string, private readonly kconfig: Kconfig) {}

  /** What kbuild does with `file` (a .c under srcDir). */
  object(file: string): KbuildObject {
    const rel = path.relative(this.srcDir, path.resolve(this.srcDir, file)).split(path.sep).join('/');
    const dir = path.posix.dirname(rel);
    const stem = path.posix.basename(rel).replace(/\.c$/, '');
    const defines: Array<[string, string]> = [];
    const make = this.make(dir);
    const d = this.dir(dir);
    let built: 'y' | 'm' | 'n' = 'n';
    let why = d.built === 'n' ? d.why : `${dir}/Makefile does not name ${stem}.o`;
    let modname = stem;
    const words = (v: string | undefined) => (v ?? '').split(/\s+/).filter(Boolean);
    // the file's own directory first; a parent may name it as sub/file.o
    const places: Array<[string, string]> = [[dir, `${stem}.o`], [path.posix.dirname(dir), `${path.posix.basename(dir)}/${stem}.o`]];
    for (const [where, obj] of d.built === 'n' ? [] : places) {
      const mk = this.make(where);
      if (!mk) continue;
      const direct: Array<[string, 'y' | 'm']> = [...words(mk.vars.get('obj-y')).map((w) => [w, 'y'] as [string, 'y']), ...words(mk.vars.get('obj-m')).map((w) => [w, 'm'] as [string, 'm'])];
      const own = direct.find(([w]) => w === obj);
      if (own) { built = own[1]; why = `${where}/Makefile: obj-${own[1]} += ${obj}`; }
      else {
        for (const [w, how] of direct) {
          if (!w.endsWith('.o')) continue;
          const composite = w.slice(0, -2);
          const parts = [...words(mk.vars.get(`${composite}-y`)), ...words(mk.vars.get(`${composite}-objs`)), ...words(mk.vars.get(`${composite}-m`))];
          if (!parts.includes(obj)) continue;
          built = how; modname = path.posix.basename(composite);
          why = `${where}/Makefile: ${obj} is part of ${composite}.o (obj-${how})`;
          break;
        }
      }
      if (built === 'n') continue;
      if (d.built === 'm') built = 'm';
      for (const f of [...words(mk.vars.get('ccflags-y')), ...words(mk.vars.get('subdir-ccflags-y')), ...words(mk.vars.get(`CFLAGS_${stem}.o`))]) {
        const m = /^-D([A-Za-z_]\w*)(?:=(.*))?$/.exec(f);
        if (m) defines.push([m[1], m[2] ?? '1']);
      }
      break;
    }
    if (built === 'n' && make && d.built !== 'n') why = this.explain(make, dir, stem) ?? why;
    const fix = (s: string) => s.replace(/[-,]/g, '_');
    defines.push(['KBUILD_MODFILE', `"${dir}/${modname}"`], ['KBUILD_BASENAME', `"${fix(stem)}"`], ['KBUILD_MODNAME', `"${fix(modname)}"`], ['__KBUILD_MODNAME', `kmod_${fix(modname)}`]);
    if (built === 'm') defines.push(['MODULE', '1']);
    return { built, why, defines };
  }

  /** Is directory `dir` descended into, and how (a directory reached through obj-m builds modules only)? */
  private dir(dir: string): { built: 'y' | 'm' | 'n'; why: string } {
    const have = this.dirs.get(dir);
    if (have) return have;
    let r: { built: 'y' | 'm' | 'n'; why: string };
    if (dir === '.' || dir === '') r = { built: 'y', why: 'the top of the tree' };
    else {
      const parent = path.posix.dirname(dir);
      const p = this.dir(parent);
      const pm = this.make(parent === '.' ? '' : parent);
      const name = path.posix.basename(dir) + '/';
      if (p.built === 'n') r = p;
      else if (!pm) r = { built: 'n', why: `no Makefile in ${parent}` };
      else {
        const ys = (pm.vars.get('obj-y') ?? '').split(/\s+/);
        const ms = (pm.vars.get('obj-m') ?? '').split(/\s+/);
        // the top-level Kbuild spells arch/$(SRCARCH)/ and friends; only mm/ and net/ matter here
        if (ys.includes(name) || ys.includes(dir + '/')) r = { built: p.built, why: `${parent}/Makefile: obj-y += ${name}` };
        else if (ms.includes(name) || ms.includes(dir + '/')) r = { built: 'm', why: `${parent}/Makefile: obj-m += ${name}` };
        else r = { built: 'n', why: this.explain(pm, parent, name.slice(0, -1), '/') ?? `${parent === '.' ? 'Kbuild' : parent + '/Makefile'} does not descend into ${name}` };
      }
    }
    this.dirs.set(dir, r);
    return r;
  }

  /** The Makefile line that would name `stem` under another configuration, with the option that is off. */
  private explain(make: Make, dir: string, stem: string, suffix = '.o'): string | undefined {
    const re = new RegExp(`(^|\\s)${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${suffix.replace('.', '\\.')}(\\s|$)`);
    const line = make.lines.find((l) => re.test(l.replace(/^[^=]*=/, ' ')));
    if (!line) return undefined;
    const composite = /^\s*([\w-]+)-(y|objs|m)\s*[:+?]?=/.exec(line);
    if (composite && composite[1] !== 'obj' && composite[1] !== stem) return this.explain(make, dir, composite[1]) ?? undefined;
    const opts = [...line.matchAll(/\$\((CONFIG_\w+)\)/g)].map((m) => m[1]);
    const off = opts.filter((o) => !this.kconfig.has(o));
    return `${dir === '' || dir === '.' ? 'Kbuild' : dir + '/Makefile'}: ${line.trim().replace(/\s+/g, ' ').slice(0, 120)}${off.length ? ` (${off.join(', ')} is not set)` : ''}`;
  }

  private make(dir: string): Make | undefined {
    const key = dir === '.' ? '' : dir;
    const have = this.makes.get(key);
    if (have !== undefined) return have ?? undefined;
    let text: string | undefined;
    for (const name of key === '' ? ['Kbuild'] : ['Kbuild', 'Makefile']) {
      try { text = fs.readFileSync(path.join(this.srcDir, key, name), 'utf8'); break; } catch { /* next */ }
    }
    const m = text === undefined ? undefined : this.evaluate(text);
    this.makes.set(key, m ?? null);
    return m;
  }

  private evaluate(text: string): Make {
    const vars = new Map<string, string>();
    const lines: string[] = [];
    const expand = (s: string, depth = 0): string => {
      if (depth > 8) return '';
      return s.replace(/\$[({]([^(){}]*(?:[({][^(){}]*[)}][^(){}]*)*)[)}]/g, (_m, inner: string) => {
        if (/\s/.test(inner.trim()) || inner.includes(',')) return ''; // a make function
        const name = expand(inner, depth + 1);
        if (name.startsWith('CONFIG_')) return this.kconfig.get(name) ?? '';
        return expand(vars.get(name) ?? '', depth + 1);
      });
    };
    const logical = text.replace(/\\\r?\n/g, ' ').split('\n');
    // one entry per open conditional: is its current branch on, and was one branch taken already
    const stack: Array<{ on: boolean; taken: boolean }> = [];
    let inDefine = false;
    for (const raw of logical) {
      const line = raw.replace(/(^|[^\\])#.*$/, '$1').trimEnd();
      if (inDefine) { if (/^\s*endef\b/.test(line)) inDefine = false; continue; }
      if (/^\s*define\b/.test(line)) { inDefine = true; continue; }
      const cond = /^\s*(else\s+)?(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(line);
      if (cond) {
        const v = this.condition(cond[2], cond[3], expand);
        if (cond[1]) { const top = stack.pop() ?? { on: false, taken: false }; stack.push(top.taken ? { on: false, taken: true } : { on: v, taken: v }); }
        else stack.push({ on: v, taken: v });
        continue;
      }
      if (/^\s*else\s*$/.test(line)) { const top = stack[stack.length - 1]; if (top) { top.on = !top.taken; top.taken = true; } continue; }
      if (/^\s*endif\b/.test(line)) { stack.pop(); continue; }
      if (!stack.every((x) => x.on)) continue;
      const a = /^\s*(?:override\s+|export\s+)?([^:=+?!\s]+)\s*(\+=|:=|::=|\?=|=)\s*(.*)$/.exec(line);
      if (!a) continue;
      const name = expand(a[1]).trim();
      if (!name) continue;
      if (/^obj-|-(y|m|objs|\$\(CONFIG_\w+\))$/.test(a[1])) lines.push(line);
      const value = expand(a[3]);
      if (a[2] === '+=') vars.set(name, `${vars.get(name) ?? ''} ${value}`);
      else if (a[2] === '?=') { if (!vars.has(name)) vars.set(name, value); }
      else vars.set(name, value);
    }
    return { vars, lines };
  }

  private condition(kind: string, rest: string, expand: (s: string) => string): boolean {
    if (kind === 'ifdef' || kind === 'ifndef') {
      const name = expand(rest.trim()) || rest.trim();
      const defined = name.startsWith('CONFIG_') ? this.kconfig.has(name) : false;
      return kind === 'ifdef' ? defined : !defined;
    }
    const m = /^\(\s*([^,]*?)\s*,\s*(.*?)\s*\)\s*$/.exec(rest) ?? /^["']([^"']*)["']\s+["']([^"']*)["']\s*$/.exec(rest);
    if (!m) return true; // a form this reader does not follow: keep what it guards
    const eq = expand(m[1]).trim() === expand(m[2]).trim();
    return kind === 'ifeq' ? eq : !eq;
  }
}
